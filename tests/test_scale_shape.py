"""The per-student views of a batch cost O(students), not O(students²): counted, not timed.

Each view runs on N and on 4N synthetic students with instrumented records and findings: every read of
a finding's student id (compared, hashed or ordered) and every look-up in or walk over the records'
tables is counted. A linear view makes about 4 times the count for 4 times the students; a loop that
scans all findings or all records once per student makes about 16 times (at N = 32 students with some
2.4 findings each, such a scan alone is 2,400 reads at N and 37,000 at 4N), and fails here.

benchmarks/bench_scale.py measures the time and memory the same views take at up to 50,000 students.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from benchmarks.synth import generate
from pipeline.cli.check import as_text, json_chunks, text_blocks
from pipeline.cli.status import text_chunks as status_text
from pipeline.desk.board import as_xlsx as status_xlsx
from pipeline.desk.board import json_chunks as status_json
from pipeline.desk.status import each_row
from pipeline.desk.status import rows as status_rows
from pipeline.pack.batch import plan
from pipeline.pack.build import PackOptions
from pipeline.pack.jsps import fellows
from pipeline.records import Records, load
from pipeline.roster.workbook import build as roster_workbook
from pipeline.rules import Finding, FindingIndex, check, check_each

AS_OF = date(2026, 6, 1)
N = 32  # a multiple of synth's 8 kinds of student, so N and 4N have the same mix
GROWTH_LIMIT = 6  # linear: about 4; n log n sorting at these sizes: under 5.6; quadratic: about 16


class CountedId(str):
    """A student id that counts each time it is compared, hashed or ordered."""

    counter: Counter

    def __eq__(self, other: object) -> bool:
        self.counter["finding.student"] += 1
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        self.counter["finding.student"] += 1
        return str.__hash__(self)

    def __lt__(self, other: str) -> bool:
        self.counter["finding.student"] += 1
        return str.__lt__(self, other)


class CountedTable(dict):
    """records.students / records.internships, counting look-ups and every item a walk visits."""

    counter: Counter

    def _walk(self, items):
        for item in items:
            self.counter["records"] += 1
            yield item

    def __iter__(self):
        return self._walk(dict.__iter__(self))

    def keys(self):
        return self._walk(dict.keys(self))

    def values(self):
        return self._walk(dict.values(self))

    def items(self):
        return self._walk(dict.items(self))

    def __getitem__(self, key):
        self.counter["records"] += 1
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self.counter["records"] += 1
        return dict.get(self, key, default)

    def __contains__(self, key) -> bool:
        self.counter["records"] += 1
        return dict.__contains__(self, key)


def instrumented(records: Records, findings: list[Finding], counter: Counter) -> tuple[Records, list[Finding]]:
    """The same records and findings, counting; one id object per student, as check() makes them."""
    tables = {name: type(f"Counted{name}", (CountedTable,), {"counter": counter})(getattr(records, name))
              for name in ("students", "internships")}
    counted = dataclasses.replace(records, **tables)
    ident = type("Id", (CountedId,), {"counter": counter})
    ids: dict[str, CountedId] = {}
    return counted, [dataclasses.replace(f, student=ids.setdefault(f.student, ident(f.student))) for f in findings]


# The views of a batch that are made per student. Each gets (records, findings) and may return anything.
# A new view of the whole batch (a board, an export, a report) belongs here.
VIEWS: list[tuple[str, Callable[[Records, list[Finding]], object]]] = [
    ("check --format text", lambda records, findings: as_text(findings, records, "en")),
    ("check --format text, streamed", lambda records, _findings: "\n".join(text_blocks(  # as the command does
        check_each(records, AS_OF), records, "en"))),
    ("check --format json", lambda records, _findings: "".join(json_chunks(  # as the command streams it
        f for _, mine in check_each(records, AS_OF) for f in mine))),
    ("FindingIndex by internship", lambda records, findings: (lambda index: [
        index.about(i.student, i.id) for i in records.internships.values()])(FindingIndex(findings))),
    ("desk status rows", lambda records, findings: status_rows(records, AS_OF, findings)),
    ("status --format text, streamed", lambda records, _findings: "".join(status_text(  # as the command does
        each_row(records, AS_OF), "en"))),
    ("status --format json, streamed", lambda records, _findings: "".join(status_json(each_row(records, AS_OF)))),
    ("status --format xlsx", lambda records, _findings: status_xlsx(each_row(records, AS_OF), "en")),
    ("roster export", lambda records, _findings: roster_workbook(records)),
    ("rules.check", lambda records, _findings: check(records, AS_OF)),
    ("pack plan", lambda records, _findings: plan(records, Path("unused"), PackOptions(as_of=AS_OF))),
    ("jsps-report fellows", lambda records, _findings: fellows(records, 2026)),
]


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> dict[int, tuple[Records, list[Finding]]]:
    out = {}
    for n in (N, 4 * N):
        folder = tmp_path_factory.mktemp(f"students{n}")
        generate(folder, n)
        records = load([folder])
        out[n] = records, check(records, AS_OF)
    return out


def reads(view: Callable[[Records, list[Finding]], object], records: Records, findings: list[Finding]) -> int:
    counter: Counter = Counter()
    counted, counted_findings = instrumented(records, findings, counter)
    view(counted, counted_findings)
    return sum(counter.values())


@pytest.mark.parametrize(("name", "view"), VIEWS, ids=[name for name, _ in VIEWS])
def test_view_reads_grow_linearly_with_students(batches, name, view):
    small, big = (reads(view, *batches[n]) for n in (N, 4 * N))
    assert small > 0, f"{name}: the instrumented records and findings were not used"
    assert big <= GROWTH_LIMIT * small, (
        f"{name}: {small} reads for {N} students, {big} for {4 * N}: {big / small:.1f}x for 4x the students "
        "(a scan over all findings or records per student?)")


def test_a_scan_per_student_fails_the_check(batches):
    """The guard itself: the loop as_text had before (every finding compared with every student id)."""
    def quadratic(records: Records, findings: list[Finding]) -> object:
        return [[f for f in findings if f.student == sid] for sid in sorted(records.students)]

    small, big = (reads(quadratic, *batches[n]) for n in (N, 4 * N))
    assert big > GROWTH_LIMIT * small


def test_the_streamed_table_is_the_table(batches):
    """`ceri check` prints the table a student at a time (rows wait in a temporary file until the
    columns' widths are known): the same text as as_text of all the findings, in both languages."""
    records, findings = batches[4 * N]
    for lang in ("en", "ja"):
        streamed = "\n".join(text_blocks(check_each(records, AS_OF), records, lang))
        assert streamed == as_text(findings, records, lang)
    some = ["S00003", "S00010"]
    assert "\n".join(text_blocks(check_each(records, AS_OF, some), records, "en")) == \
        as_text([f for f in findings if f.student in some], records, "en", some)


def test_the_streamed_board_is_the_board(batches):
    """`ceri status` makes each student's findings as their rows are written (check_each), instead of
    holding the batch's: the same rows as from all the findings at once, filtered alike."""
    records, findings = batches[4 * N]
    assert list(each_row(records, AS_OF)) == status_rows(records, AS_OF, findings)
    for options in ({"owner": "company"}, {"step": 11}, {"overdue": True}, {"students": ["S00003", "S00010"]}):
        assert list(each_row(records, AS_OF, **options)) == status_rows(records, AS_OF, findings, **options)
