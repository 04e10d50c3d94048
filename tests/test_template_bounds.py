"""Users' templates and field maps run in a bounded sandbox: a time limit, an output-size limit, and no
single operation that builds a huge value; a .docx template is checked before it is opened. Each is one
message naming the template (and the line), exit 2, nothing written."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_support import EXAMPLES, user_template

from pipeline.cli import main
from pipeline.context import jinja

ROOT = Path(__file__).resolve().parent.parent


def render(tmp_path: Path, template: Path):
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(main, ["render", "internship-certificate", str(EXAMPLES), "--student", "22DA0101",
                                       "--internship", "CERI-2026-003", "--format", "docx", "--as-of",
                                       "2026-12-15", "--template", str(template), "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert result.output.startswith(f"{template}: ") and "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(("line", "message"), [
    ("{{ 'a' * 300000000 }}", "'* 300000000' would make 300000000 items"),
    ("{{ [0] * 100000000 }}", "would make 100000000 items"),
    ("{{ 2 ** 10000000 }}", "a number too large to compute"),
    ("{{ 'a'.center(1000000000) }}", "the number 1000000000 is too large an argument"),
    ("{{ 'a' | center(1000000000) }}", "the number 1000000000 is too large an argument"),
    ("{{ '%0999999999d' | format(1) }}", "a format wider than"),
    ("{{ '%0999999999d' % 1 }}", "a format wider than"),
])
def test_one_huge_operation_is_refused_naming_the_line(tmp_path, line, message):
    tpl = user_template(tmp_path / "mine.docx", "Certificate", "{{ student.id }}", line)
    out = render(tmp_path, tpl)
    assert message in out and "(template line " in out


def test_a_long_loop_stops_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(jinja, "RENDER_SECONDS", 0.5)
    tpl = user_template(tmp_path / "slow.docx", "{% for i in range(100000) %}{% for j in range(100000) %}"
                        "{% set x = i * j %}{% endfor %}{% endfor %}")
    assert "the template ran for more than 0.5 seconds (template line" in render(tmp_path, tpl)


def test_a_loop_that_writes_too_much_stops_at_the_output_limit(tmp_path):
    tpl = user_template(tmp_path / "big.docx", "{% for i in range(100000) %}{% for j in range(1000) %}"
                        "xxxxxxxxxx{% endfor %}{% endfor %}")
    assert "the template produced more than 10000000 characters" in render(tmp_path, tpl)


def test_a_field_map_expression_is_bounded_at_its_line(tmp_path):
    shutil.copy(ROOT / "forms" / "evaluation-form.pdf", tmp_path / "form.pdf")
    fmap = tmp_path / "map.yaml"
    fmap.write_text("form: form.pdf\nmode: acroform\nfields:\n  company: \"{{ 'a' * 300000000 }}\"\n", "utf-8")
    result = CliRunner().invoke(main, ["fill", str(tmp_path / "form.pdf"), str(EXAMPLES), "--map", str(fmap),
                                       "--student", "23DB0012", "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 2
    assert f"{fmap}:4:" in result.output and "would make 300000000 items" in result.output
    assert not (tmp_path / "out.pdf").exists()


def docx_with(tmp_path: Path, name: str, add) -> Path:
    """A real template with extra members added by add(zipfile)."""
    path = user_template(tmp_path / name, "{{ student.id }}")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        add(z)
    return path


def test_a_docx_that_unpacks_to_too_much_is_refused_before_opening(tmp_path):
    def bomb(z):
        with z.open("word/media/unused.bin", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(101):
                fh.write(chunk)
    tpl = docx_with(tmp_path, "bomb.docx", bomb)
    assert tpl.stat().st_size < 1_000_000
    out = render(tmp_path, tpl)
    assert "refused: the .docx unpacks to" in out and "more than 104857600" in out


def test_a_docx_member_too_compressed_or_too_many_members(tmp_path):
    tpl = docx_with(tmp_path, "ratio.docx", lambda z: z.writestr("word/media/x.bin", b"\0" * (4 << 20)))
    assert "unpacks" in render(tmp_path, tpl) and "times larger than it is stored" in render(tmp_path, tpl)

    def many(z):
        for i in range(1001):
            z.writestr(f"customXml/extra{i}.xml", b"<a/>")
    tpl = docx_with(tmp_path, "many.docx", many)
    assert "parts in the .docx, more than 1000" in render(tmp_path, tpl)
