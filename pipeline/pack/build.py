"""One internship's pack, built in a private temporary folder and renamed into place when complete."""

from __future__ import annotations

import multiprocessing.util
import os
import shutil
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline import renderers
from pipeline.context import build_context
from pipeline.desk.status import case_summary
from pipeline.fileio import DIR_MODE, make_private_dir, sync_files, write_new_private
from pipeline.pack import manifest
from pipeline.pack.outdir import TMP
from pipeline.pack.select import Wanted, select, stage
from pipeline.pdf import merge
from pipeline.register import Register, inputs_hash_for, issue
from pipeline.register.issue import is_registered
from pipeline.register.seal import sealer_for, signature_summary
from pipeline.register.serials import expect, landed
from pipeline.renderers import RenderRequest

# told of each document of a pack as it is rendered: (internship, documents done, documents in the pack).
# The desk's progress page sets it around a build that runs in its own thread (one worker: in process).
document_done: ContextVar[Callable[[str, int, int], Any] | None] = ContextVar("document_done", default=None)


@dataclass(frozen=True)
class PackOptions:
    as_of: date
    langs: tuple[str, ...] = ("ja+en",)
    # the certificate register (a path, so worker processes open their own connection); None renders
    # certificates plainly, without serials
    register: str | None = None
    signing: str | None = None  # the PAdES key certificates are signed with (a path: workers load it)


@dataclass
class PackResult:
    student: str
    internship: str
    status: str  # built | skipped | failed | refused
    message: str | None = None
    missing: list[str] = field(default_factory=list)


_registers: dict[str, Register] = {}


def register_for(path: str) -> Register:
    """This process's connection to the register (opened on first use, one per process)."""
    if path not in _registers:
        if not _registers:  # worker processes end without atexit: close (and checkpoint) the WAL then
            multiprocessing.util.Finalize(None, close_registers, exitpriority=10)
        # the batch's parent checked the whole file when it numbered the certificates: not again per worker
        _registers[path] = Register(path, check=False)
    return _registers[path]


def close_registers(tidy: str | None = None) -> None:
    """Close this process's register connections. With tidy (a register's path), once the workers are
    gone, open and close that register once more: as its last connection, it folds the WAL back into the
    file and removes register.sqlite-wal and -shm, which two workers closing at the same moment each
    leave to the other."""
    while _registers:
        _registers.popitem()[1].close()
    if tidy is not None and Path(tidy).is_file():
        Register(tidy, check=False).close()


def certify(request: RenderRequest, register: str | None, *, durable: bool = True,
            signing: str | None = None) -> tuple[bytes, str | None]:
    """Render a document; a PDF certificate is issued through the register and gets its serial.
    durable=False leaves syncing the register to disk to the next durable commit."""
    if register is None or not is_registered(request):
        return renderers.render(request), None
    issued = issue(register_for(register), request, inputs_hash_for(request.context, request.doc, request.lang),
                   durable=durable, land=False,  # issued once its pack is in place (sync_and_place)
                   sealer=sealer_for(signing) if signing else None)
    return issued.data, issued.serial


def _title(doc: str, lang: str, several: bool) -> str:
    title = renderers.documents()[doc].title
    text = f"{title['ja']} / {title['en']}" if lang == "ja+en" else title[lang]
    return f"{text} ({lang})" if several else text


def requests(records, student_id: str, internship_id: str, options: PackOptions,
             findings: list[dict[str, Any]]) -> list[tuple[Wanted, RenderRequest | None]]:
    """Every document of one pack in order, with the request that renders it (None: not available)."""
    student = records.students[student_id]
    internship = records.internships[internship_id]
    wanted = select(student, internship, (f["code"] for f in findings), as_of=options.as_of)
    present = [w.doc for w in wanted if w.missing is None]
    context = build_context(records, student_id, internship_id, as_of=options.as_of)
    out: list[tuple[Wanted, RenderRequest | None]] = []
    for w in wanted:
        if w.missing is not None:
            out.append((w, None))
            continue
        out.extend((w, RenderRequest(w.doc, lang, w.fmt, context, options={"pack_documents": present}))
                   for lang in renderers.pack_langs(w.doc, options.langs))
    return out


def render_documents(records, student_id: str, internship_id: str, options: PackOptions,
                     findings: list[dict[str, Any]]) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """(file name → bytes, manifest entries of the documents) for one pack; nothing is written."""
    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    parts: list[tuple[str, str, bytes]] = []
    signed: list[tuple[str, bytes]] = []  # pack.pdf carries the signed certificates as attachments
    # the certificates' register commits wait for no disk: the batch syncs the register before it puts
    # their packs in place (sync_and_place)
    wanted = requests(records, student_id, internship_id, options, findings)
    told, total = document_done.get(), sum(r is not None for _w, r in wanted)
    for w, request in wanted:
        if told is not None:
            told(internship_id, len(files), total)
        if request is None:
            entries.append({"doc": w.doc, "format": w.fmt, "status": "missing", "reason": w.missing})
            continue
        lang = request.lang
        data, serial = certify(request, options.register, durable=False, signing=options.signing)
        name = w.file(lang)
        files[name] = data
        entry = {"doc": w.doc, "format": w.fmt, "lang": lang, "file": name, "status": "present"}
        if serial is not None:
            entry["serial"] = serial
            if options.signing and w.fmt == "pdf":
                signed.append((name, data))
                signature = signature_summary(data)  # which signature: a timestamped one differs each time
                if signature:
                    entry["signature"] = signature
        entries.append(entry)
        if w.fmt == "pdf":
            part = data
            if renderers.documents()[w.doc].fillable:  # pack.pdf is for reading: the form as printed
                part = renderers.render_flattened(request)
            parts.append((_title(w.doc, lang, len(options.langs) > 1), f"{w.doc}.{lang}-", part))
    if told is not None:  # what follows is the cover sheet and pack.pdf
        told(internship_id, total, total)
    # where the case stands (step, next action) beside the findings: the office reads one file
    case = case_summary(records, student_id, internship_id, options.as_of)
    files["findings.json"] = manifest.dumps({"case": case, "findings": findings})
    if parts:  # the cover sheet opens pack.pdf: the same case, the findings and who acts, what is missing
        files["pack.pdf"] = merge([_cover(records, student_id, internship_id, options, findings, entries, case),
                                   *parts], signed)
    return files, entries


