"""The step model: which of the guide's 12 steps an internship has reached, and what is to be done next.

steps.yaml declares the steps (names in ja/en), the owners and one action per thing to do; this module
reads an internship's dates (pipeline.rules.flow, shared with the rules) and gives a Case: the step the
case is at, its pending actions (most urgent first) and whether the first of them is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources

import yaml

from pipeline.records.models import Internship, Student
from pipeline.rules import flow
from pipeline.rules.catalog import LANGS, localised

COMPLETE = 13  # the step number of a case with nothing left to do (after step 12)


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    done: tuple[str, ...]
    en: str
    ja: str

    def name(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Action:
    """One thing someone must do for a case: what (the date it records), who, by when, in both languages."""

    key: str            # the date field it records (contract_checked_on …), or start / in_progress / complete
    step: int
    owner: str | None   # a key of steps.yaml `owners:`; None once the case is complete
    due: date | None
    en: str
    ja: str

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def overdue(self, as_of: date) -> bool:
        return self.due is not None and as_of > self.due


@dataclass(frozen=True)
class Case:
    """Where one internship stands on as_of."""

    student: str
    internship: str
    step: int                     # 1–12: the step the case is at; COMPLETE when graded
    actions: tuple[Action, ...]   # pending, most urgent first (earliest due, then by step)
    as_of: date

    @property
    def next(self) -> Action:
        return self.actions[0]

    @property
    def complete(self) -> bool:
        return self.step == COMPLETE

    @property
    def overdue(self) -> bool:
        return self.next.overdue(self.as_of)


@cache
def _data() -> dict:
    return yaml.safe_load(resources.files("pipeline.desk").joinpath("steps.yaml").read_text("utf-8"))


@cache
def steps() -> tuple[Step, ...]:
    """The 12 steps, in order."""
    return tuple(Step(s["number"], s["key"], tuple(s["done"]), s["en"], s["ja"]) for s in _data()["steps"])


def step_name(number: int, lang: str) -> str:
    return _data()["complete"][lang] if number == COMPLETE else steps()[number - 1].name(lang)


def column(key: str, lang: str) -> str:
    """A column header of the status table."""
    return _data()["columns"][key][lang]


def owners() -> dict[str, dict[str, str]]:
    """Owner key → {'en', 'ja'} label."""
    return dict(_data()["owners"])


def owner_label(owner: str | None, lang: str) -> str:
    return owners()[owner][lang] if owner else ""


@lru_cache(maxsize=4096)  # babel takes ~0.1 ms a date, and a board's dates repeat
def _day(d: date, lang: str) -> str:
    return localised(d, lang)


def _due(name: str | None, i: Internship, student: Student | None, as_of: date) -> date | None:
    if name is None:
        return None
    if name == "contract_due":
        return flow.permit_apply_by(i) if flow.needs_permit(student) else i.period.start
    return {"start": lambda: i.period.start, "end": lambda: i.period.end,
            "next_briefing": lambda: flow.next_briefing(as_of),
            "permit_apply_by": lambda: flow.permit_apply_by(i),
            "return_by": lambda: flow.evaluation_return_by(i), "grade_due": lambda: flow.grade_due(i)}[name]()


def _action(key: str, step: int, i: Internship, student: Student | None, as_of: date) -> Action:
    raw = _data()["actions"][key]
    due = _due(raw["due"], i, student, as_of)
    texts = {lang: raw[lang].format(due=_day(due, lang) if due else "") for lang in LANGS}
    return Action(key, step, raw["owner"], due, texts["en"], texts["ja"])


def reached(i: Internship, when: dict[str, date | None] | None = None) -> int:
    """The highest step whose dates are all recorded (0: none); `when`: flow.dates(i), if at hand."""
    when = when if when is not None else flow.dates(i)
    best = 0
    for s in steps():
        done = flow.is_graded(i) if s.key == "grading" else all(when[d] for d in s.done)
        if done:
            best = s.number
    return best


def _step_actions(step: int, i: Internship, student: Student | None, as_of: date,
                  when: dict[str, date | None]) -> list[Action]:
    """What remains of the step the case is at."""
    if step == 11:
        if as_of < i.period.start:
            return [_action("start", 11, i, student, as_of)]
        if as_of <= i.period.end:
            key = "in_progress" if when["evaluation_requested_on"] else "evaluation_requested_on"
            return [_action(key, 11, i, student, as_of)]
        return [_action("evaluation_received_on", 11, i, student, as_of)]
    if step == 12:
        return [_action("graded_on", 12, i, student, as_of)]
    # step 9: the contract is checked once signed; the implementation contract runs alongside
    missing = [d for d in steps()[step - 1].done if not when[d]]
    if step == 9 and "contract_signed_on" in missing and "contract_checked_on" in missing:
        missing.remove("contract_checked_on")
    return [_action(d, step, i, student, as_of) for d in missing]


def _permit_actions(i: Internship, student: Student | None, as_of: date,
                    when: dict[str, date | None]) -> list[Action]:
    """The work permit runs beside steps 9–11 for a student with status 'Student', once the contract
    (a required document) is signed, until the internship ends."""
    if not flow.needs_permit(student) or when["permit_granted_on"] or not when["contract_signed_on"] \
            or as_of > i.period.end:
        return []
    key = "permit_granted_on" if when["permit_applied_on"] else "permit_applied_on"
    return [_action(key, 9, i, student, as_of)]


def case_of(i: Internship, student: Student | None, as_of: date) -> Case:
    """The case of one internship on as_of (student None: the internship names a student not loaded)."""
    when = flow.dates(i)
    done = reached(i, when)
    if done == 12:
        return Case(i.student, i.id, COMPLETE, (_action("complete", 12, i, student, as_of),), as_of)
    step = done + 1
    actions = _step_actions(step, i, student, as_of, when) + _permit_actions(i, student, as_of, when)
    actions.sort(key=lambda a: (a.due is None, a.due or date.min, a.step))
    return Case(i.student, i.id, step, tuple(actions), as_of)
