"""Editing one student or internship from a form: the validation and words of `ceri validate`, at the field;
a round-trip write (comments, order and style of the file stay, as `ceri import` keeps them); a version
check, so that a second person's save over a changed record is refused with what changed, not lost.

The form's fields are the roster's columns (pipeline/data/roster.yaml: labels and notes in ja/en, the type
read from the records' schema), declared once for Excel and the browser."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.fileio import write_atomic
from pipeline.records import Records
from pipeline.records.load import _message, convert
from pipeline.records.models import MODELS
from pipeline.records.yamlstrict import read_documents
from pipeline.roster import Column, columns
from pipeline.roster.cells import CellError
from pipeline.roster.cells import text_of as cell_text
from pipeline.roster.yamlout import delete_path, dump, load_all, plain, set_path, value_set_at
from pipeline.web.i18n import _

_write_lock = threading.Lock()  # compare-and-write of a file is one step for the whole server


@cache
def form_columns(kind: str) -> tuple[Column, ...]:
    """The editable fields of a kind: every roster column but the id (it names the file) and payments."""
    return tuple(c for c in columns() if c.record == kind and c.path != ("id",) and c.type != "payments")


def text_of(value: Any) -> str:
    """A record's value as the form shows it (and as it is typed back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | Decimal | int):
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def values(model: BaseModel | None, kind: str) -> dict[str, str]:
    return {c.key: text_of(value_set_at(model, c.path)) for c in form_columns(kind)}


def version_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Outcome:
    saved: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)  # column key ('' for the record) → messages
    conflicts: list[tuple[Column, str, str]] = field(default_factory=list)  # (field, what you saw, now)
    changed: list[tuple[Column, str, str]] = field(default_factory=list)  # (field, before, after)


def _clean(text: str, col: Column) -> str:
    """As `ceri import` reads a cell: line breaks normalised, full-width digits and letters typed with an IME
    made ASCII where the field is a number, a date, a code or a choice (free text is kept as typed)."""
    try:
        return cell_text(text, col) or ""
    except CellError:
        return text.strip()


def _position(records: Records, kind: str, record_id: str) -> tuple[Path, int]:
    source = records.docs[(kind, record_id)]
    return Path(source.file), source.index


def save(records: Records, kind: str, record_id: str, submitted: dict[str, str], seen: dict[str, str],
         version: str) -> Outcome:
    """Write the submitted values (column key → text) into the record, if they validate and the file is
    still the version the form was made from; else say why, field by field."""
    path, index = _position(records, kind, record_id)
    cols = form_columns(kind)
    with _write_lock:
        raw = path.read_bytes()
        docs = [d for d in load_all(raw) if d is not None]
        doc = docs[index]
        current = _current_values(path, raw, index, kind)
        # a field the request does not carry is left as it is (an empty one is removed)
        new = {c.key: _clean(submitted[c.key], c) if c.key in submitted else current[c.key] for c in cols}
        if version_of(raw) != version:
            # the file changed since the form was made: refused if any value the form showed changed (a
            # comment or another record of the same file changing is no conflict)
            conflicts = [(c, seen.get(c.key, ""), current[c.key]) for c in cols
                         if current[c.key] != seen.get(c.key, "")]
            if conflicts:
                return Outcome(conflicts=conflicts, errors={"": [_(
                    "Someone else saved this record after you opened it. Your entries are kept below; "
                    "check the changes and save again.")]})
        edits = [c for c in cols if new[c.key] != current[c.key]]
        model, errors = _validate(path, docs, doc, kind, edits, new)
        if errors:
            return Outcome(errors=errors)
        for c in edits:
            value = value_set_at(model, c.path)
            if value is None or new[c.key] == "":
                delete_path(doc, c.path)
            else:
                set_path(doc, MODELS[kind], c.path, plain(value))
        after = dump(docs)
        problems = _problems(path, after)
        if problems:
            return Outcome(errors={"": problems})
        if edits:
            write_atomic(path, after)
        return Outcome(saved=True, changed=[(c, current[c.key], new[c.key]) for c in edits])


def propose(records: Records, student_id: str, submitted: dict[str, str], keys: tuple[str, ...]
            ) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A student's intake: the fields `keys` as typed, checked as a save would check them, nothing written.
    Returns (the changed fields: key → new text, the errors by field)."""
    path, index = _position(records, "student", student_id)
    cols = [c for c in form_columns("student") if c.key in keys]
    raw = path.read_bytes()
    current = _current_values(path, raw, index, "student")
    new = {c.key: _clean(submitted[c.key], c) if c.key in submitted else current[c.key] for c in cols}
    edits = [c for c in cols if new[c.key] != current[c.key]]
    docs = [d for d in load_all(raw) if d is not None]
    _model, errors = _validate(path, docs, docs[index], "student", edits, new)
    return {c.key: new[c.key] for c in edits}, errors


def current_values(records: Records, kind: str, record_id: str) -> tuple[dict[str, str], str]:
    """The record's values as the file holds them now, and the file's version."""
    path, index = _position(records, kind, record_id)
    raw = path.read_bytes()
    return _current_values(path, raw, index, kind), version_of(raw)


def _current_values(path: Path, raw: bytes, index: int, kind: str) -> dict[str, str]:
    docs, _problems = read_documents(str(path), raw)
    model, _found = convert(docs[index])
    return values(model, kind)


def _validate(path: Path, docs: list, doc: Any, kind: str, edits: list[Column],
              new: dict[str, str]) -> tuple[BaseModel | None, dict[str, list[str]]]:
    """The record with the typed texts, read as the loader reads a file (every value a string first)."""
    for c in edits:
        if new[c.key] == "":
            delete_path(doc, c.path)
        else:
            set_path(doc, MODELS[kind], c.path, plain(new[c.key]))
    text = dump([doc])
    parsed, problems = read_documents(str(path), text)
    errors: dict[str, list[str]] = {}
    if problems:
        errors[""] = [p.message for p in problems]
        return None, errors
    model_type = MODELS[kind]
    try:
        return model_type.model_validate(parsed[0].data), {}
    except ValidationError as exc:
        keys = {c.path: c.key for c in form_columns(kind)}
        for err in exc.errors(include_url=False):
            message, _at_key = _message(err, model_type)
            loc = tuple(str(x) for x in err["loc"])
            key = next((keys[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in keys), "")
            errors.setdefault(key, []).append(message)
        return None, errors


def _problems(path: Path, raw: bytes) -> list[str]:
    docs, problems = read_documents(str(path), raw)
    for d in docs:
        problems.extend(convert(d)[1])
    return [p.message for p in problems]
