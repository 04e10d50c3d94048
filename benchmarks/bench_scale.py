"""Benchmark: how the batch commands grow with the number of students (time ∝ N^k, peak RSS per student).

    python benchmarks/bench_scale.py                     # 1k, 5k, 10k, 20k, 50k students, 3 rounds
    python benchmarks/bench_scale.py --sizes 1000,5000 --rounds 1 --commands validate,check

Generates each size once with synth.py (fixed seed; cached in $CERI_BENCH_CACHE, default
/tmp/ceri-bench-scale, keyed by synth.py's digest) and runs every command as a whole process: `ceri ...`
in a fresh interpreter, as a user runs it, stdout to /dev/null. Rounds are interleaved (every command at
every size, then again, sizes in the opposite order each round), so the drift of a shared machine moves
all figures alike. For each command and size it prints the median wall time, the median CPU time (user +
system: on a machine shared with other jobs, wall time also measures the others) and the largest peak RSS
(of the process or of any worker it waited for: wait4), then the growth exponent k of time ∝ N^k (least
squares on the logs of the medians; the goal is k ≤ 1.1) and what peak RSS grows by per student (least
squares, KiB; the goal is ≤ 12 KiB a student and ≤ 600 MiB at 50,000).

`pack-plan` is the planning stage of `ceri pack` (load, check, every pack's inputs hash) in a process of
its own: a whole batch of 50,000 packs would take hours. Commands the CLI does not have (yet) are listed
as such and skipped. The run is appended as a section of its own at the end of benchmarks/RESULTS.md
(date, commit, machine and its load, a table of the figures) and written whole to
benchmarks/results/scale-<date>-<commit>.json (--no-record: neither). A long run can save what it has
after each size (--partial FILE) and be recorded from that file if cut short (--from-partial FILE).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
RECORDS = ROOT / "benchmarks" / "results"
AS_OF = "2026-06-01"
SIZES = (1000, 5000, 10000, 20000, 50000)
# name → ceri's arguments ({src}: the records folder, {out}: a fresh output folder for this run)
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "{src}"],
    "check": ["check", "{src}", "--as-of", AS_OF],
    "check-json": ["check", "{src}", "--as-of", AS_OF, "--format", "json"],
    "status": ["status", "{src}", "--as-of", AS_OF],
    "export": ["export", "{out}.xlsx", "{src}"],
    "jsps-report": ["jsps-report", "{src}", "--year", "2026", "--as-of", AS_OF, "--allow-estimated", "-o", "{out}",
                    "-q"],  # 2026 is not over on AS_OF: its amounts are estimates
    "pack-plan": ["--pack-plan", "{src}"],
}


def plan_only(src: str) -> None:
    """The planning stage of `ceri pack` alone: load, check, every pack's findings and inputs hash."""
    sys.path.insert(0, os.getcwd())  # the checkout being measured (see --checkout)
    from pipeline.pack.batch import plan
    from pipeline.pack.build import PackOptions
    from pipeline.records import load

    records = load([src])
    with tempfile.TemporaryDirectory() as out:
        jobs = plan(records, Path(out), PackOptions(as_of=datetime.fromisoformat(AS_OF).date()))
    print(f"{len(jobs)} packs planned")


