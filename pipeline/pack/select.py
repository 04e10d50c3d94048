"""Which documents apply to one internship, decided from the records, the stage it has reached on the
pack's date, and the rules' findings: papers already settled are not made again (no blank evaluation
form once the evaluation is in, no permit application once a permit that covers it is granted)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from pipeline import renderers
from pipeline.records import Internship, Student
from pipeline.rules.permits import needs_permit, permission

LANG_CHOICES = ("ja", "en", "ja+en", "all")
ALL_LANGS = ("ja", "en", "ja+en")


def languages(choice: str) -> tuple[str, ...]:
    """`all` is every variant a document comes in: Japanese, English and bilingual."""
    return ALL_LANGS if choice == "all" else (choice,)


def _known(day: date | None, as_of: date | None) -> bool:
    """A dated fact is known on the pack's date (no date: every fact recorded is)."""
    return day is not None and (as_of is None or day <= as_of)


def evaluated(internship: Internship, as_of: date | None = None) -> bool:
    """The company's evaluation is in (read back, received by the pack's date)."""
    ev = internship.evaluation
    return ev is not None and _known(ev.received_on, as_of)


def permit_settled(student: Student, internship: Internship, as_of: date | None = None) -> bool:
    """A permit covering the internship was granted by the pack's date: nothing to apply for."""
    need = permission(student, internship)
    wp = internship.work_permit
    return need is not None and need.covered and wp is not None and _known(wp.granted_on, as_of)


def _needs_permit(student: Student, internship: Internship, codes: set[str], as_of: date | None) -> bool:
    # the record decides, by the rule `check` applies (rules/permits.py)
    return needs_permit(student) and not permit_settled(student, internship, as_of)


# (document, format, applies?) in the order the documents appear in the pack and in pack.pdf
RULES: tuple[tuple[str, str, Callable[[Student, Internship, set[str], date | None], bool]], ...] = (
    ("enrollment-certificate", "pdf", lambda s, i, c, d: True),
    ("internship-certificate", "pdf", lambda s, i, c, d: True),
    ("permit-checklist", "pdf", _needs_permit),
    ("permit-application", "pdf", _needs_permit),
    ("evaluation-form", "pdf", lambda s, i, c, d: not evaluated(i, d)),
    ("evaluation-request", "docx", lambda s, i, c, d: not evaluated(i, d)),
    ("evaluation-certificate", "pdf", lambda s, i, c, d: evaluated(i, d)),
    ("grading-sheet", "pdf", lambda s, i, c, d: evaluated(i, d)),
)


@dataclass(frozen=True)
class Wanted:
    """One document the pack should hold; `missing` says why it cannot be made yet (else None)."""

    doc: str
    fmt: str
    missing: str | None

    def file(self, lang: str) -> str:
        return f"{self.doc}.{lang}.{self.fmt}"


def select(student: Student, internship: Internship, finding_codes: Iterable[str] = (),
           as_of: date | None = None) -> list[Wanted]:
    """The documents of this internship's pack on the date as_of (None: every fact recorded is known),
    each marked available or missing (never faked)."""
    codes = set(finding_codes)
    kinds = renderers.documents()  # looked up at call time: tests register stand-in renderers
    out = []
    for doc, fmt, applies in RULES:
        if not applies(student, internship, codes, as_of):
            continue
        if doc not in kinds:
            missing = "document kind not declared in templates/documents.yaml"
        elif fmt not in kinds[doc].renderers:
            missing = f"no {fmt} renderer for {doc} yet"
        else:
            missing = None
        out.append(Wanted(doc, fmt, missing))
    return out


# Who each zip of `ceri pack --zip` is for, and the documents it holds (internal files — findings.json,
# manifest.json, pack.pdf — never go into a zip meant for someone outside the university).
RECIPIENTS: dict[str, tuple[str, ...]] = {
    # what the student takes to the immigration bureau (and the checklist of what to bring)
    "immigration": ("permit-checklist", "permit-application", "enrollment-certificate", "internship-certificate"),
    # the host company: the evaluation form and the letter asking for it; then the certificate to stamp
    "company": ("evaluation-request", "evaluation-form", "evaluation-certificate"),
}
# a zip goes out only when it holds one of these (certificates alone are no errand to the bureau)
RECIPIENT_NEEDS: dict[str, tuple[str, ...]] = {
    "immigration": ("permit-application",),
    "company": ("evaluation-request", "evaluation-form", "evaluation-certificate"),
}


def stage(student: Student, internship: Internship, as_of: date) -> str:
    """Where the internship stands on as_of, for the cover sheet: a key of templates/cover-sheet.*.yaml."""
    if internship.grading is not None:
        return "graded"
    if evaluated(internship, as_of):
        return "evaluated"
    start, end = internship.period.start, internship.period.end
    if as_of > end:
        return "awaiting_evaluation"
    if as_of >= start:
        return "in_progress"
    if needs_permit(student) and not permit_settled(student, internship, as_of):
        return "awaiting_permit"
    return "preparing"
