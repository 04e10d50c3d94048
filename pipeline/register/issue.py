"""Issuing a certificate: a serial from the register, the document rendered with it, its hash recorded."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel

from pipeline.context.formatting import name_western
from pipeline.register.db import Register
from pipeline.register.editable import stated
from pipeline.register.seal import Sealer, seal_pdf, signature_box
from pipeline.register.serials import KINDS, Key, complete, landed, reserve, void
from pipeline.register.stamp import signatory_of
from pipeline.renderers import RenderRequest
from pipeline.resources import TEMPLATES

Render = Callable[[RenderRequest], bytes]


@dataclass(frozen=True)
class Issued:
    serial: str
    data: bytes
    sha256: str
    superseded: str | None  # the earlier serial of this document that this one replaces
    reused: bool = False  # True when the serial was already issued for these very inputs


def inputs_hash_for(context: dict[str, Any], doc: str, lang: str) -> str:
    """sha256 of what the document is made from: the JSON of {"context", "doc", "lang"} with sorted keys,
    where the context is what the certificate can print: the student's record, its one internship, the
    institution, the issue date and year. The student's other internships count only for a document about
    no single internship (a JSPS report): editing one internship re-issues that internship's certificates,
    never the others'."""
    text = f'{{"context":{_context_json(shown(context, doc))},"doc":{_json(doc)},"lang":{_json(lang)}}}'
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


RECORDS = ("student", "internship", "internships", "institution")


def shown(context: dict[str, Any], doc: str) -> dict[str, Any]:
    """The part of a context a certificate's content depends on (see inputs_hash_for): the records the
    document kind prints (documents.yaml `prints:`), the issue date and year."""
    from pipeline import renderers

    kind = renderers.documents().get(doc)
    prints = kind.prints if kind is not None else None
    if prints is None:
        prints = RECORDS if context.get("internship") is None else tuple(r for r in RECORDS if r != "internships")
    return {k: v for k, v in context.items() if k not in RECORDS or k in prints}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# the last contexts' JSON, keyed by their entries' identities (the values are kept alive, so an id stays
# its own): the few certificates of one pack share their context, which is not changed once built
_CONTEXTS: dict[tuple[tuple[str, int], ...], tuple[list[Any], str]] = {}


def _context_json(context: dict[str, Any]) -> str:
    key = tuple((k, id(v)) for k, v in context.items())
    hit = _CONTEXTS.get(key)
    if hit is not None:
        return hit[1]
    text = _json({k: _plain(v) for k, v in context.items()})
    if len(_CONTEXTS) >= 8:
        _CONTEXTS.pop(next(iter(_CONTEXTS)))
    _CONTEXTS[key] = (list(context.values()), text)
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@cache
def _wording() -> dict[str, str]:
    return yaml.safe_load((TEMPLATES / "register.yaml").read_text("utf-8"))


def verification_text(serial: str) -> str:
    """What the QR code on the certificate says (templates/register.yaml)."""
    return _wording()["verification_text"].format(serial=serial)


def _key(request: RenderRequest) -> Key:
    internship = request.context.get("internship")
    return Key(request.doc, request.lang, request.context["student"].id,
               internship.id if internship is not None else "", issue_kind(request))


def signatory(institution: Any) -> str:
    """Who signs, as the visible signature names them in English: 'Taro SOKEN, President'."""
    return signatory_of(institution).en


def is_registered(request: RenderRequest | None) -> bool:
    """Whether issuing this request goes through the register: a certificate (PDF or Word), or a document
    its caller asks to log as a report (options["issue_kind"] = "report")."""
    from pipeline import renderers

    return request is not None and (renderers.is_certificate(request) or issue_kind(request) == "report")


def issue_kind(request: RenderRequest) -> str:
    """certificate (a PDF whose bytes are sealed), editable (a Word file: its serial and text count, its
    bytes cannot), or report: a document logged in the register that certifies nothing (the renderer asks
    with options["issue_kind"] = "report")."""
    from pipeline import renderers

    asked = request.options.get("issue_kind") or renderers.documents()[request.doc].issued_as
    if asked in KINDS:
        return asked
    return "editable" if request.fmt == "docx" else "certificate"


