"""STAND-IN for the rules issue (replaced at merge): the API the pack builds on, and nothing else."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | warning | info
    student: str
    internship: str | None
    message_en: str
    message_ja: str
    clause: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check(records, as_of: date) -> list[Finding]:
    return []
