"""What a Word template sees: the shared template context plus a few names for documents, and the
sandboxed, autoescaping Jinja environment it is rendered in."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jinja2 import pass_context
from jinja2.sandbox import SandboxedEnvironment

from pipeline.context.formatting import birth_date, format_date
from pipeline.context.jinja import environment
from pipeline.context.labels import _labels, label
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.records.chars import describe
from pipeline.renderers import RenderRequest, documents

BASE_NAMES = ("student", "internship", "internships", "institution", "today", "year")
# Added here: lang, title, labels (templates/labels.yaml in lang), serial (certificate number, when the
# register gives one) and return_by (when the company should return its evaluation form).
EXTRA_NAMES = ("lang", "title", "labels", "serial", "return_by")
RETURN_DAYS = 14  # the company returns its evaluation within two weeks of the end (or of the letter)
XML_FORBIDDEN = {c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0xFFFE, 0xFFFF}


def docx_context(request: RenderRequest, lang: str | None = None) -> dict[str, Any]:
    """The shared context (student, internship, …) plus the names in EXTRA_NAMES, for one language."""
    lang = lang or request.lang
    ctx = dict(request.context)
    internship = ctx.get("internship")
    kind = documents().get(request.doc)
    ctx.update(
        lang=lang,
        title=_title(kind.title, lang) if kind else "",
        labels={key: label(key, lang) for key in _labels()},
        serial=request.options.get("serial"),
        return_by=return_by(internship.period.end, ctx["today"]) if internship is not None else None,
    )
    return ctx


def return_by(end: date, today: date) -> date:
    """Two weeks after the internship ends, or after the letter is sent if that is later."""
    return max(end, today) + timedelta(days=RETURN_DAYS)


def _title(title: dict[str, str], lang: str) -> str:
    return f"{title['ja']} / {title['en']}" if lang == "ja+en" else title[lang]


@pass_context
def _date(ctx, value: date | None) -> str:
    """A date as this document shows it: era or Western (institution.date_style) in Japanese."""
    if value is None:
        return ""
    style = ctx["institution"].date_style
    lang = ctx.get("lang", "ja")
    if lang == "ja+en":
        return f"{format_date(value, 'ja', style)} / {format_date(value, 'en')}"
    return format_date(value, lang, style)


@pass_context
def _birth_date(ctx, student: Any) -> str:
    """{{ student | birth_date }}: a foreign national's in the Western calendar (as on the passport), a
    Japanese national's by institution.date_style."""
    style = ctx["institution"].date_style
    lang = ctx.get("lang", "ja")
    if lang == "ja+en":
        return (f"{birth_date(student.birth_date, student.nationality, 'ja', style)} / "
                f"{birth_date(student.birth_date, student.nationality, 'en')}")
    return birth_date(student.birth_date, student.nationality, lang, style)


def _finalize(value: Any) -> Any:
    """None prints as nothing; characters a Word file cannot hold are refused, never dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        for ch in value:
            if ord(ch) in XML_FORBIDDEN:
                raise RenderError(_("the value {value} holds {char}, which a Word document cannot hold").format(
                    value=repr(value), char=describe(ch)))
    return value


def docx_environment() -> SandboxedEnvironment:
    """The shared sandbox with StrictUndefined and our filters, autoescaping for XML, plus `date`."""
    env = environment(autoescape=True)
    env.filters["date"] = _date
    env.filters["birth_date"] = _birth_date
    env.finalize = _finalize
    return env


def available_names() -> tuple[str, ...]:
    return BASE_NAMES + EXTRA_NAMES
