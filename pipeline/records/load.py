"""Load records from files and folders: strict YAML → pydantic models, every problem located."""

from __future__ import annotations

import gc
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ValidationError

from pipeline.errors import InputError, Problem
from pipeline.i18n import _
from pipeline.records.models import MODELS, Institution, Internship, Student
from pipeline.records.places import suggest
from pipeline.records.yamlstrict import Document, Source, read_documents

SUFFIXES = (".yaml", ".yml")


@dataclass
class Records:
    """Everything loaded in one run, by id, plus the files it came from (for input hashes)."""

    students: dict[str, Student] = field(default_factory=dict)
    internships: dict[str, Internship] = field(default_factory=dict)
    institution: Institution = field(default_factory=Institution)
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    docs: dict[tuple[str, str], Source] = field(default_factory=dict)  # (kind, id) → where it was read
    # student id → internships, built on first use (a batch asks for every student: no scan each time)
    _by_student: dict[str, list[Internship]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)

    def locate(self, kind: str, record_id: str, *path: str | int) -> Problem:
        """FILE:LINE:COLUMN of a record's field (or of the record), for messages about it."""
        doc = self.docs[(kind, record_id)]
        return doc.problem(tuple(path), "")

    def internships_of(self, student_id: str) -> list[Internship]:
        """A student's internships by start date."""
        if self._indexed != len(self.internships):
            by: dict[str, list[Internship]] = {}
            for i in self.internships.values():
                by.setdefault(i.student, []).append(i)
            self._by_student = {k: sorted(v, key=lambda i: (i.period.start, i.id)) for k, v in by.items()}
            self._indexed = len(self.internships)
        return list(self._by_student.get(student_id, ()))


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, plus every *.yaml / *.yml below named folders, in a stable order."""
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), 1, 1, "no such file or folder"))
    return files, problems


def _annotation_model(annotation: object) -> type[BaseModel] | None:
    """The model inside X, X | None, list[X] annotations (to list allowed keys in messages)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (typing.Union, list):
        for arg in typing.get_args(annotation):
            found = _annotation_model(arg)
            if found:
                return found
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    current: type[BaseModel] | None = model
    for step in loc:
        if current is None or not isinstance(step, str):
            continue
        info = current.model_fields.get(step)
        current = _annotation_model(info.annotation) if info else None
    return list(current.model_fields) if current else []


def _message(err: dict, model: type[BaseModel]) -> tuple[str, bool]:
    """A user's message for one pydantic error, and whether it points at the key (not the value)."""
    kind, loc, ctx = err["type"], err["loc"], err.get("ctx", {})
    name = str(loc[-1]) if loc else "record"
    if kind == "missing":
        return f"missing required field '{name}'", False
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = suggest(name, allowed) or f" (expected one of: {', '.join(allowed)})"
        return f"unknown key '{name}'{hint}", True
    if kind == "literal_error":
        return f"'{err['input']}' is not allowed for '{name}': expected {ctx.get('expected')}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{name}' must be a mapping of fields (key: value lines)", False
    if kind == "list_type":
        return f"'{name}' must be a list (lines starting with '- ')", False
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = f"at least {ctx['ge']}" if "ge" in ctx else f"at most {ctx['le']}"
        return f"'{name}' is {err['input']}, must be {bound}", False
    if kind == "string_too_short":
        return f"'{name}' must not be empty", False
    return err["msg"].removeprefix("Value error, "), False


def convert(doc: Document) -> tuple[BaseModel | None, list[Problem]]:
    """One YAML document to its model, or the located problems that stop it."""
    data = doc.data
    if not isinstance(data, dict):
        return None, [doc.problem((), "a record must be a mapping with 'kind:' first")]
    kind = data.get("kind")
    if kind is None:
        return None, [doc.problem((), "missing 'kind:' (student, internship or institution)")]
    if kind not in MODELS:
        hint = suggest(str(kind), list(MODELS)) or " (expected student, internship or institution)"
        return None, [doc.problem(("kind",), f"unknown kind '{kind}'{hint}")]
    model = MODELS[kind]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        # a misspelt key is one problem, not also a missing field: drop 'missing' for the suggested name
        misspelt = {(*e["loc"][:-1], s) for e in errors if e["type"] == "extra_forbidden"
                    for s in _allowed_keys(model, e["loc"][:-1]) if suggest(str(e["loc"][-1]), [s])}
        for err in errors:
            if err["type"] == "missing" and tuple(err["loc"]) in misspelt:
                continue
            message, at_key = _message(err, model)
            problems.append(doc.problem(tuple(err["loc"]), message, key=at_key))
        return None, problems


