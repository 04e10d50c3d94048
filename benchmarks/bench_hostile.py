"""Benchmark: each hostile PDF of tests/hostile_pdfs.py through `ceri evaluation read` and
`ceri fill --list-fields` and `ceri fill`, each in its own process: wall time, peak RSS, exit code, and the message.

    python benchmarks/bench_hostile.py

The bound (issue 21): every case handled in under 5 s and 300 MiB, with exit 2 and one message (or 0
where pypdf reads past the damage, e.g. a garbage widget ignored). A case past either bound prints FAIL and the script exits 1. Also run: an oversized file (21 MB), /dev/zero
through a symlink, and the real returned form for comparison.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS, MIB = 5.0, 300


def run_wait4(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """As run(), with the peak RSS of this child alone (os.wait4)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.DEVNULL, stderr=err,
                                cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        took = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return took, usage.ru_maxrss / 1024, proc.returncode, (lines or [""])[-1]


def make_files(d: Path) -> None:
    """The hostile files, written by a process of their own: Linux counts the memory a process had before
    it started another program in that program's peak, so this one must stay small while it measures."""
    from tests import hostile_pdfs

    for name, build in hostile_pdfs.CASES.items():
        (d / f"{name}.pdf").write_bytes(build())
    (d / "oversized-21MB.pdf").write_bytes(hostile_pdfs.form(tail=b"%" + b"x" * (21 * 1024 * 1024) + b"\n"))
    (d / "symlink-to-dev-zero.pdf").symlink_to("/dev/zero")


def main() -> int:
    if sys.argv[1:2] == ["--make"]:
        make_files(Path(sys.argv[2]))
        return 0
    failed = False
    with tempfile.TemporaryDirectory(prefix="ceri-hostile-") as tmp:
        d = Path(tmp)
        env = {**os.environ, "CERI_FORM_KEY": str(d / "form.key")}
        subprocess.run([sys.executable, __file__, "--make", tmp], check=True)
        files = {p.stem: p for p in sorted(d.glob("*.pdf"))}
        fmap = d / "map.yaml"
        fmap.write_text('form: form.pdf\nmode: acroform\nfields:\n  name: "{{ student.id }}"\n', "utf-8")
        print(f"{'case':24} {'command':14} {'s':>6} {'MiB':>6} exit  message")
        for name, path in files.items():
            for label, args in (("evaluation", ["evaluation", "read", str(path)]),
                                ("list-fields", ["fill", "--list-fields", str(path)]),
                                ("fill", ["fill", str(path), str(ROOT / "examples"), "--map", str(fmap),
                                          "--student", "23DB0012", "-o", str(d / "out.pdf")])):
                took, mib, code, message = run_wait4(args, env)
                bad = took >= SECONDS or mib >= MIB or code not in (0, 2) or "Traceback" in message
                failed |= bad
                print(f"{name:24} {label:14} {took:6.2f} {mib:6.0f} {code:4}  {'FAIL ' if bad else ''}"
                      f"{message[:110]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
