"""Benchmark: validate, check, pack (1 and 2 jobs), jsps-report, against a raw reportlab floor.

    python benchmarks/bench_pack.py --n 1000

Generates N synthetic valid students (fixed seed, every kind of student) and times each command in
its own process (wall time, peak RSS of the process and its workers). The floor draws as many one-page
PDFs as the packs hold, with the same fonts and certificate-like text, straight on a reportlab canvas in
one process. Split over two forked processes, it shows the speed-up the machine itself gives two CPU-bound
processes (two vCPUs of a shared host give less than 2x), the ceiling of the 2-job speed-up.

The pack runs, the floor and the split floor each run twice, in mirrored order (pack --jobs 1, floor,
pack --jobs 2, split, split, pack --jobs 2, floor, pack --jobs 1), and their means are compared: the speed
of a shared machine drifts by tens of percent within minutes, and a steady drift moves every mean alike.
Last, pack --jobs 2 runs once more for a quarter of the students: what peak RSS grows by per student.
Document kinds that have no renderer yet are drawn by the test stand-ins (tests/fakes.py), and the output
says which.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINES = ["在学証明書 / Certificate of Enrollment", "氏名 / Name: グエン ティ ラン (Nguyễn Thị Lan)",
         "生年月日 / Date of birth: 1996年4月12日 (April 12, 1996)", "国籍 / Nationality: ベトナム (Viet Nam)",
         "所属 / Program: 情報学コース (Informatics Program)", "基盤機関 / Institute: 国立情報学研究所",
         "期間 / Period: 令和8年7月1日 – 令和8年9月30日 (July 1 – September 30, 2026)",
         "受入企業 / Company: AT&T <Japan> 株式会社 (AT&T <Japan> K.K.)", "報酬 / Pay: 300,000円 (¥300,000) per month",
         "上記の者は本学に在学していることを証明する。", "This is to certify that the above person is enrolled.",
         "令和8年6月1日 / June 1, 2026", "国立大学法人 総合研究大学院大学 学長 / President, SOKENDAI"]


def draw_pages(count: int, runs: Callable[[str], Iterable[tuple[str, str]]],
               width: Callable[[str, str], float]) -> int:
    """Draw `count` one-page certificate-like PDFs in memory, each line in the (font, text) runs given;
    the bytes of the last page (the floors of this script and of floors.py)."""
    from reportlab.pdfgen import canvas

    size = 0
    for n in range(count):
        out = io.BytesIO()
        c = canvas.Canvas(out, invariant=1)
        y = 780.0
        for line in LINES * 2:
            x = 60.0
            for font, text in runs(f"{line} {n}"):
                c.setFont(font, 10.5)
                c.drawString(x, y, text)
                x += width(text, font)
            y -= 26
        c.showPage()
        c.save()
        size = len(out.getvalue())
    return size


def floor(count: int) -> int:
    """Draw `count` one-page certificate-like PDFs with the pipeline's fonts (in memory); the bytes of
    the last."""
    from pipeline import fonts
    from pipeline.pdf import subset as lean

    fonts.faces("mincho")
    # raw reportlab builds every subset anew: no cache of subsets embedded before (ceri's, for its fixed
    # wording), which would serve this loop's near-identical pages from memory
    cache_size, lean.CACHE_SIZE = lean.CACHE_SIZE, 0
    try:
        return draw_pages(count, lambda text: fonts.runs(text, "mincho"), lambda text, _font: fonts.width(text, 10.5))
    finally:
        lean.CACHE_SIZE = cache_size


def floor_split(count: int, processes: int = 2) -> None:
    """The floor shared by forked processes (fonts loaded before the fork, as ceri's workers have them):
    the speed-up this machine itself gives CPU-bound processes, the ceiling of pack's from --jobs."""
    import multiprocessing

    from pipeline import fonts

    fonts.faces("mincho")
    ctx = multiprocessing.get_context("fork")
    shares = [count // processes + (n < count % processes) for n in range(processes)]
    workers = [ctx.Process(target=floor, args=(share,)) for share in shares]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if any(w.exitcode for w in workers):
        sys.exit("a floor process failed")


def cli(args: list[str]) -> None:
    """Run ceri with stand-ins for the renderers that have not landed."""
    from tests import fakes

    fakes.install()
    from pipeline.cli import ceri

    ceri(args)


def timed(args: list[str]) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in MiB of the process and the workers it waited for, exit code, CPU
    seconds of both: user + system, which a busy shared machine disturbs less than wall time)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read()  # read once: the message of a failure is needed below
    if code == 2 and b"No such command" in err:
        return float("nan"), 0, code, float("nan")  # that command has not landed on this branch
    if code not in (0, 1):
        sys.exit(f"{' '.join(args[:3])} failed ({code}):\n{err.decode()[-2000:]}")
    return seconds, usage.ru_maxrss // 1024, code, usage.ru_utime + usage.ru_stime


def census(out: Path) -> tuple[int, int, int, list[str]]:
    """(documents, PDF pages, PDF bytes, kinds drawn by stand-ins) of the packs in out."""
    from pypdf import PdfReader

    from tests import fakes

    docs = pages = size = 0
    for manifest in out.glob("*/*/manifest.json"):
        for d in json.loads(manifest.read_text())["documents"]:
            if d["status"] != "present":
                continue
            docs += 1
            if d["format"] == "pdf":
                f = manifest.parent / d["file"]
                pages += len(PdfReader(f).pages)
                size += f.stat().st_size
    stubbed = sorted(k for k, v in fakes.kinds().items() if any(t.startswith("tests.") for t in v.renderers.values()))
    return docs, pages, size, stubbed


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--cli":
        return cli(sys.argv[2:])
    if len(sys.argv) > 2 and sys.argv[1] == "--floor":
        return floor(int(sys.argv[2]))
    if len(sys.argv) > 2 and sys.argv[1] == "--floor-split":
        return floor_split(int(sys.argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="students (about 1.1 internships each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record", type=Path, metavar="FILE",
                        help="also write every process's figures (time, CPU time, peak RSS, exit code) as JSON")
    parser.add_argument("--label", default="", help="a note kept in the JSON record (e.g. before/after)")
    opts = parser.parse_args()

    from benchmarks.synth import generate

    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    with tempfile.TemporaryDirectory(prefix="ceri-bench-") as tmp:
        src, base = Path(tmp) / "records", ["--as-of", "2026-06-01"]
        generate(src, opts.n, opts.seed)
        runs: dict[str, list[tuple[float, int, int, float]]] = {}

        def pack(jobs: int) -> None:
            out = f"{tmp}/p{jobs}-{len(runs.get(f'pack --jobs {jobs}', []))}"
            args = ["--cli", "pack", str(src), "-o", out, "--jobs", str(jobs), "-q", *base]
            runs.setdefault(f"pack --jobs {jobs}", []).append(timed(args))

        for label, args in [("validate", ["validate", str(src)]), ("check", ["check", str(src), *base])]:
            runs[label] = [timed(["--cli", *args])]
        pack(1)
        docs, pages, size, stubbed = census(Path(tmp) / "p1-0")
        pdfs = (sum(1 for _ in Path(f"{tmp}/p1-0").glob("*/*/*.pdf"))
                - sum(1 for _ in Path(f"{tmp}/p1-0").glob("*/*/pack.pdf")))
        floor_runs, split_runs = [], []
        # each compared measurement twice, in mirrored order (p1 F p2 S | S p2 F p1): every pair has the
        # same mean moment, so a shared machine whose speed drifts steadily moves them all alike
        floor_runs.append(timed(["--floor", str(pdfs)]))
        pack(2)
        split_runs.append(timed(["--floor-split", str(pdfs)]))
        split_runs.append(timed(["--floor-split", str(pdfs)]))
        pack(2)
        floor_runs.append(timed(["--floor", str(pdfs)]))
        pack(1)
        # the year's report is due in January 2027: --allow-estimated prepares it on the as-of date
        runs["jsps-report"] = [timed(["--cli", "jsps-report", str(src), "--year", "2026", "-o", f"{tmp}/j",
                                      "--jobs", "2", "--allow-estimated", *base])]
        # peak RSS against N: the same batch for a quarter of the students
        small = max(1, opts.n // 4)
        generate(Path(tmp) / "small", small, opts.seed)
        small_rss = timed(["--cli", "pack", f"{tmp}/small", "-o", f"{tmp}/ps", "--jobs", "2", "-q", *base])[1]

    def mean(rows: list[tuple[float, int, int, float]], at: int) -> float:
        return sum(r[at] for r in rows) / len(rows)

    t = {label: mean(rows, 0) for label, rows in runs.items()}
    cpu = {label: mean(rows, 3) for label, rows in runs.items()}
    floor_s, floor_cpu, split_s = mean(floor_runs, 0), mean(floor_runs, 3), mean(split_runs, 0)
    print(f"N={opts.n} students, {docs} documents ({pages} PDF pages) per pack run; CPUs: {os.cpu_count()}")
    print(f"{'stage':16} {'seconds':>8} {'docs/s':>8} {'peak RSS':>9} {'CPU s':>8}")
    for label, rows in runs.items():
        if t[label] != t[label]:  # NaN: the command is not on this branch
            print(f"{label:16} {'n/a (no such command yet)':>27}")
            continue
        rate = f"{docs / t[label]:8.1f}" if label.startswith("pack") else f"{'':8}"
        each = f"   (mean of {' and '.join(f'{r[0]:.2f}' for r in rows)} s)" if len(rows) > 1 else ""
        print(f"{label:16} {t[label]:8.2f} {rate} {max(r[1] for r in rows):6d} MiB {cpu[label]:8.2f}{each}")
    print(f"{'floor (reportlab)':16} {floor_s:8.2f} {pdfs / floor_s:8.1f} {max(f[1] for f in floor_runs):6d} MiB "
          f"{floor_cpu:8.2f}   ({pdfs} one-page PDFs; mean of {' and '.join(f'{f[0]:.2f}' for f in floor_runs)} s)")
    per_doc, per_pdf = t["pack --jobs 1"] / max(docs, 1), floor_s / max(pdfs, 1)
    cpu_ratio = (cpu["pack --jobs 1"] / max(docs, 1)) / (floor_cpu / max(pdfs, 1))
    print(f"pack --jobs 1 per document / floor per PDF: {per_doc / per_pdf:.2f}x (by CPU time: {cpu_ratio:.2f}x)")
    print(f"speed-up from 2 jobs: {t['pack --jobs 1'] / t['pack --jobs 2']:.2f}x (the floor split over 2 "
          f"processes: {floor_s / split_s:.2f}x, what this machine gives two CPU-bound processes; split runs "
          f"{' and '.join(f'{r[0]:.2f}' for r in split_runs)} s)")
    # the same work in two processes costs more CPU when the host slows two busy vCPUs: the floor's
    # figure shows how much of pack's is the machine's
    print(f"CPU time of 2 processes / 1 process: pack {cpu['pack --jobs 2'] / cpu['pack --jobs 1']:.2f}, "
          f"floor {mean(split_runs, 3) / floor_cpu:.2f}")
    rss = max(r[1] for r in runs["pack --jobs 2"])
    print(f"peak RSS of pack --jobs 2: {small_rss} MiB for {small} students, {rss} MiB for {opts.n} "
          f"({(rss - small_rss) * 1024 / max(opts.n - small, 1):.0f} KiB a student more)")
    print(f"bytes per PDF page: {size // max(pages, 1):,}")
    if stubbed:
        print(f"note: drawn by test stand-ins (no renderer yet): {', '.join(stubbed)}")
    if opts.record:
        fields = ("seconds", "peak_rss_mib", "exit", "cpu_seconds")
        record = {
            "benchmark": "bench_pack", "label": opts.label, "n": opts.n, "seed": opts.seed, "commit": _commit(),
            "machine": _machine(), "started": started, "documents": docs, "pdf_pages": pages,
            "bytes_per_pdf_page": size // max(pages, 1), "stubbed": stubbed,
            "runs": {label: [dict(zip(fields, r, strict=True)) for r in rows] for label, rows in runs.items()},
            "floor": [dict(zip(fields, r, strict=True)) for r in floor_runs],
            "floor_split": [dict(zip(fields, r, strict=True)) for r in split_runs],
            "docs_per_second": {label: docs / t[label] for label in runs if label.startswith("pack")},
            "small": {"students": small, "peak_rss_mib": small_rss},
        }
        opts.record.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")


def _commit() -> str:
    """The commit measured, with +dirty when the checkout has changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short=10", "HEAD") + ("+dirty" if git("status", "--porcelain", "--", "pipeline")
                                                     else "")


def _machine() -> str:
    import platform

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine()) if Path("/proc/cpuinfo").exists() else ""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return f"{os.cpu_count()} × {cpu}, {mem} MiB, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
