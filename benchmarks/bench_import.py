"""Benchmark: a roster of 10,000 rows through `ceri export` and `ceri import`, time and peak RSS.

    python benchmarks/bench_import.py --rows 10000

Synthetic records (benchmarks/synth.py: every kind of student, one in eight with two internships) are
exported into a roster workbook, which is then imported into an empty folder (every file created), then
imported again into that folder (every file read back and found unchanged), then validated. Each step runs
in its own process; its wall time, CPU time and peak RSS (wait4's rusage) are printed. History of runs:
benchmarks/import.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import generate  # noqa: E402


def run(*args: str) -> tuple[float, float, float, str]:
    """Wall and CPU seconds, peak RSS in MiB, and the last line of output of `ceri ARGS` in a new process
    (CPU time too: on a shared machine the wall time says as much about the neighbours)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=out, stderr=err,
                                text=True)  # files, not pipes: a full pipe would stop the child
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        lines, errors = out.read().strip().splitlines(), err.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"ceri {' '.join(args)} failed ({code}):\n{errors[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, (lines or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    students = -(-args.rows * 8 // 9)  # one student in eight has two internships: 9 rows per 8 students
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        generate(folder / "synth", students)
        (folder / "synth" / "institution.yaml").unlink()  # the roster holds students and internships
        roster = folder / "roster.xlsx"
        steps = [
            ("export", ("export", str(roster), str(folder / "synth"))),
            ("import (create)", ("import", str(roster), "-o", str(folder / "records"))),
            ("import again (unchanged)", ("import", str(roster), "-o", str(folder / "records"))),
            ("validate the records", ("validate", str(folder / "records"))),
        ]
        print(f"{students} students; python {sys.version.split()[0]}")
        for name, argv in steps:
            wall, cpu, rss, last = run(*argv)
            extra = f"  ({roster.stat().st_size / 2**20:.1f} MB)" if name == "export" else ""
            print(f"{name:26} {wall:7.1f} s wall {cpu:7.1f} s CPU  peak RSS {rss:6.0f} MiB{extra}   {last}",
                  flush=True)


if __name__ == "__main__":
    main()
