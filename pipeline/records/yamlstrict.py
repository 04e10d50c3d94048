"""A strict YAML reader: every scalar is a string, every value keeps its FILE:LINE:COLUMN.

PyYAML's own loaders resolve types (YAML 1.1 turns `NO` into False and `012` into 10), follow aliases
and build objects from tags. We walk the parser's events instead and build plain dicts, lists and
strings, refusing tags, anchors, aliases and duplicate keys as we go, so hostile input fails fast.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from pipeline.errors import Problem
from pipeline.i18n import _

Path = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (about 20x faster, same events and marks)
_PARSER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
NULLS = {"", "~", "null", "Null", "NULL"}


class Mark(NamedTuple):  # a tuple: a batch's records hold hundreds of thousands
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Document:
    """One YAML document: its data and where each value (and each mapping key) stands."""

    file: str
    data: Any
    start: Mark
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def mark(self, path: Path, *, key: bool = False) -> Mark:
        """The mark of path's key (or value); falls back to the nearest enclosing value."""
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), self.start)

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        m = self.mark(path, key=key)
        return Problem(self.file, m.line, m.column, message)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a loaded record was read, light enough to keep for every record of a batch: its file's name,
    size and digest (shared by the file's documents), its place among them and the line it starts on.

    Neither the file's bytes nor its marks are kept: a message that needs a FILE:LINE:COLUMN reads the
    file again (messages about one file come together, so the last few files read are cached). Kept, the
    bytes of 50,000 students' files were 2 KiB a student, and their raw values and marks two thirds of
    their records' memory."""

    file: str
    size: int
    digest: bytes  # of the bytes read: a file changed since is noticed, not misread
    index: int  # among read_documents(file, raw)'s documents
    line: int  # where the record starts, for when the file has changed since

    @staticmethod
    def of(file: str, raw: bytes) -> tuple[int, bytes]:
        """The size and digest a Source keeps of a file's bytes."""
        return len(raw), hashlib.blake2b(raw, digest_size=16).digest()

    def document(self) -> Document | None:
        try:  # the file as it is now: a cached reading of it is good while it keeps its inode and mtime
            st = os.stat(self.file)
        except OSError:
            return None
        docs = _reread(self.file, self.size, self.digest, (st.st_ino, st.st_mtime_ns, st.st_size))
        return docs[self.index] if docs is not None and self.index < len(docs) else None

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        doc = self.document()
        if doc is None:
            # The file was changed, moved or deleted since ceri read it: its marks now belong to other
            # text, and pointing into it would mislead. The line the record started on, as it was read,
            # still says where to look (the record itself was validated from what was read then).
            return Problem(self.file, self.line, 1, message)
        return doc.problem(path, message, key=key)


@lru_cache(maxsize=4)  # messages about one file come together (a duplicate id, then its first place)
def _reread(file: str, size: int, digest: bytes, _stamp: tuple[int, int, int]) -> list[Document] | None:
    """The file's documents if it still holds the bytes that were loaded, else None."""
    try:
        with open(file, "rb") as f:
            raw = f.read(size + 1)  # a file that grew is not read whole: it has changed
    except OSError:
        return None
    if Source.of(file, raw) != (size, digest):
        return None
    return read_documents(file, raw)[0]


def _mark(m: yaml.Mark) -> Mark:
    return Mark(m.line + 1, m.column + 1)


_SCALAR, _SEQUENCE, _MAPPING = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
_SEQUENCE_END, _MAPPING_END = yaml.SequenceEndEvent, yaml.MappingEndEvent
MAX_DEPTH = 64  # records nest a few levels; a hostile file nests thousands (Python's stack holds ~1000 frames)


class _Composer:
    """Builds the documents from the parser's events, taken one by one from its get_event (a batch of
    a thousand records is some 200,000 events: no generator in between, the event's type compared
    rather than isinstance)."""

    def __init__(self, file: str, next_event: Callable[[], yaml.Event | None], problems: list[Problem]):
        self.file = file
        self.next = next_event
        self.problems = problems
        self.doc: Document | None = None
        self.anchors: set[str] = set()  # reported once each: a billion-laughs file is one message a line

    def report(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.file, mark.line, mark.column, message))

    def documents(self) -> list[Document]:
        docs = []
        while (ev := self.next()) is not None:
            if type(ev) is yaml.DocumentStartEvent:
                self.doc = Document(self.file, None, _mark(ev.start_mark))
                self.doc.data = self.node(self.next(), ())
                self.next()  # DocumentEndEvent
                docs.append(self.doc)
        return docs

    def node(self, ev: yaml.Event, path: Path) -> Any:
        assert self.doc is not None
        here = _mark(ev.start_mark)
        self.doc.values[path] = here
        kind = type(ev)
        if kind is yaml.AliasEvent:
            if ev.anchor not in self.anchors:
                self.report(here, f"aliases (*{ev.anchor}) are not allowed: write the value out")
            return None
        if ev.anchor is not None:
            self.anchors.add(ev.anchor)
            self.report(here, f"anchors (&{ev.anchor}) and aliases are not allowed: write each value out")
        if ev.tag not in (None, "!"):
            tag = ev.tag.replace("tag:yaml.org,2002:", "!!")
            self.report(here, f"YAML tags ({tag}) are not allowed: values are plain text")
        if kind in (_SEQUENCE, _MAPPING) and len(path) >= MAX_DEPTH:
            self.report(here, _("nested more than {limit} levels deep: records nest a few levels")
                        .format(limit=MAX_DEPTH))
            depth = 1
            while depth:  # skip the rest without recursing
                t = type(self.next())
                depth += (t is _SEQUENCE or t is _MAPPING) - (t is _SEQUENCE_END or t is _MAPPING_END)
            return None
        if kind is _SCALAR:
            plain = ev.implicit[0] and not ev.style  # libyaml says '' where PyYAML says None
            return None if plain and ev.value in NULLS else ev.value
        if kind is _SEQUENCE:
            items: list[Any] = []
            while type(ev := self.next()) is not _SEQUENCE_END:
                items.append(self.node(ev, (*path, len(items))))
            return items
        if kind is _MAPPING:
            return self.mapping(path)
        raise AssertionError(f"unexpected YAML event {ev!r}")

    def mapping(self, path: Path) -> dict[str, Any]:
        assert self.doc is not None
        mapping: dict[str, Any] = {}
        keys = self.doc.keys
        while type(ev := self.next()) is not _MAPPING_END:
            key_mark = _mark(ev.start_mark)
            if type(ev) is not _SCALAR:
                self.report(key_mark, "keys must be plain names")
                self.node(ev, (*path, "?"))
                self.node(self.next(), (*path, "?"))
                continue
            key = ev.value
            if ev.tag not in (None, "!") or ev.anchor is not None:
                self.report(key_mark, "YAML tags and anchors are not allowed on keys")
            at = (*path, key)
            if key in mapping:
                self.report(key_mark, f"duplicate key '{key}' (first at line {keys[at].line})")
                self.node(self.next(), (*path, key, "<duplicate>"))
                continue
            keys[at] = key_mark
            mapping[key] = self.node(self.next(), at)
        return mapping


