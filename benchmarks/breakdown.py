"""Where a pack's time goes: build packs in process (--jobs 1) and time each stage.

    python benchmarks/breakdown.py --n 100

Generates N synthetic students (the benchmark's records), runs `ceri pack --jobs 1` in this process with
timers around each document kind's renderer, the register, pack.pdf, findings/manifest and the writes,
and prints milliseconds per pack and per call. Wall times; the first calls include warm-up.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS: defaultdict[str, float] = defaultdict(float)
CALLS: Counter[str] = Counter()


def timed(module, name: str, label: Callable[..., str] | None = None) -> None:
    """Replace module.name by a wrapper that adds its wall time under label(*args) (default: name)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            key = label(*args) if label else name
            SECONDS[key] += time.perf_counter() - start
            CALLS[key] += 1

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="students (about 1.1 internships each)")
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()

    import pipeline.pack.batch as batch
    import pipeline.pack.build as build
    import pipeline.renderers as renderers
    from benchmarks.synth import generate
    from pipeline.cli import main as ceri

    timed(renderers, "render", lambda request: f"render {request.doc}")
    timed(build, "issue", lambda *_: "register (issue, incl. render)")
    for name in ("merge", "render_documents", "write_new_private"):
        timed(build, name)
    timed(batch, "render_pack")  # the whole pack in memory: renders, pack.pdf, manifest
    timed(batch, "store_pack")  # its writes and rename (in a thread, beside the next pack's render)
    with tempfile.TemporaryDirectory(prefix="ceri-breakdown-") as tmp:
        generate(Path(tmp) / "records", opts.n, opts.seed)
        start = time.perf_counter()
        try:
            ceri(["pack", f"{tmp}/records", "-o", f"{tmp}/out", "--jobs", "1", "-q", "--as-of", "2026-06-01"])
        except SystemExit as exc:
            if exc.code not in (0, 1, None):
                raise
        total = time.perf_counter() - start
    packs = CALLS["render_pack"] or 1
    print(f"N={opts.n}: {packs} packs in {total:.2f} s ({1000 * total / packs:.1f} ms a pack, "
          "command start-up and planning included)")
    print(f"{'stage':40} {'ms/pack':>8} {'calls':>6} {'ms/call':>8}")
    for key in sorted(SECONDS, key=SECONDS.get, reverse=True):
        print(f"{key:40} {1000 * SECONDS[key] / packs:8.1f} {CALLS[key]:6d} {1000 * SECONDS[key] / CALLS[key]:8.2f}")


if __name__ == "__main__":
    main()
