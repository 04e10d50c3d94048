"""The permit application as the immigration counter reads it (別記第二十八号様式): 申請先, the 取次者 block,
the school's phone, the permission applied for, one bilingual form, and refusals for who needs no permit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.renderers.form.fields import fields
from tests.pdf_helpers import text_of
from tests.rules_fixtures import FOREIGN, merged

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-01"


def ceri(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def flat(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(scope="module")
def application(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("permit") / "application.pdf"
    r = ceri("render", "permit-application", "examples", "--student", "23DB0012", "--internship", "CERI-2026-001",
             "--as-of", AS_OF, "-o", out)
    assert r.returncode == 0, r.stderr
    return out


def test_addressed_to_the_bureau_head_not_the_minister(application):
    text = flat(text_of(application))
    assert "東京出入国在留管理局長 殿" in text  # Kanagawa files at the Yokohama branch, for the Tokyo bureau's head
    assert "To the Director General of the Tokyo Regional Immigration Services Bureau" in text
    assert "法務大臣" not in text and "Minister of Justice" not in text
    assert "出入国管理及び難民認定法第19条第2項" in text


def test_items_declaration_signature_and_agent_block(application):
    text = flat(text_of(application))
    for label in ("国籍・地域", "生年月日", "氏名", "性別", "配偶者の有無", "職業", "住居地", "旅券", "在留カード番号",
                  "他に従事しようとする活動の内容", "勤務先", "法定代理人", "以上の記載内容は事実と相違ありません",
                  "署名", "作成年月日", "取次者", "所属機関等"):
        assert label in text, label
    # the 取次者 block from examples/institution.yaml `agent:`, the school's phone from `phone:`
    assert "葉山 花子 / Hanako HAYAMA" in text and "総合研究大学院大学 学務課" in text and "046-858-1525" in text
    assert "046-858-1500" in text
    assert len(PdfReader(application).pages) == 1


def test_the_permission_applied_for_agrees_with_check(application):
    form = fields(PdfReader(application))
    assert form["permission"].attr("/V") == "/individual"  # 38.75 h/week: over the 28 of comprehensive


def test_lang_is_refused_not_ignored(tmp_path):
    for lang in ("ja", "en"):
        out = tmp_path / f"{lang}.pdf"
        r = ceri("render", "permit-application", "examples", "--student", "23DB0012", "--lang", lang, "-o", out)
        assert r.returncode == 2 and "one bilingual form" in r.stderr and "--lang ja+en" in r.stderr, r.stderr
        assert not out.exists()
    r = ceri("render", "permit-application", "examples", "--student", "23DB0012", "--lang", "ja+en",
             "-o", tmp_path / "both.pdf")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(("student", "internship", "status"), [
    ("22DA0101", "CERI-2026-002", "Japanese national"),
    ("23DB0044", "CERI-2026-005", "permanent_resident"),
])
@pytest.mark.parametrize("doc", ["permit-application", "permit-checklist"])
def test_no_permit_needed_is_refused_with_the_reason(tmp_path, doc, student, internship, status):
    out = tmp_path / "x.pdf"
    r = ceri("render", doc, "examples", "--student", student, "--internship", internship, "-o", out)
    assert r.returncode == 2 and "no work permit (資格外活動許可) is needed" in r.stderr and status in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


def test_japanese_national_with_a_residence_block_needs_no_permit(tmp_path):
    import yaml

    from tests.rules_fixtures import INTERNSHIP, STUDENT

    student = merged(STUDENT, merged(FOREIGN, {"nationality": "JP"}))
    (tmp_path / "r.yaml").write_text(yaml.safe_dump_all([student, INTERNSHIP], allow_unicode=True), "utf-8")
    r = ceri("render", "permit-application", tmp_path / "r.yaml", "--student", "S1", "-o", tmp_path / "x.pdf")
    assert r.returncode == 2 and "Japanese national" in r.stderr


def _records(tmp_path: Path, internship: dict) -> Path:
    import yaml

    from tests.rules_fixtures import INTERNSHIP, STUDENT

    path = tmp_path / "r.yaml"
    docs = [merged(STUDENT, FOREIGN), merged(INTERNSHIP, internship)]
    path.write_text(yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize(("internship", "ja", "en", "kind"), [
    ({"hours_per_week": "25", "work_permit": {"kind": "comprehensive", "granted_on": "2025-05-01"}},
     "許可された包括許可の範囲内です", "Covered by the comprehensive permission granted on", "comprehensive"),
    ({"hours_per_week": "25"}, "週28時間以内のため包括許可で足ります", "28 hours a week or less: comprehensive permission",
     "comprehensive"),
    ({"hours_per_week": "38.75"}, "個別許可を申請してください", "apply for individual permission", "individual"),
])
def test_checklist_and_application_agree_with_check(tmp_path, internship, ja, en, kind):
    records = _records(tmp_path, internship)
    checklist, form = tmp_path / "c.pdf", tmp_path / "f.pdf"
    r = ceri("render", "permit-checklist", records, "--student", "S1", "--as-of", AS_OF, "-o", checklist)
    assert r.returncode == 0, r.stderr
    text = flat(text_of(checklist))
    assert ja in text.replace(" ", "") and en in text  # Japanese wraps anywhere: compared without spaces
    r = ceri("render", "permit-application", records, "--student", "S1", "--as-of", AS_OF, "-o", form)
    assert r.returncode == 0, r.stderr
    assert fields(PdfReader(form))["permission"].attr("/V") == f"/{kind}"
    r = ceri("check", records, "--as-of", AS_OF, "--format", "json")
    import json

    (f,) = [x for x in json.loads(r.stdout) if x["code"] == "permit-required"]
    assert f["data"]["permission"] == kind and f["severity"] == "info"
