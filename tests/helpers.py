"""Shared test helpers: minimal valid records, and running the CLI as a user would."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# real third-party forms and templates, beside the checkout as ../shared/forms-wild (never copied in)
FORMS_WILD = ROOT.parent / "shared" / "forms-wild"

STUDENT = """\
kind: student
id: S001
name: {family: DOE, given: Jane}
sex: female
birth_date: 1996-04-12
nationality: VN
email: jane@example.ac.jp
address: {postal_code: 240-0193, prefecture: Kanagawa, ja: 神奈川県葉山町, en: "Hayama, Kanagawa"}
program:
  name_ja: 情報学コース
  name_en: Informatics Program
  institute_ja: 国立情報学研究所
  institute_en: National Institute of Informatics
  degree: doctoral
  course: five-year
  year: 3
  enrolled_on: 2023-04-01
  expected_completion_on: 2028-03-31
supervisor: {name_ja: 佐々木 一郎, name_en: Ichiro SASAKI}
residence:
  status: student
  expires_on: 2027-09-30
  card_number: AB12345678CD
insurance: {gakkensai: true, gakkenbai: true}
"""

INTERNSHIP = """\
kind: internship
id: I001
student: S001
company:
  name_ja: 株式会社サンプル
  name_en: Sample Inc.
  address_ja: 東京都千代田区
  address_en: Chiyoda, Tokyo
  phone: 03-1234-5678
  industry_ja: 情報通信業
  industry_en: Information and communications
title_ja: 研究インターン
title_en: Research Intern
duties_ja: 研究開発
duties_en: Research and development
workplace: {address_ja: 東京都千代田区, address_en: "Chiyoda, Tokyo"}
period: {start: 2026-07-01, end: 2026-09-30}
hours_per_week: 38.75
pay: {amount: 300000, per: month}
credits: 2
"""


def write(tmp_path: Path, text: str, name: str = "records.yaml", *, raw: bytes | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else textwrap.dedent(text).encode("utf-8"))
    return path


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def ceri(*args: str | Path) -> Result:
    """Run the CLI in this process (click's runner), capturing stdout and stderr apart."""
    from click.testing import CliRunner

    from pipeline.cli import main

    out = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Result(out.exit_code, out.stdout, out.stderr)


def invoke(*args: object):
    """Run the CLI in this process and give click's own Result (exit_code, output, stdout, stderr); an
    exception other than the exit is raised, so a traceback fails the test instead of hiding in the result."""
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(name="key")
def signing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo signing key made by `ceri keys init` for the examples' institution (import it as a fixture)."""
    monkeypatch.setenv("CERI_KEY_PASSPHRASE", "correct horse")
    result = invoke("keys", "init", "-o", tmp_path / "keys", "--records", EXAMPLES)
    assert result.exit_code == 0, result.output
    return tmp_path / "keys" / "signing.p12"


def ceri_process(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m pipeline ARGS` in a new process, exactly as a user would."""
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=timeout)