def _reserve(register: Register, request: RenderRequest, key: Key, inputs_hash: str, *,
             new: bool = False) -> tuple[str, bool]:
    context = request.context
    issued_on: date = context["today"]
    return reserve(register, key, inputs_hash, prefix=context["institution"].serial_prefix,
                   issued_on=issued_on, student_name=name_western(context["student"].name), new=new)


def reserve_serial(register: Register, request: RenderRequest) -> str:
    """The serial this certificate will carry, taken now without rendering it.

    A batch reserves all its certificates first, in a fixed order, so that which document gets which
    number does not depend on --jobs; issue() later finds the reservation for the same inputs.
    """
    inputs_hash = inputs_hash_for(request.context, request.doc, request.lang)
    return _reserve(register, request, _key(request), inputs_hash)[0]


def issue(register: Register, request: RenderRequest, inputs_hash: str,
          render: Render | None = None, *, durable: bool = True, land: bool = True,
          sealer: Sealer | None = None) -> Issued:
    """Issue one certificate: reuse the serial of identical inputs, else take the next number.

    `render` defaults to pipeline.renderers.render (looked up at call time, so tests can swap the
    registry). Returns the bytes; the caller writes them (atomically). land=False leaves the row pending:
    the caller calls landed() once the file is in place, or void() if it never gets there. With a sealer,
    a PDF certificate is signed (PAdES) after all other content, and its signed bytes are what is recorded.
    """
    if render is None:
        from pipeline import renderers

        renderers.renderer(request.doc, request.fmt)  # a document we cannot render must not take a number
        render = renderers.render
    key = _key(request)
    new = False
    for _attempt in range(3):
        serial, created = _reserve(register, request, key, inputs_hash, new=new)
        options = {**request.options, "serial": serial, "verification_text": verification_text(serial)}
        if key.kind == "report":  # logged, not certified: nothing of the register is printed on it
            options = {k: v for k, v in options.items() if k not in ("serial", "verification_text")}
        try:
            data = render(dataclasses.replace(request, options=options))
            sealed = sealer is not None and request.fmt == "pdf" and key.kind == "certificate"
            if sealed:
                data = _signed_before(register, serial, data, sealer) or seal_pdf(
                    data, sealer, serial=serial, signatory=signatory_of(request.context["institution"]),
                    issued_on=request.context["today"], box=signature_box(options.get("signature_box")))
        except BaseException as exc:
            if created:
                void(register, serial, f"rendering failed: {type(exc).__name__}: {exc}")
            raise
        sha = hashlib.sha256(data).hexdigest()
        if complete(register, serial, sha, len(data), durable=durable,
                    signer=sealer.fingerprint if sealed and sealer else None,
                    stated=stated(data) if key.kind == "editable" else None):
            older = landed(register, [(serial, None)], durable=durable)[serial] if land else []
            return Issued(serial, data, sha, older[-1] if older else None, reused=not created)
        new = True  # same inputs, other bytes (the renderer changed), or a voided number: a serial of its own
    raise RuntimeError(f"{serial}: a fresh serial already holds another file")  # cannot happen


def _signed_before(register: Register, serial: str, unsigned: bytes, sealer: Sealer) -> bytes | None:
    """The file already issued under this serial for these very contents, when signing again would give
    other bytes (a timestamp is never the same twice): read back from where it was written, if it is still
    there unchanged, so that re-issuing keeps the serial and the bytes instead of superseding."""
    if sealer.timestamper is None:
        return None  # signing without a timestamp gives the same bytes again
    row = register.conn.execute("SELECT sha256, path FROM certificates WHERE serial = ?", (serial,)).fetchone()
    if row is None or not row["sha256"] or not row["path"]:
        return None
    try:
        with open(row["path"], "rb") as f:
            data = f.read(len(unsigned) + 4 * 1024 * 1024)
    except OSError:
        return None
    same = data.startswith(unsigned) and hashlib.sha256(data).hexdigest() == row["sha256"]
    return data if same else None
