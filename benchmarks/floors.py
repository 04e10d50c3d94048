"""The two floors a pack document can be compared with, per one-page PDF (CPU time and bytes).

    python benchmarks/floors.py --pages 1000

- stock reportlab: TTFont as reportlab ships it (each subset keeps its hinting and all of ASCII);
- ceri's font layer, the floor of bench_pack.py: the lean subsets ceri embeds (pipeline/pdf/subset.py),
  each built anew as raw reportlab builds them.

Both draw bench_pack.LINES with IPAex Mincho and DejaVu Serif for what IPAex lacks, each in a process of
its own that has loaded only what it draws with (reportlab alone for the stock floor), twice, alternating.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stock(pages: int, mincho: str, serif: str) -> int:
    """Draw the pages with reportlab's own TTFont; the bytes of the last one."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from benchmarks.bench_pack import draw_pages

    pdfmetrics.registerFont(TTFont("M", mincho))
    pdfmetrics.registerFont(TTFont("S", serif))
    covered = set(pdfmetrics.getFont("M").face.charToGlyph) | {32}

    def runs(text: str) -> list[tuple[str, str]]:
        """Each run of characters one font draws: IPAex Mincho where it has them, else DejaVu Serif."""
        out: list[list[str]] = []
        for ch in text:
            font = "M" if ord(ch) in covered else "S"
            if out and out[-1][0] == font:
                out[-1][1] += ch
            else:
                out.append([font, ch])
        return [(font, piece) for font, piece in out]

    return draw_pages(pages, runs, lambda text, font: pdfmetrics.stringWidth(text, font, 10.5))


def ceri_layer(pages: int) -> int:
    """bench_pack's floor; the bytes of the last page."""
    from benchmarks.bench_pack import floor

    return floor(pages)


def timed(args: list[str]) -> tuple[float, int]:
    """(CPU seconds, bytes of a page) of a run of this script in a process of its own."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    seconds, size = proc.stdout.split()
    return float(seconds), int(size)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("--stock", "--ceri"):
        import time

        start = time.process_time()
        pages = int(sys.argv[2])
        size = stock(pages, sys.argv[3], sys.argv[4]) if sys.argv[1] == "--stock" else ceri_layer(pages)
        print(time.process_time() - start, size)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    opts = parser.parse_args()
    from pipeline import fonts

    mincho, serif = str(fonts.find("mincho")), str(fonts.find("latin-serif"))
    results: dict[str, list[tuple[float, int]]] = {"stock reportlab": [], "ceri's font layer": []}
    for _ in range(2):
        results["stock reportlab"].append(timed(["--stock", str(opts.pages), mincho, serif]))
        results["ceri's font layer"].append(timed(["--ceri", str(opts.pages)]))
    for label, runs in results.items():
        ms = [1000 * s / opts.pages for s, _ in runs]
        print(f"{label:18} {sum(ms) / len(ms):6.2f} ms of CPU a page ({' and '.join(f'{m:.2f}' for m in ms)}), "
              f"{runs[-1][1]:,} bytes a page")


if __name__ == "__main__":
    main()
