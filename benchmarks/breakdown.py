"""Where a pack's time goes: build packs in process (--jobs 1) and time each stage.

    python benchmarks/breakdown.py --n 100

Generates N synthetic students (the benchmark's records), runs `ceri pack --jobs 1` in this process with
timers around each document kind's renderer, the register, pack.pdf, findings/manifest and the writes,
and prints milliseconds per pack and per call. Wall times; the first calls include warm-up.

    python benchmarks/breakdown.py --n 200 --floor

also draws, after each pack, as many of the benchmark's floor pages (bench_pack.floor) as the pack has
PDFs, and compares CPU time per document with CPU time per floor page: pack and floor side by side in one
process, so a shared machine whose speed drifts slows both alike (bench_pack.py runs them minutes apart).
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


CPU: defaultdict[str, float] = defaultdict(float)


def interleave_floor(batch) -> None:
    """After each pack, draw as many floor pages as it has PDFs (the pack's own time is unchanged)."""
    from benchmarks.bench_pack import floor

    render_pack = batch.render_pack

    def wrapper(*args, **kwargs):
        pack = render_pack(*args, **kwargs)
        if hasattr(pack, "files"):
            documents = [n for n in pack.files if n.endswith((".pdf", ".docx")) and n != "pack.pdf"]
            pdfs = sum(n.endswith(".pdf") for n in documents)
            CALLS["documents"] += len(documents)
            CALLS["floor pages"] += pdfs
            start, wall = time.thread_time(), time.perf_counter()  # this thread's CPU: the writer
            floor(pdfs)  # thread goes on with the last pack meanwhile
            CPU["floor"] += time.thread_time() - start
            CPU["floor wall"] += time.perf_counter() - wall
        return pack

    batch.render_pack = wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="students (about 1.1 internships each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--floor", action="store_true", help="interleave the raw reportlab floor")
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
    if opts.floor:
        interleave_floor(batch)
    timed(batch, "stage_pack")  # its writes into a temporary folder
    timed(batch, "sync_and_place")  # a chunk's wait for the disk and renames
    with tempfile.TemporaryDirectory(prefix="ceri-breakdown-") as tmp:
        generate(Path(tmp) / "records", opts.n, opts.seed)
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            ceri(["pack", f"{tmp}/records", "-o", f"{tmp}/out", "--jobs", "1", "-q", "--as-of", "2026-06-01"])
        except SystemExit as exc:
            if exc.code not in (0, 1, None):
                raise
        total = time.perf_counter() - start - CPU["floor wall"]
        cpu = time.process_time() - cpu_start - CPU["floor"]
    packs = CALLS["render_pack"] or 1
    if opts.floor:
        per_doc, per_page = cpu / CALLS["documents"], CPU["floor"] / CALLS["floor pages"]
        print(f"CPU per document {1000 * per_doc:.2f} ms (the whole command: planning, renders, writes); "
              f"per floor page {1000 * per_page:.2f} ms: {per_doc / per_page:.2f}x "
              f"({CALLS['documents']} documents, {CALLS['floor pages']} floor pages)")
    print(f"N={opts.n}: {packs} packs in {total:.2f} s ({1000 * total / packs:.1f} ms a pack, "
          "command start-up and planning included)")
    print(f"{'stage':40} {'ms/pack':>8} {'calls':>6} {'ms/call':>8}")
    for key in sorted(SECONDS, key=SECONDS.get, reverse=True):
        print(f"{key:40} {1000 * SECONDS[key] / packs:8.1f} {CALLS[key]:6d} {1000 * SECONDS[key] / CALLS[key]:8.2f}")


if __name__ == "__main__":
    main()
