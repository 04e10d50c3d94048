"""Small records for rule tests: one student and their internships, written as YAML to tmp_path."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from pipeline.records import Records, load

STUDENT = {
    "kind": "student", "id": "S1",
    "name": {"family": "TANAKA", "given": "Yui"},
    "sex": "female", "birth_date": "1998-01-01", "nationality": "JP",
    "email": "yui@example.ac.jp",
    "address": {"postal_code": "240-0193", "prefecture": "Kanagawa", "ja": "神奈川県葉山町", "en": "Hayama"},
    "program": {"name_ja": "情報学コース", "name_en": "Informatics", "institute_ja": "国立情報学研究所",
                "institute_en": "NII", "degree": "doctoral", "course": "five-year", "year": 3,
                "enrolled_on": "2023-04-01", "expected_completion_on": "2028-03-31"},
    "supervisor": {"name_ja": "佐々木 一郎", "name_en": "Ichiro SASAKI"},
    "insurance": {"gakkensai": True, "gakkenbai": True},
}

INTERNSHIP = {
    "kind": "internship", "id": "I1", "student": "S1",
    "company": {"name_ja": "株式会社テスト", "name_en": "Test Inc.", "address_ja": "東京都", "address_en": "Tokyo",
                "phone": "03-1234-5678", "industry_ja": "情報通信業", "industry_en": "ICT"},
    "title_ja": "研究インターン", "title_en": "Research Intern", "duties_ja": "研究", "duties_en": "Research",
    "workplace": {"address_ja": "東京都", "address_en": "Tokyo", "outside_parent_institute": True},
    "period": {"start": "2026-07-01", "end": "2026-09-30"},
    "hours_per_week": "38.75",
    "pay": {"amount": 300000, "per": "month"},
    "credits": 2,
    "steps": {"supervisor_approved_on": "2026-04-01", "applied_on": "2026-04-10"},
}

FOREIGN = {"nationality": "VN", "residence": {
    "status": "student", "expires_on": "2028-03-31", "card_number": "AB12345678CD",
    "passport": {"number": "C1234567", "expires_on": "2030-01-01"}}}


DROP = object()  # an override value that removes the key


def merged(base: dict, over: dict) -> dict:
    """base with over applied recursively; a value of DROP removes the key."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is DROP:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def write_records(tmp_path: Path, student: dict | None = None, *internships: dict,
                  with_student: bool = True) -> Records:
    """Load one student (STUDENT with overrides) and internships (INTERNSHIP with overrides; one by default)."""
    docs = [merged(STUDENT, student or {})] if with_student else []
    for k, over in enumerate(internships or ({},)):
        docs.append(merged(INTERNSHIP, {"id": f"I{k + 1}", **over}))
    path = tmp_path / "records.yaml"
    path.write_text(yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False), "utf-8")
    return load([path])
