"""Many packs: skip the up-to-date ones, build the rest in worker processes, report a summary.

Workers get the loaded records by fork where the platform has it (or reload them from the paths) and
load the fonts once each; every pack is independent, so the output does not depend on --jobs.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import fonts, rules
from pipeline.errors import CeriError
from pipeline.fileio import make_private_dir
from pipeline.pack import manifest
from pipeline.pack.build import TMP, PackOptions, PackResult, build_pack, replace_private
from pipeline.pack.zipping import student_zip
from pipeline.records import Records, load

STATE: dict[str, Any] = {}  # the worker's records and options (set before forking, or by _init)


@dataclass
class Job:
    student: str
    internship: str
    findings: list[dict[str, Any]]
    inputs: str

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == "error"]


@dataclass
class Summary:
    results: list[PackResult] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def has_errors(self) -> bool:
        return any(j.errors for j in self.jobs)

    @property
    def exit_code(self) -> int:
        bad = self.count("failed") or self.count("refused") or self.has_errors
        return 1 if bad else 0

    def line(self) -> str:
        parts = [f"{self.count('built')} built", f"{self.count('skipped')} skipped",
                 f"{self.count('failed')} failed"]
        if self.count("refused"):
            parts.append(f"{self.count('refused')} refused (--strict)")
        return "packs: " + ", ".join(parts)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out_dir: Path) -> None:
    """Remove what killed runs left: .tmp-<pid>-… entries whose process is gone."""
    for entry in out_dir.glob(f"{TMP}*"):
        pid = entry.name[len(TMP):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def plan(records: Records, out_dir: Path, options: PackOptions, students: Iterable[str] | None = None
         ) -> list[Job]:
    """Every internship of the chosen students, with its findings and inputs hash, in id order."""
    chosen = sorted(records.students) if not students else sorted(set(students))
    unknown = [s for s in chosen if s not in records.students]
    if unknown:
        known = ", ".join(sorted(records.students)) or "none"
        raise CeriError(f"no student {', '.join(map(repr, unknown))} in the records (students: {known})")
    findings = [f.to_json() for f in rules.check(records, options.as_of)]
    env = manifest.environment_digest()
    jobs = []
    for sid in chosen:
        for internship in sorted(records.internships_of(sid), key=lambda i: i.id):
            mine = sorted((f for f in findings if f["student"] == sid
                           and f.get("internship") in (None, internship.id)),
                          key=lambda f: manifest.dumps(f))
            inputs = manifest.inputs_digest(records, sid, internship.id, as_of=options.as_of,
                                            langs=options.langs, findings=mine, issuer=options.issuer,
                                            environment=env)
            jobs.append(Job(sid, internship.id, mine, inputs))
    return jobs


def _init(paths: tuple[str, ...], options: PackOptions) -> None:
    if "records" not in STATE:  # spawned, not forked: load what the parent had
        STATE.update(records=load(paths), options=options)
    for style in fonts.STYLES:  # once per worker, not once per pack
        fonts.faces(style)


def parallel(fn: Callable[[Any, str], Any], items: list, arg: str, *, records: Records,
             paths: tuple[str, ...], options: Any, jobs: int | None,
             crashed: Callable[[Any, BaseException], Any],
             progress: Callable[[int], Any] | None = None) -> list:
    """[fn(item, arg) for item in items], in worker processes when jobs > 1 (results in item order).

    fn catches its own errors; a worker process that dies outright gives `crashed(item, exc)`."""
    STATE.update(records=records, options=options)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(items)))
    results: list = [None] * len(items)
    if workers == 1:
        for n, item in enumerate(items):
            results[n] = fn(item, arg)
            if progress:
                progress(1)
        return results
    ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                             initargs=(tuple(paths), options)) as pool:
        futures: dict[Future, int] = {pool.submit(fn, item, arg): n for n, item in enumerate(items)}
        for fut in as_completed(futures):
            n = futures[fut]
            try:
                results[n] = fut.result()
            except Exception as exc:  # the worker process itself died
                results[n] = crashed(items[n], exc)
            if progress:
                progress(1)
    return results


def _crashed(job: Job, exc: BaseException) -> PackResult:
    return PackResult(job.student, job.internship, "failed", f"worker process failed: {exc!r}")


def _run(job: Job, out_dir: str) -> PackResult:
    try:
        return build_pack(STATE["records"], job.student, job.internship, Path(out_dir), STATE["options"],
                          job.findings, job.inputs)
    except CeriError as exc:
        return PackResult(job.student, job.internship, "failed", str(exc))
    except Exception as exc:  # a bug in one document must not lose the others' packs
        return PackResult(job.student, job.internship, "failed", f"internal error: {exc!r}")


def run(records: Records, paths: tuple[str, ...], out_dir: Path, options: PackOptions, *,
        students: Iterable[str] | None = None, jobs: int | None = None, force: bool = False,
        strict: bool = False, make_zip: bool = False,
        progress: Callable[[int], Any] | None = None) -> Summary:
    """Build the packs; `progress(n)` is called as packs finish (skipped ones included)."""
    summary = Summary(jobs=plan(records, out_dir, options, students))  # bad input: nothing written
    make_private_dir(out_dir)
    clean_stale(out_dir)
    todo: list[Job] = []
    for job in summary.jobs:
        if strict and job.errors:
            summary.results.append(PackResult(job.student, job.internship, "refused",
                                              "error findings (see above); not built with --strict"))
        elif not force and manifest.up_to_date(out_dir / job.student / job.internship, job.inputs):
            summary.results.append(PackResult(job.student, job.internship, "skipped"))
        else:
            todo.append(job)
    if progress and len(summary.results):
        progress(len(summary.results))
    summary.results.extend(parallel(_run, todo, str(out_dir), records=records, paths=paths,
                                    options=options, jobs=jobs, crashed=_crashed,
                                    progress=progress))
    summary.results.sort(key=lambda r: (r.student, r.internship))
    if make_zip:
        write_zips(out_dir, sorted({j.student for j in summary.jobs}))
    return summary


def write_zips(out_dir: Path, students: list[str]) -> None:
    """DIR/<student>.zip beside each student's folder, rewritten only when its content changed."""
    for sid in students:
        if not (out_dir / sid).is_dir():
            continue
        data = student_zip(out_dir, sid)
        target = out_dir / f"{sid}.zip"
        if not target.is_file() or target.read_bytes() != data:
            replace_private(target, data)
