"""The roster's columns: pipeline/data/roster.yaml (header ↔ record field) joined with the records' schema.

What a column takes (a date, true/false, a choice, a number, free text) is read from the pydantic models, so
a new field or a new choice in the records needs no second declaration here."""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel

from pipeline.records import types as rtypes
from pipeline.records.models import Internship, Student
from pipeline.records.places import prefectures

Path = tuple[str, ...]
KINDS = ("student", "internship")
# how a value is typed: "date", "flag", "whole", "number", "choice", "code" (ids, codes, e-mail: normalised
# NFKC), "text" (free text, kept as typed), "payments" (one 'YYYY-MM-DD amount' per line)
_BY_PARSER = {rtypes.parse_date: "date", rtypes.parse_bool: "flag", rtypes.parse_whole: "whole",
              rtypes.parse_number: "number", rtypes.parse_prefecture: "choice", rtypes.parse_id: "code",
              rtypes.parse_country: "code"}


@dataclass(frozen=True)
class Column:
    record: str  # student | internship
    path: Path  # inside the record
    ja: str
    en: str
    note_ja: str
    note_en: str
    type: str
    choices: tuple[str, ...] = ()
    ja_words: tuple[tuple[str, str], ...] = ()  # Japanese a person may type → the record's word

    def suggestion(self, typed: str) -> str | None:
        """The record's word for what was typed in Japanese ('留学' → 'student'), if any."""
        return dict(self.ja_words).get(typed)

    @property
    def key(self) -> str:
        """student.address.prefecture: how docs and messages name the column."""
        return ".".join((self.record, *self.path))

    @property
    def header(self) -> str:
        """The header the template and export write: both languages."""
        return f"{self.ja} / {self.en}"

    @property
    def header_forms(self) -> tuple[str, ...]:
        return (self.ja, self.en, self.header, f"{self.ja}\n{self.en}", self.key)


def _unwrap(annotation: object) -> list[object]:
    """The alternatives of X | None, without None."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def field_type(model: type[BaseModel], path: Path) -> tuple[object, list[object]]:
    """The annotation and validator metadata of a field reached by path through nested models."""
    current: type[BaseModel] = model
    for n, step in enumerate(path):
        info = current.model_fields[step]
        annotation, metadata = info.annotation, list(info.metadata)
        inner = _unwrap(annotation)[0]
        if typing.get_origin(inner) is typing.Annotated:
            args = typing.get_args(inner)
            inner, metadata = args[0], metadata + list(args[1:])
        if n == len(path) - 1:
            return inner, metadata
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise ValueError(f"roster column {'.'.join(path)}: {step} is not a group of fields")
        current = inner
    raise ValueError("empty column path")


def _type_of(model: type[BaseModel], path: Path) -> tuple[str, tuple[str, ...]]:
    annotation, metadata = field_type(model, path)
    if typing.get_origin(annotation) is list:
        return "payments", ()
    if typing.get_origin(annotation) is typing.Literal:
        return "choice", tuple(typing.get_args(annotation))
    for meta in metadata:
        kind = _BY_PARSER.get(getattr(meta, "func", None))
        if kind == "choice":
            return kind, tuple(prefectures())
        if kind:
            return kind, ()
    # plain text validated by a pattern or a name rule (e-mail, phone, card number, roman names) is a code:
    # what an IME types full-width there is normalised; free text (Japanese names, duties) is kept as typed
    patterned = any(type(m).__name__ == "AfterValidator" for m in metadata)
    return ("code" if patterned else "text"), ()


@cache
def columns() -> tuple[Column, ...]:
    """Every column, students' first, in the order of pipeline/data/roster.yaml."""
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("roster.yaml").read_text("utf-8"))
    out = []
    for record, model in (("student", Student), ("internship", Internship)):
        for entry in data[record]:
            path = tuple(entry["path"].split("."))
            kind, choices = _type_of(model, path)
            kind = entry.get("type", kind)
            words = dict(entry.get("ja_words", {}))
            if kind == "flag":
                words = dict(data["flag_words"])
            elif choices == tuple(prefectures()):
                words = _prefecture_words()
            out.append(Column(record, path, entry["ja"], entry["en"], entry["note_ja"], entry["note_en"],
                              kind, choices, tuple((str(k), str(v)) for k, v in words.items())))
    return tuple(out)


def _prefecture_words() -> dict[str, str]:
    """神奈川県 and 神奈川 → Kanagawa (北海道 keeps its 道)."""
    words = {}
    for english, kanji in prefectures().items():
        words[kanji] = english
        if kanji != "北海道":
            words[kanji[:-1]] = english
    return words


def fold(header: str) -> str:
    """Headers compare after NFKC, whitespace collapsed and case folded (（英語） ≡ (英語), Email ≡ email)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", header)).strip().casefold()


@cache
def _by_header() -> dict[str, Column]:
    table: dict[str, Column] = {}
    for col in columns():
        for form in col.header_forms:
            table[fold(form)] = col
    return table


def find(header: str) -> Column | None:
    return _by_header().get(fold(header))


def suggest_header(header: str) -> str | None:
    """The nearest known header in the language the unknown one was written in."""
    folded = fold(header)
    candidates = {fold(form): form for col in columns() for form in (col.ja, col.en)}
    close = difflib.get_close_matches(folded, list(candidates), n=1, cutoff=0.6)
    return candidates[close[0]] if close else None
