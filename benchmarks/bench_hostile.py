"""Benchmark: each hostile PDF of tests/hostile_pdfs.py through `ceri evaluation read` and
`ceri fill --list-fields`, each in its own process: wall time, peak RSS, exit code, and the message.

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

from tests import hostile_pdfs  # noqa: E402

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


def main() -> int:
    failed = False
    with tempfile.TemporaryDirectory(prefix="ceri-hostile-") as tmp:
        d = Path(tmp)
        env = {**os.environ, "CERI_FORM_KEY": str(d / "form.key")}
        files = {}
        for name, build in hostile_pdfs.CASES.items():
            files[name] = d / f"{name}.pdf"
            files[name].write_bytes(build())
        files["oversized-21MB"] = d / "big.pdf"
        files["oversized-21MB"].write_bytes(hostile_pdfs.form(tail=b"%" + b"x" * (21 * 1024 * 1024) + b"\n"))
        files["symlink-to-dev-zero"] = d / "zero.pdf"
        files["symlink-to-dev-zero"].symlink_to("/dev/zero")
        print(f"{'case':24} {'command':14} {'s':>6} {'MiB':>6} exit  message")
        for name, path in files.items():
            for label, args in (("evaluation", ["evaluation", "read", str(path)]),
                                ("list-fields", ["fill", "--list-fields", str(path)])):
                took, mib, code, message = run_wait4(args, env)
                bad = took >= SECONDS or mib >= MIB or code not in (0, 2) or "Traceback" in message
                failed |= bad
                print(f"{name:24} {label:14} {took:6.2f} {mib:6.0f} {code:4}  {'FAIL ' if bad else ''}"
                      f"{message[:110]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
