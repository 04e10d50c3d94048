"""Users' own Word templates: checked before rendering, sandboxed, refused clearly, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_support import EXAMPLES, ROOT, make, texts, user_template

from pipeline.cli import main
from pipeline.errors import CeriError
from pipeline.renderers.docx.render import check_template

from helpers import FORMS_WILD

WILD = FORMS_WILD


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def render_args(out: Path, template: Path, *extra: str) -> list[str]:
    return ["render", "internship-certificate", str(EXAMPLES), "--student", "22DA0101", "--internship",
            "CERI-2026-003", "--format", "docx", "--as-of", "2026-12-15", "--template", str(template),
            "-o", str(out), *extra]


def test_a_users_template_renders_escaped_values(tmp_path):
    tpl = user_template(tmp_path / "mine.docx", "{{ labels.company }}: {{ internship.company.name_ja }}",
                        "{{ student.name | name_ja }} {{ internship.period.start | date }}",
                        "{% for i in internships %}{{ i.id }} {% endfor %}")
    out = tmp_path / "out.docx"
    result = cli(*render_args(out, tpl, "--lang", "ja"))
    assert result.exit_code == 0, result.output
    assert texts(out.read_bytes())[:3] == ["受入企業: AT&T <Japan> 株式会社", "髙橋 健太 令和8年9月1日",
                                          "CERI-2026-002 CERI-2026-003 "]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_a_users_template_with_ja_plus_en_gets_bilingual_labels_and_dates(tmp_path):
    tpl = user_template(tmp_path / "mine.docx", "{{ labels.name }}: {{ student.birth_date | date }}")
    data = make("enrollment-certificate", "ja+en", "22DA0101", template=tpl)
    assert texts(data)[0] == "氏名 / Name: 平成11年11月3日 / November 3, 1999"


def test_unknown_variables_are_refused_with_the_names_available(tmp_path):
    tpl = user_template(tmp_path / "bad.docx", "{{ nonexistent }} {{ student.id }} {{ also_missing.x }}")
    out = tmp_path / "out.docx"
    result = cli(*render_args(out, tpl))
    assert result.exit_code == 2
    assert "unknown variables also_missing, nonexistent" in result.output
    assert "student, internship, internships, institution, today, year, lang, title, labels" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [tpl]


def test_an_unknown_field_of_a_known_record_is_a_clear_error(tmp_path):
    tpl = user_template(tmp_path / "bad.docx", "{{ student.shoe_size }}")
    with pytest.raises(CeriError, match="has no attribute 'shoe_size'"):
        make("enrollment-certificate", "ja", "22DA0101", template=tpl)


@pytest.mark.parametrize("escape", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ student.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
])
def test_sandbox_escapes_fail_clearly_and_write_nothing(tmp_path, escape):
    tpl = user_template(tmp_path / "evil.docx", f"Hello {escape}")
    out = tmp_path / "out.docx"
    result = cli(*render_args(out, tpl))
    assert result.exit_code == 2
    assert "sandbox forbids" in result.output and "is unsafe" in result.output
    assert not out.exists()


def test_sandbox_escape_from_the_command_line_no_traceback(tmp_path):
    tpl = user_template(tmp_path / "evil.docx", "{{ ''.__class__.__mro__ }}")
    out = tmp_path / "out.docx"
    proc = subprocess.run([sys.executable, "-m", "pipeline", *render_args(out, tpl)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{tpl}: the template tried something the sandbox forbids")
    assert "access to attribute '__class__' of 'str' object is unsafe" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not out.exists()


def test_template_syntax_errors_and_non_docx_files_are_clear(tmp_path):
    broken = user_template(tmp_path / "broken.docx", "{% if student %}never closed")
    with pytest.raises(CeriError, match="template syntax error"):
        check_template(broken)
    text = tmp_path / "notes.docx"
    text.write_text("not a zip")
    with pytest.raises(CeriError, match="not a Word .docx file"):
        check_template(text)


def test_control_characters_are_refused_not_dropped(tmp_path):
    from datetime import date

    from docx_support import records

    from pipeline.context import build_context
    from pipeline.errors import RenderError
    from pipeline.renderers import RenderRequest, render

    ctx = build_context(records(), "23DB0012", as_of=date(2026, 12, 15))
    ctx["institution"] = ctx["institution"].model_copy(update={"name_ja": "総研\x07大学"})
    with pytest.raises(RenderError, match="U\\+0007"):
        render(RenderRequest("enrollment-certificate", "ja", "docx", ctx))


@pytest.mark.parametrize(("name", "unknown"), [
    ("order_tpl.docx", "company_name, customer_name, in_europe, is_paid, items, total_price"),
    ("header_footer_tpl_utf8.docx", "company_name, date, mysubdoc"),  # `title` is one of ours
])
def test_foreign_templates_in_the_wild_are_refused_clearly(tmp_path, name, unknown):
    source = WILD / name
    if not source.is_file():
        pytest.skip(f"{source} absent")
    out = tmp_path / "out.docx"
    result = cli(*render_args(out, source))
    assert result.exit_code == 2
    assert f"{source}: unknown variables {unknown}; a template can use: student," in result.output
    assert not out.exists()


def test_templates_variables_lists_names_with_examples():
    result = cli("templates", "variables", "internship-certificate")
    assert result.exit_code == 0, result.output
    rows = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in result.output.splitlines()
            if line and not line.startswith("#") and len(line.split(None, 1)) == 2}
    assert rows["internship.company.name_ja"] == "AT&T <Japan> 株式会社"
    assert rows["student.name.family_ja"] == "髙橋"
    assert rows["labels.company"] == "受入企業"
    assert rows["internship.period.start"] == "2026-09-01 (| date → 令和8年9月1日)"
    assert rows["internship.payments"].startswith("list of 0")
    assert "internships" in rows and "institution.secretariat_email" in rows and "return_by" in rows
    assert "{{ student.name | name_en }}" in result.output and "TAKAHASHI Kenta" in result.output


def test_templates_variables_for_another_student_in_english():
    result = cli("templates", "variables", "enrollment-certificate", str(EXAMPLES), "--student", "23DB0012",
                 "--lang", "en", "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "Nguyễn" in result.output and "labels.name" in result.output and "Name (as in passport)" in result.output
    assert "June 1, 2026" in result.output


def test_every_name_the_variables_command_lists_renders_in_a_template(tmp_path):
    result = cli("templates", "variables", "internship-certificate")
    exprs = [line.split(None, 1)[0] for line in result.output.split("\n# Filters")[0].splitlines()
             if line and not line.startswith("#") and "absent" not in line and "list of" not in line]
    tpl = user_template(tmp_path / "all.docx", *("{{ " + e + " }}" for e in exprs))
    lines = texts(make("internship-certificate", "ja", "22DA0101", "CERI-2026-003", template=tpl))
    assert len(lines) >= len(exprs) > 100


def test_headers_of_a_users_template_are_rendered_and_escaped(tmp_path):
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "{{ internship.company.name_ja }} / {{ today | date }}"
    d.add_paragraph("{{ student.id }}")
    d.save(tmp_path / "head.docx")
    data = make("internship-certificate", "ja", "22DA0101", "CERI-2026-003", template=tmp_path / "head.docx")
    from docx_support import open_docx

    assert open_docx(data).sections[0].header.paragraphs[0].text == "AT&T <Japan> 株式会社 / 令和8年12月15日"


def test_the_evaluation_request_needs_the_secretariat_email():
    from datetime import date

    from docx_support import records

    from pipeline.context import build_context
    from pipeline.errors import RenderError
    from pipeline.renderers import RenderRequest, render

    ctx = build_context(records(), "23DB0012", as_of=date(2026, 12, 15))
    ctx["institution"] = ctx["institution"].model_copy(update={"secretariat_email": None})
    with pytest.raises(RenderError, match="record institution field secretariat_email: .*needs institution"):
        render(RenderRequest("evaluation-request", "en", "docx", ctx))


def test_docxtpl_rich_text_tags_are_refused_not_silently_dropped(tmp_path):
    tpl = user_template(tmp_path / "rich.docx", "A {{r internship.company.name_ja }} B", "{{p student.id }}")
    with pytest.raises(CeriError, match=r"\{\{p student.id \}\}, \{\{r internship.company.name_ja \}\}: docxtpl"):
        check_template(tpl)


def test_a_paragraph_tag_beside_text_is_refused(tmp_path):
    tpl = user_template(tmp_path / "crowded.docx", "Serial: {%p if serial %}", "{{ serial }}", "{%p endif %}")
    with pytest.raises(CeriError, match="takes its whole paragraph"):
        check_template(tpl)