def _cover(records, student_id: str, internship_id: str, options: PackOptions, findings: list[dict[str, Any]],
           entries: list[dict[str, Any]], case: dict[str, Any]) -> tuple[str, str, bytes]:
    """The cover sheet that opens pack.pdf: stage, findings and who acts, what is missing."""
    student, internship = records.students[student_id], records.internships[internship_id]
    lang = "ja+en" if "ja+en" in options.langs else options.langs[0]
    context = build_context(records, student_id, internship_id, as_of=options.as_of)
    request = RenderRequest("cover-sheet", lang, "pdf", context, options={
        "stage": stage(student, internship, options.as_of), "findings": findings, "documents": entries,
        "case": case})
    return (_title("cover-sheet", lang, False), "cover-sheet-", renderers.render(request))


@dataclass(frozen=True)
class Rendered:
    """One pack rendered in memory: nothing is written yet."""

    student: str
    internship: str
    files: dict[str, bytes]  # file name → bytes, the manifest included
    missing: list[str]  # document kinds that apply but cannot be made yet
    serials: dict[str, str] = field(default_factory=dict)  # file name → serial of the certificates in it


def render_pack(records, student_id: str, internship_id: str, options: PackOptions,
                findings: list[dict[str, Any]], inputs: str) -> Rendered:
    """Every file of one pack, in memory."""
    files, entries = render_documents(records, student_id, internship_id, options, findings)
    files[manifest.MANIFEST] = manifest.make(student=student_id, internship=internship_id,
                                             as_of=options.as_of, langs=options.langs, inputs=inputs,
                                             documents=entries, files=files)
    return Rendered(student_id, internship_id, files, [e["doc"] for e in entries if e["status"] == "missing"],
                    {e["file"]: e["serial"] for e in entries if "serial" in e})


@dataclass(frozen=True)
class Staged:
    """A pack written into its temporary folder, not yet in place."""

    pack: Rendered
    tmp: Path


def stage_pack(out_dir: Path, pack: Rendered) -> Staged:
    """Write the pack into its own out_dir/.tmp-<pid>-… folder (its files start on their way to disk)."""
    tmp = out_dir / f"{TMP}{os.getpid()}-{pack.student}-{pack.internship}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.mkdir(tmp, DIR_MODE)
    try:
        write_new_private(tmp, pack.files)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Staged(pack, tmp)


def sync_and_place(out_dir: Path, staged: list[Staged], register: str | None) -> list[PackResult | Exception]:
    """Put staged packs in place, each renamed to out_dir/<student>/<internship>: first the register
    (the serials their certificates carry) and then their files reach the disk, so that neither a kill
    nor a power cut can leave a pack folder that is incomplete or whose serials are unrecorded. One
    wait for the disk serves every pack given. A pack that cannot be placed gives its exception."""
    try:
        if register is not None:
            expect(register_for(register), [(serial, out_dir / s.pack.student / s.pack.internship / name)
                                            for s in staged for name, serial in s.pack.serials.items()])
            register_for(register).sync()
        sync_files([s.tmp / name for s in staged for name in s.pack.files])
    except BaseException:
        for s in staged:
            shutil.rmtree(s.tmp, ignore_errors=True)
        raise
    results: list[PackResult | Exception] = []
    for s in staged:
        try:
            results.append(place_pack(out_dir, s))
        except Exception as exc:
            shutil.rmtree(s.tmp, ignore_errors=True)
            results.append(exc)
    if register is not None:  # the certificates of the packs now in place are issued
        landed(register_for(register), [(serial, out_dir / s.pack.student / s.pack.internship / name)
                                        for s, r in zip(staged, results, strict=True) if isinstance(r, PackResult)
                                        for name, serial in s.pack.serials.items()])
    return results


def place_pack(out_dir: Path, staged: Staged) -> PackResult:
    """Rename a staged pack (its files on disk) to out_dir/<student>/<internship>: the folder appears
    complete or not at all."""
    pack, tmp = staged.pack, staged.tmp
    final = out_dir / pack.student / pack.internship
    make_private_dir(final.parent)
    if final.exists():
        # directories cannot be swapped in one step: move the old pack aside (a later run removes it if we
        # die here), move the new one in, then delete the old
        old = out_dir / f"{TMP}{os.getpid()}-old-{pack.student}-{pack.internship}"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(final, old)
        os.rename(tmp, final)
        shutil.rmtree(old)
    else:
        os.rename(tmp, final)
    return PackResult(pack.student, pack.internship, "built", missing=pack.missing)


def build_pack(records, student_id: str, internship_id: str, out_dir: Path, options: PackOptions,
               findings: list[dict[str, Any]], inputs: str) -> PackResult:
    """Render one pack, then write it into place (render_pack, stage_pack, sync_and_place)."""
    staged = stage_pack(out_dir, render_pack(records, student_id, internship_id, options, findings, inputs))
    result = sync_and_place(out_dir, [staged], options.register)[0]
    if isinstance(result, Exception):
        raise result
    return result