def synth_data(cache: Path, n: int, seed: int) -> Path:
    """The folder of n synthetic students, generated once per version of synth.py."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import synth

    digest = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:12]
    folder = cache / f"synth-{digest}-seed{seed}" / f"n{n}"
    done = folder / ".complete"
    if not done.exists():
        print(f"generating {n} students in {folder} …", file=sys.stderr, flush=True)
        if folder.exists():  # an interrupted generation: start again
            for f in folder.iterdir():
                f.unlink()
        synth.generate(folder, n, seed)
        done.write_text("ok\n")
    return folder


def command_line(name: str, src: Path, out: Path) -> list[str]:
    args = [a.format(src=src, out=out) for a in COMMANDS[name]]
    if args[0] == "--pack-plan":
        return [sys.executable, str(Path(__file__).resolve()), *args]
    return [sys.executable, "-m", "pipeline", *args]


def available(name: str, checkout: Path) -> bool:
    """Whether the CLI of the checkout has the command (status and export land from other branches)."""
    if COMMANDS[name][0].startswith("--"):
        return True
    probe = subprocess.run([sys.executable, "-m", "pipeline", COMMANDS[name][0], "--help"], cwd=checkout,
                           env=environment(checkout), capture_output=True)
    return probe.returncode == 0


def environment(checkout: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(checkout), "LANG": "C.UTF-8"}


def timed(argv: list[str], checkout: Path, scratch: Path) -> dict:
    """One whole process: wall seconds, CPU seconds, peak RSS (MiB) and its exit code (0 or 1 is a run;
    anything else is reported with the end of its stderr)."""
    room = Path(tempfile.mkdtemp(prefix="run-", dir=scratch))
    argv = [a.replace(str(scratch / "OUT"), str(room / "out")) for a in argv]
    err = scratch / "stderr.txt"
    with open(err, "wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=checkout, env=environment(checkout), stdout=subprocess.DEVNULL,
                                stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    shutil.rmtree(room)
    run = {"seconds": round(seconds, 3), "cpu": round(usage.ru_utime + usage.ru_stime, 3),
           "rss_mib": round(usage.ru_maxrss / 1024, 1), "exit": code}
    if code not in (0, 1):
        run["error"] = err.read_text("utf-8", "replace")[-1500:]
    return run


def fit_exponent(points: list[tuple[int, float]]) -> float | None:
    """k of t = c·N^k by least squares on the logs."""
    if len(points) < 2:
        return None
    xs, ys = [math.log(n) for n, _ in points], [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def fit_line(points: list[tuple[int, float]]) -> tuple[float, float] | None:
    """(base, slope) of y = base + slope·N by least squares."""
    if len(points) < 2:
        return None
    slope, base = statistics.linear_regression([n for n, _ in points], [y for _, y in points])
    return base, slope


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_mib": mem, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "load_average": os.getloadavg()}


def commit(checkout: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=checkout, capture_output=True, text=True).stdout.strip()
    sha = git("rev-parse", "--short=10", "HEAD") or "unknown"
    return sha + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def summarise(runs: dict[str, dict[int, list[dict]]]) -> dict[str, dict]:
    """Per command: per size the median time and CPU and the largest peak RSS; k; KiB per student."""
    out = {}
    for name, by_size in runs.items():
        sizes = {}
        for n, rows in sorted(by_size.items()):
            good = [r for r in rows if r["exit"] in (0, 1)]
            if not good:
                sizes[n] = {"error": rows[0].get("error", "failed")}
                continue
            sizes[n] = {"seconds": statistics.median(r["seconds"] for r in good),
                        "cpu": statistics.median(r["cpu"] for r in good),
                        "rss_mib": max(r["rss_mib"] for r in good), "runs": len(good)}
        timed_ = [(n, s["seconds"]) for n, s in sizes.items() if "seconds" in s]
        memory = fit_line([(n, s["rss_mib"]) for n, s in sizes.items() if "rss_mib" in s])
        # the start-up (about a second of imports) flattens the curve at small sizes: k of the two
        # largest sizes shows what the growth tends to
        out[name] = {"sizes": sizes, "k": fit_exponent(timed_), "k_largest": fit_exponent(timed_[-2:]),
                     "base_mib": memory[0] if memory else None,
                     "kib_per_student": memory[1] * 1024 if memory else None}
    return out


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def report(summary: dict[str, dict], skipped: list[str]) -> str:
    sizes = sorted({n for s in summary.values() for n in s["sizes"]})
    lines = [f"{'command':12} " + " ".join(f"{label(n):>17}" for n in sizes)
             + f" {'k':>6} {'k top2':>6} {'KiB/student':>12}"]
    for name, s in summary.items():
        cells = []
        for n in sizes:
            f = s["sizes"].get(n)
            cells.append(f"{'—':>17}" if f is None else f"{'FAILED':>17}" if "error" in f
                         else f"{f['seconds']:7.2f} s {f['rss_mib']:5.0f} MiB")
        k = " ".join(f"{s[x]:6.2f}" if s[x] is not None else f"{'—':>6}" for x in ("k", "k_largest"))
        per = f"{s['kib_per_student']:12.1f}" if s["kib_per_student"] is not None else f"{'—':>12}"
        lines.append(f"{name:12} " + " ".join(cells) + f" {k} {per}")
    for name in skipped:
        lines.append(f"{name:12} not run: no such command in this checkout yet")
    return "\n".join(lines)


def run_section(record: dict) -> str:
    """The run as a section of its own: per command and size the median wall time, the median CPU time
    (user + system, of the process and the workers it waited for) and the largest peak RSS; k of wall
    and of CPU time; what peak RSS grows by per student."""
    m = record["machine"]
    sizes = record["sizes"]
    load = ", ".join(f"{x:.1f}" for x in m["load_average"])
    end = ", ".join(f"{x:.1f}" for x in m.get("load_average_at_end", ()))
    lines = [f"### {record['date'][:16].replace('T', ' ')} UTC, commit {record['commit']}", "",
             f"{m['cpus']} × {m['cpu']}, {m['memory_mib']} MiB, Python {m['python']}; {record['rounds']} "
             f"rounds, interleaved; load average {load} at the start, {end} at the end."
             + (f" {record['note']}" if record["note"] else ""), "",
             "Each cell: median wall time / median CPU time (user + system) / largest peak RSS.", "",
             "| command | " + " | ".join(label(n) for n in sizes) + " | k (wall) | k (CPU) | k (wall), largest two "
             "| KiB per student |", "|---" * (len(sizes) + 5) + "|"]
    for name, s in record["summary"].items():
        cells = []
        for n in sizes:
            f = s["sizes"].get(n)
            cells.append("—" if f is None else "failed" if "error" in f else
                         f"{f['seconds']:.1f} s / {f['cpu']:.1f} s / {f['rss_mib']:.0f} MiB")
        k_cpu = fit_exponent([(n, f["cpu"]) for n, f in s["sizes"].items() if "cpu" in f])
        ks = [s["k"], k_cpu, s["k_largest"]]
        per = s["kib_per_student"]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " | "
                     + " | ".join("—" if k is None else f"{k:.2f}" for k in ks)
                     + f" | {'—' if per is None else f'{per:.1f}'} |")
    lines += [f"| `{name}` | not in this checkout |" for name in record["skipped"]]
    return "\n".join(lines)


def append_section(text: str) -> None:
    """Add the run at the very end of RESULTS.md (other sections of the file are others' to arrange)."""
    old = RESULTS.read_text("utf-8").rstrip("\n") + "\n\n" if RESULTS.exists() else "# Benchmark results\n\n"
    RESULTS.write_text(old + text + "\n", "utf-8")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--pack-plan":
        return plan_only(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="students, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each command at each size")
    parser.add_argument("--commands", default=",".join(COMMANDS), help=f"some of: {', '.join(COMMANDS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "CERI_BENCH_CACHE", Path(tempfile.gettempdir()) / "ceri-bench-scale")), help="generated records")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="the ceri checkout to measure (default: this one), e.g. an older commit's")
    parser.add_argument("--commit", default=None, help="what to call the checkout when it is no git work tree")
    parser.add_argument("--note", default="", help="said in RESULTS.md (e.g. 'machine shared with other jobs')")
    parser.add_argument("--no-record", action="store_true", help="print only: no RESULTS.md section, no JSON")
    parser.add_argument("--partial", type=Path, default=None,
                        help="write the runs so far to this JSON file after each round")
    parser.add_argument("--from-partial", type=Path, default=None,
                        help="summarise and record the runs of a --partial file instead of running")
    opts = parser.parse_args()
    sizes = sorted(int(s) for s in opts.sizes.split(","))
    names = [c.strip() for c in opts.commands.split(",") if c.strip()]
    unknown = [c for c in names if c not in COMMANDS]
    if unknown:
        parser.error(f"unknown command(s) {', '.join(unknown)}; choose from {', '.join(COMMANDS)}")
    if opts.from_partial:
        saved = json.loads(opts.from_partial.read_text("utf-8"))
        runs = {c: {int(n): r for n, r in by.items()} for c, by in saved.pop("runs").items()}
        return finish(saved, {c: {n: r for n, r in by.items() if r} for c, by in runs.items()}, opts.no_record)
    checkout = opts.checkout.resolve()
    skipped = [c for c in names if not available(c, checkout)]
    names = [c for c in names if c not in skipped]
    started = datetime.now(UTC)
    record = {"date": started.isoformat(timespec="seconds"), "commit": opts.commit or commit(checkout), "machine": machine(),
              "rounds": opts.rounds, "sizes": sizes, "seed": opts.seed, "note": opts.note, "skipped": skipped,
              "checkout": str(checkout)}
    folders = {n: synth_data(opts.cache, n, opts.seed) for n in sizes}
    runs: dict[str, dict[int, list[dict]]] = {c: {n: [] for n in sizes} for c in names}
    with tempfile.TemporaryDirectory(prefix="ceri-bench-scale-") as tmp:
        scratch = Path(tmp)
        for r in range(opts.rounds):
            for n in sizes if r % 2 == 0 else reversed(sizes):
                for name in names:
                    run = timed(command_line(name, folders[n], scratch / "OUT"), checkout, scratch)
                    runs[name][n].append(run)
                    state = f"exit {run['exit']}" + (f": {run['error'].strip().splitlines()[-1]}"
                                                     if "error" in run else "")
                    print(f"round {r + 1}/{opts.rounds}  {name:12} {label(n):>4}  {run['seconds']:8.2f} s "
                          f"{run['cpu']:8.2f} s CPU {run['rss_mib']:6.0f} MiB  ({state})", file=sys.stderr,
                          flush=True)
                if opts.partial:  # what a run cut short leaves: every size of every round so far
                    opts.partial.write_text(json.dumps({**record, "runs": runs}, indent=2) + "\n", "utf-8")
    finish(record, runs, opts.no_record)


def finish(record: dict, runs: dict[str, dict[int, list[dict]]], no_record: bool) -> None:
    """Summarise the runs, print them, and record them (RESULTS.md and a JSON file) unless no_record."""
    started = datetime.fromisoformat(record["date"])
    skipped = record["skipped"]
    record["summary"] = summarise(runs)
    record["runs"] = runs
    record["machine"].setdefault("load_average_at_end", os.getloadavg())
    print(report(record["summary"], skipped))
    if not no_record:
        RECORDS.mkdir(exist_ok=True)
        name = f"scale-{started:%Y%m%dT%H%M%SZ}-{record['commit']}.json"
        (RECORDS / name).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", "utf-8")
        append_section(run_section(record))
        print(f"recorded: {RESULTS.relative_to(ROOT)} and {(RECORDS / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