def decode(file: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8 (with or without BOM) only; say clearly what else it is."""
    if not raw.strip():
        return None, [Problem(file, 1, 1, "empty file: expected a record with 'kind: student', "
                                          "'kind: internship' or 'kind: institution'")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [Problem(file, line, 1, "binary file, not YAML text")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "not UTF-8; save as UTF-8"
        for enc, name in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
            try:
                raw.decode(enc)
                hint = f"not UTF-8 (looks like {name}); save as UTF-8"
                break
            except UnicodeDecodeError:
                pass
        return None, [Problem(file, line, column, hint)]


def read_documents(file: str, raw: bytes) -> tuple[list[Document], list[Problem]]:
    """Parse every document of a file; syntax errors stop that file, other problems are collected."""
    text, problems = decode(file, raw)
    if text is None:
        return [], problems
    loader = _PARSER(text)
    try:
        docs = _Composer(file, loader.get_event, problems).documents()
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        where = _mark(m) if m else Mark(1, 1)
        problems.append(Problem(file, where.line, where.column, f"YAML syntax error: {exc.problem}"))
        return [], problems
    finally:
        loader.dispose()
    docs = [d for d in docs if d.data is not None]
    if not docs and not problems:
        problems.append(Problem(file, 1, 1, "empty file: expected a record with 'kind: student', "
                                            "'kind: internship' or 'kind: institution'"))
    return docs, problems
