"""Findings by student, made in one pass: what every per-student view of the findings (check's table,
the desk's status board, the pack plan, exports) looks up instead of scanning all findings per student.

A scan per student is quadratic: at 10,000 students `ceri check` spent 9 of its 20 seconds comparing
every finding with every student id. tests/test_scale_shape.py counts the reads these views make."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipeline.rules.catalog import SEVERITIES, Finding


class FindingIndex:
    """Findings grouped by student (in the order given), with the counts by severity.

    Building it reads each finding once; `of` and `of_internship` cost the size of their answer."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._by_student: dict[str, list[Finding]] = {}
        self.counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for f in findings:
            self.add(f)

    def add(self, finding: Finding) -> None:
        self._by_student.setdefault(finding.student, []).append(finding)
        self.counts[finding.severity] += 1

    def of(self, student: str) -> list[Finding]:
        """The student's findings (about the student and about each of their internships)."""
        return self._by_student.get(student, [])

    def of_internship(self, student: str, internship: str) -> list[Finding]:
        """The findings an internship's pack or status row shows: its own and the student-level ones."""
        return [f for f in self.of(student) if f.internship in (None, internship)]

    def students(self) -> Iterator[str]:
        """Students with at least one finding, in the order their first finding came."""
        return iter(self._by_student)

    def __len__(self) -> int:
        return sum(self.counts.values())

    @property
    def has_errors(self) -> bool:
        return self.counts["error"] > 0
