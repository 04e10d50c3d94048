"""Findings by student and internship, made in one pass: what every per-student view of the findings
(check's table, the desk's status rows and reminders, the pack plan, exports) looks up instead of
scanning all findings per student or per internship.

A scan per student is quadratic: at 10,000 students `ceri check` spent 9 of its 20 seconds comparing
every finding with every student id. tests/test_scale_shape.py counts the reads these views make; the
other index of a batch is `Records.internships_of` (a student's internships, by start date)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipeline.rules.catalog import SEVERITIES, Finding

_ALL = object()


class FindingIndex:
    """Findings grouped by student, then by internship (None: about the student as a whole), in the
    order given, with the counts by severity. Building it reads each finding once; a look-up costs the
    size of its answer. `lookups` counts the look-ups by internship (tests count them)."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._by: dict[str, dict[str | None, list[Finding]]] = {}
        self.counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        self.lookups = 0
        for f in findings:
            self.add(f)

    def add(self, finding: Finding) -> None:
        self._by.setdefault(finding.student, {}).setdefault(finding.internship, []).append(finding)
        self.counts[finding.severity] += 1

    def of(self, student: str, internship: str | None | object = _ALL) -> list[Finding]:
        """The student's findings; given an internship, only those about it (None: only those about the
        student as a whole)."""
        groups = self._by.get(student, {})
        if internship is _ALL:
            return [f for group in groups.values() for f in group]
        self.lookups += 1
        return groups.get(internship, [])  # type: ignore[arg-type]

    def about(self, student: str, internship: str) -> list[Finding]:
        """What an internship's pack or status row shows: its findings, then the student's own."""
        return self.of(student, internship) + self.of(student, None)

    def students(self) -> Iterator[str]:
        """Students with at least one finding, in the order their first finding came."""
        return iter(self._by)

    def __len__(self) -> int:
        return sum(self.counts.values())
