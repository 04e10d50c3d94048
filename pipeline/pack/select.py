"""Which documents apply to one internship, decided from the records and the rules' findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline import renderers
from pipeline.records import Internship, Student
from pipeline.rules.permits import needs_permit

LANG_CHOICES = ("ja", "en", "ja+en", "all")
ALL_LANGS = ("ja", "en", "ja+en")


def languages(choice: str) -> tuple[str, ...]:
    """`all` is every variant a document comes in: Japanese, English and bilingual."""
    return ALL_LANGS if choice == "all" else (choice,)


def _needs_permit(student: Student, _internship: Internship, codes: set[str]) -> bool:
    # the record decides, by the rule `check` applies (rules/permits.py)
    return needs_permit(student)


# (document, format, applies?) in the order the documents appear in the pack and in pack.pdf
RULES: tuple[tuple[str, str, Callable[[Student, Internship, set[str]], bool]], ...] = (
    ("enrollment-certificate", "pdf", lambda s, i, c: True),
    ("internship-certificate", "pdf", lambda s, i, c: True),
    ("permit-checklist", "pdf", _needs_permit),
    ("permit-application", "pdf", _needs_permit),
    ("evaluation-form", "pdf", lambda s, i, c: True),
    ("evaluation-request", "docx", lambda s, i, c: True),
    ("evaluation-certificate", "pdf", lambda s, i, c: i.evaluation is not None),
)


@dataclass(frozen=True)
class Wanted:
    """One document the pack should hold; `missing` says why it cannot be made yet (else None)."""

    doc: str
    fmt: str
    missing: str | None

    def file(self, lang: str) -> str:
        return f"{self.doc}.{lang}.{self.fmt}"


def select(student: Student, internship: Internship, finding_codes: Iterable[str] = ()) -> list[Wanted]:
    """The documents of this internship's pack, each marked available or missing (never faked)."""
    codes = set(finding_codes)
    kinds = renderers.documents()  # looked up at call time: tests register stand-in renderers
    out = []
    for doc, fmt, applies in RULES:
        if not applies(student, internship, codes):
            continue
        if doc not in kinds:
            missing = "document kind not declared in templates/documents.yaml"
        elif fmt not in kinds[doc].renderers:
            missing = f"no {fmt} renderer for {doc} yet"
        else:
            missing = None
        out.append(Wanted(doc, fmt, missing))
    return out
