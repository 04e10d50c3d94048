"""Many packs: skip the up-to-date ones, build the rest (in worker processes), report a summary.

Every pack is independent of the others, so the output does not depend on --jobs."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from pipeline import renderers, rules
from pipeline.errors import CeriError, InputError
from pipeline.fileio import write_atomic
from pipeline.i18n import _
from pipeline.pack import manifest
from pipeline.pack.build import (
    PackOptions,
    PackResult,
    Staged,
    close_registers,
    register_for,
    render_pack,
    requests,
    stage_pack,
    sync_and_place,
)
from pipeline.pack.outdir import owned
from pipeline.pack.select import select
from pipeline.pack.workers import STATE, Pool
from pipeline.pack.zipping import student_zip
from pipeline.records import Records
from pipeline.register import Register, reserve_serial
from pipeline.register.issue import is_registered
from pipeline.register.serials import end_run, sweep, void_pack
from pipeline.renderers import RenderRequest


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
    failures: list[str] = field(default_factory=list)  # what could not be written beside the packs (zips)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def has_errors(self) -> bool:
        return any(j.errors for j in self.jobs)

    @property
    def exit_code(self) -> int:
        bad = self.count("failed") or self.count("refused") or self.has_errors or self.failures
        return 1 if bad else 0

    def line(self) -> str:
        parts = [f"{self.count('built')} built", f"{self.count('skipped')} skipped",
                 f"{self.count('failed')} failed"]
        if self.count("refused"):
            parts.append(f"{self.count('refused')} refused (--strict)")
        return "packs: " + ", ".join(parts)


def plan(records: Records, out_dir: Path, options: PackOptions, students: Iterable[str] | None = None
         ) -> list[Job]:
    """Every internship of the chosen students, with its findings and inputs hash, in id order."""
    chosen = sorted(records.students) if not students else sorted(set(students))
    unknown = [s for s in chosen if s not in records.students]
    if unknown:
        ids = sorted(records.students)
        known = ", ".join(ids[:10]) + (f", … ({len(ids)} in all)" if len(ids) > 10 else "") if ids else "none"
        raise CeriError(f"no student {', '.join(map(repr, unknown))} in the records (students: {known})")
    _institution_has_what_documents_need(records, chosen)
    env = manifest.environment_digest()
    jobs = []
    # a student's findings are made, hashed into their packs' inputs and kept as JSON with the jobs: the
    # Finding objects of the batch are never all held (and only the chosen students are checked)
    for sid, found in rules.check_each(records, options.as_of, chosen):
        mine_all = [f.to_json() for f in found]
        for internship in sorted(records.internships_of(sid), key=lambda i: i.id):
            mine = sorted((f for f in mine_all if f.get("internship") in (None, internship.id)),
                          key=manifest.canonical)
            inputs = manifest.inputs_digest(records, sid, internship.id, as_of=options.as_of,
                                            langs=options.langs, findings=mine,
                                            registered=options.register is not None,
                                            environment=env)
            jobs.append(Job(sid, internship.id, mine, inputs))
    return jobs


def _institution_has_what_documents_need(records: Records, students: list[str]) -> None:
    """A value the institution record lacks would fail every pack alike: one message, before any pack."""
    docs = sorted({w.doc for sid in students for i in records.internships_of(sid)
                   for w in select(records.students[sid], i) if w.missing is None})
    lacking: dict[str, tuple[str, list[str]]] = {}  # field → (why, documents needing it)
    for doc in docs:
        for record, name, why in renderers.unmet(doc, {"institution": records.institution}):
            if record == "institution":
                lacking.setdefault(name, (why, []))[1].append(doc)
    if not lacking:
        return
    texts = {name: f"institution.{name} is not set: {', '.join(needing)} needs it ({why})"
             for name, (why, needing) in sorted(lacking.items())}
    where = records.docs.get(("institution", ""))
    if where is None:  # the built-in institution: no file to point at
        raise CeriError("\n".join(f"{text}; add an institution record (kind: institution) with {name}, as in "
                                   "examples/institution.yaml" for name, text in texts.items()))
    raise InputError([where.problem((), f"{text}; add {name} to this institution record")
                      for name, text in texts.items()])


CHUNK = 8  # packs a worker takes at a time: one wait for the disk serves them, and few messages go between


def _chunks(todo: list[Job], workers: int) -> list[list[Job]]:
    """The jobs in runs of up to CHUNK, shorter towards the end (so the workers finish together) and for
    small batches (so each worker gets a share)."""
    out, at = [], 0
    while at < len(todo):
        size = max(1, min(CHUNK, (len(todo) - at) // (4 * workers)))
        out.append(todo[at: at + size])
        at += size
    return out


def _crashed(out_dir: Path, chunk: list[Job], exc: BaseException) -> list[PackResult]:
    """A worker process died, and the pool with it: of the packs it had not reported, those already in
    place, complete and made from these inputs, are built; the others failed (a rerun builds them)."""
    results = []
    for job in chunk:
        folder = out_dir / job.student / job.internship
        if manifest.up_to_date(folder, job.inputs):
            missing = [d["doc"] for d in (manifest.read(folder) or {}).get("documents", [])
                       if d.get("status") == "missing"]
            results.append(PackResult(job.student, job.internship, "built", missing=missing))
        else:
            results.append(PackResult(job.student, job.internship, "failed", f"worker process failed: {exc!r}"))
    return results


def _guarded(job: Job, step: Callable[[], Any]) -> Any:
    """step(), or the failed PackResult of job when it raises."""
    try:
        return step()
    except Exception as exc:
        return _failed(job, exc)


def _failed(job: Job, exc: Exception) -> PackResult:
    if isinstance(exc, CeriError):
        return PackResult(job.student, job.internship, "failed", str(exc))
    if isinstance(exc, OSError):  # the disk is full, the folder read-only …: not a bug of ceri's
        return PackResult(job.student, job.internship, "failed", f"cannot write the pack: {exc}")
    # a bug in one document must not lose the others' packs
    return PackResult(job.student, job.internship, "failed", f"internal error: {exc!r}")


def _run(chunk: list[Job], out_dir: str) -> list[PackResult]:
    """Build a few packs in order; the results come back once every pack is in place.

    Each pack is written to its temporary folder as soon as it is rendered, its files left to reach the
    disk while the next ones render; at the end one wait for the disk (the register's, then the files')
    serves the whole chunk, and the packs are renamed into place. Waiting for the disk pack by pack
    left a worker's CPU idle for some 3–6 ms of every pack's 40–50."""
    records, options, out = STATE["records"], STATE["options"], Path(out_dir)
    results: dict[int, PackResult] = {}
    staged: dict[int, Staged] = {}
    for n, job in enumerate(chunk):
        pack = _guarded(job, lambda job=job: render_pack(records, job.student, job.internship, options,
                                                          job.findings, job.inputs))
        step = pack if isinstance(pack, PackResult) else _guarded(job, lambda pack=pack: stage_pack(out, pack))
        if isinstance(step, PackResult):
            results[n] = step
        else:
            staged[n] = step
    if staged:
        try:
            placed = sync_and_place(out, list(staged.values()), options.register)
        except Exception as exc:  # the register or the disk failed: none of these packs is in place
            placed = [exc] * len(staged)
        for n, outcome in zip(staged, placed, strict=True):
            results[n] = outcome if isinstance(outcome, PackResult) else _failed(chunk[n], outcome)
    if options.register:  # a failed pack's certificates never landed: their numbers end void, with why
        for r in results.values():
            if r.status == "failed":
                void_pack(register_for(options.register), r.student, r.internship, f"pack failed: {r.message}")
    return [results[n] for n in range(len(chunk))]


def run(records: Records, paths: tuple[str, ...], out_dir: Path, options: PackOptions, *,
        students: Iterable[str] | None = None, jobs: int | None = None, force: bool = False,
        strict: bool = False, make_zip: bool = False,
        progress: Callable[[int], Any] | None = None) -> Summary:
    """Build the packs; `progress(n)` is called as packs finish (skipped ones included)."""
    students = tuple(students or ())
    most = sum(len(records.internships_of(s)) for s in set(students or records.students) if s in records.students)
    # the workers start first and load their fonts while this process plans
    with Pool(records=records, paths=paths, options=options, jobs=jobs, most=most, rehearse=rehearse) as pool:
        summary = Summary(jobs=plan(records, out_dir, options, students))  # bad input: nothing written
        with owned(out_dir):
            _build(summary, records, out_dir, options, pool, force=force, strict=strict, make_zip=make_zip,
                   progress=progress)
    return summary


def rehearse() -> None:
    """Render one pack in a worker process and throw it away, while the parent still plans. A process's
    first pack takes about 0.9 s more than the next (modules imported, templates compiled, fonts read,
    the fixed wording's subsets built) and a worker waits about as long for its first run of packs: it
    starts warm instead. What a document looks like does not depend on what the process drew before."""
    records, options = STATE["records"], STATE["options"]
    found = [i for i in sorted(records.internships.values(), key=lambda i: i.id)[:64] if i.student in records.students]
    # the pack with the most kinds of document, so the first real packs find every renderer ready
    best = max(found, key=lambda i: len(select(records.students[i.student], i)), default=None)
    if best is None:
        return
    try:
        render_pack(records, best.student, best.id, replace(options, register=None), [], "")
    except Exception:  # noqa: S110 (a bad record fails its own pack, with its message, later)
        pass


def _build(summary: Summary, records: Records, out_dir: Path, options: PackOptions, pool: Pool, *,
           force: bool, strict: bool, make_zip: bool, progress: Callable[[int], Any] | None) -> None:
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
    chunks: Iterable[list[Job]] = _chunks(todo, pool.workers)
    if options.register:
        chunks = _numbered(options.register, chunks, records, options)
    try:
        for results in pool.map(_run, chunks, str(out_dir), crashed=partial(_crashed, out_dir),
                                progress=progress, weight=len):
            summary.results.extend(results)
    finally:
        pool.close()  # the workers' register connections close with them, before the register is tidied
        close_registers(tidy=options.register)
        if options.register:
            settle(options.register)
    summary.results.sort(key=lambda r: (r.student, r.internship))
    if make_zip:
        summary.failures += write_zips(out_dir, sorted({j.student for j in summary.jobs}))


def _numbered(register: str, chunks: Iterable[list[Job]], records: Records, options: PackOptions
              ) -> Iterator[list[Job]]:
    """Each chunk once the serials of its certificates are reserved, chunk after chunk in pack order,
    so which document gets which number does not depend on --jobs (issue() finds these reservations).
    The first chunks go to the workers while later ones are still being numbered."""
    reg: Register | None = None
    try:
        for chunk in chunks:
            wanted = [r for job in chunk for _, r in requests(records, job.student, job.internship, options,
                                                               job.findings)]
            if any(is_registered(r) for r in wanted):
                reg = reg or Register(register)  # nothing to number: no register is created for it
                _reserve(reg, wanted)
            yield chunk
    finally:
        if reg is not None:
            reg.close()


def reserve_serials(register: str, wanted: Iterable[RenderRequest | None]) -> None:
    """Take the serials of every certificate among wanted, in order, before any worker starts. wanted
    may be a generator: each request (and its context) is let go once its serial is taken."""
    rest = iter(wanted)
    first = next((r for r in rest if is_registered(r)), None)
    if first is not None:  # nothing to number: no register is created
        with Register(register) as reg:
            _reserve(reg, itertools.chain([first], rest))


def _reserve(reg: Register, wanted: Iterable[RenderRequest | None]) -> None:
    with reg.write(durable=False):  # one transaction for them all
        for request in wanted:
            if is_registered(request):
                reserve_serial(reg, request)


def settle(register: str) -> None:
    """The run is over: numbers it reserved whose files never landed end void (a worker that died, packs
    never reached), and so do those of earlier runs that were killed. Reruns of a killed run have already
    taken over its reservations for the same documents (serials.reserve)."""
    if Path(register).is_file():
        with Register(register, check=False) as reg:  # checked whole when the run began
            end_run(reg, "the run ended before this certificate's file was written")
            sweep(reg)


def write_zips(out_dir: Path, students: list[str]) -> list[str]:
    """DIR/<student>.zip beside each student's folder, rewritten only when its content changed. A zip
    that cannot be written (a full or read-only disk) is a message, and the old zip stays as it was
    (write_atomic): the packs are in place and the summary is still printed."""
    failed = []
    for sid in students:
        if not (out_dir / sid).is_dir():
            continue
        target = out_dir / f"{sid}.zip"
        try:
            data = student_zip(out_dir, sid)
            if not target.is_file() or target.read_bytes() != data:
                write_atomic(target, data)
        except OSError as exc:
            failed.append(_("{file}: cannot write the zip ({error})").format(file=target,
                                                                             error=exc.strerror or exc))
    return failed
