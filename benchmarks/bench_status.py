"""Benchmark: `ceri status` on 5,000 internships (benchmarks/synth.py records), each format in its own
process: wall time and peak RSS.

    python benchmarks/bench_status.py [--internships 5000] [--rounds 3]

synth.py gives one internship to most students and two to a JSPS DC1 fellow (one in eight), so the
number of students is chosen to give the number of internships asked for. Each format runs `--rounds`
times, interleaved with the others (a shared machine drifts); the median is printed. The same records
at a fifth of the size run too, so that the growth between the two sizes shows (linear: about 5x).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import KINDS, generate  # noqa: E402

FORMATS = ("text", "json", "csv", "xlsx")


def students_for(internships: int) -> int:
    """Students whose synth records hold about this many internships (a DC1 fellow has two)."""
    per_cycle = len(KINDS) + 1
    return max(1, round(internships * len(KINDS) / per_cycle))


def timed(args: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of `ceri ARGS` in a fresh interpreter."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"ceri {' '.join(args[:2])} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss // 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--internships", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-status-") as tmp:
        sizes = {}
        for n in (args.internships // 5, args.internships):
            folder = Path(tmp) / f"r{n}"
            generate(folder, students_for(n))
            sizes[n] = folder
        print(f"{'internships':>11}  {'format':<6}  {'median s':>8}  {'peak MiB':>8}")
        results: dict[tuple[int, str], list[tuple[float, int]]] = {}
        for _ in range(args.rounds):
            for n, folder in sizes.items():
                for fmt in FORMATS:
                    out = Path(tmp) / f"status-{n}.{fmt}"
                    results.setdefault((n, fmt), []).append(
                        timed(["status", str(folder), "--as-of", "2026-06-01", "--format", fmt, "-o", str(out)]))
        for (n, fmt), runs in results.items():
            count = sum(1 for f in sizes[n].glob("*.yaml") for line in f.read_text("utf-8").splitlines()
                        if line == "kind: internship")
            print(f"{count:>11}  {fmt:<6}  {statistics.median(r[0] for r in runs):>8.2f}  "
                  f"{max(r[1] for r in runs):>8}")


if __name__ == "__main__":
    main()