@dataclass
class Shared:
    """One copy of each value that records of a batch repeat, for the time of one load."""

    strings: dict[str, str] = field(default_factory=dict)
    dates: dict[date, date] = field(default_factory=dict)
    fields_sets: dict[frozenset[str], set[str]] = field(default_factory=dict)


def compact(model: BaseModel, shared: Shared) -> None:
    """Make equal values of a loaded record the same object as in the records loaded before it.

    What a batch holds per student is its models, and most of their bytes are not the values: pydantic
    gives every model instance its own set of the field names given (a third of a record's memory, 7 KiB
    a student), and each record its own copy of the program's, the supervisor's and the company's names
    and of its dates. The sets are shared between instances with the same fields (the models are frozen:
    pydantic never adds to the set of a frozen model, and model_copy copies it first); equal strings and
    dates are the same value whatever object holds them."""
    values = model.__dict__
    for name, value in values.items():
        kind = type(value)
        if kind is str:
            values[name] = shared.strings.setdefault(value, value)
        elif kind is date:
            values[name] = shared.dates.setdefault(value, value)
        elif isinstance(value, BaseModel):
            compact(value, shared)
        elif kind is list:
            for item in value:
                if isinstance(item, BaseModel):
                    compact(item, shared)
    given = model.__pydantic_fields_set__
    object.__setattr__(model, "__pydantic_fields_set__", shared.fields_sets.setdefault(frozenset(given), given))


def load(paths: Iterable[str | Path]) -> Records:
    """Load every record under paths; raise InputError with all problems of all files."""
    # What is built here lives for the whole run and holds no cycles to free: the cyclic collector would
    # only walk the growing heap again and again (a third of the time of loading 1000 records).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(paths)
    finally:
        if enabled:
            gc.enable()


def _load(paths: Iterable[str | Path]) -> Records:
    files, problems = expand(paths)
    records = Records(files=files)
    institution_seen = False
    by_case: dict[tuple[str, str], str] = {}  # (kind, id folded) → id: file names derive from ids
    shared = Shared()
    for f in files:
        try:
            raw = f.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(f), 1, 1, f"cannot read: {exc.strerror}"))
            continue
        name = str(f)
        size, digest = Source.of(name, raw)
        docs, found = read_documents(name, raw)
        del raw  # the records keep where they were read (Source), not the bytes
        problems.extend(found)
        for n, doc in enumerate(docs):
            rec, found = convert(doc)
            problems.extend(found)
            if rec is None:
                continue
            where = Source(name, size, digest, n, doc.mark(()).line)
            compact(rec, shared)
            if isinstance(rec, Institution):
                if institution_seen:
                    problems.append(doc.problem(("kind",), "a second institution record; keep only one"))
                institution_seen = True
                records.institution = rec
                records.docs[("institution", "")] = where
                continue
            table = records.students if isinstance(rec, Student) else records.internships
            key = (rec.kind, rec.id)
            if rec.id in table:
                first = records.locate(*key)
                problems.append(doc.problem(("id",), f"duplicate {rec.kind} id '{rec.id}' "
                                                     f"(first in {first.file}:{first.line})"))
                continue
            other = by_case.setdefault((rec.kind, rec.id.casefold()), rec.id)
            if other != rec.id:  # one file on macOS and Windows, whose file names ignore case
                first = records.locate(rec.kind, other)
                problems.append(doc.problem(("id",), _("duplicate {kind} id '{id}': it differs from '{other}' only in "
                                                       "case (first in {file}:{line})").format(
                    kind=rec.kind, id=rec.id, other=other, file=first.file, line=first.line)))
                continue
            table[rec.id] = rec
            records.docs[key] = where
    if not problems and not files:
        problems.append(Problem(".", 1, 1, "no *.yaml or *.yml files found"))
    if problems:
        raise InputError(problems)
    for i in records.internships.values():
        if i.student not in records.students:
            at = records.locate("internship", i.id, "student")
            records.warnings.append(Problem(at.file, at.line, at.column,
                                            f"internship '{i.id}': student '{i.student}' is not among the "
                                            "loaded records (give the file that holds it)"))
    return records
