"""Messages in Japanese and English: every message of the code has its Japanese translation, the catalogue
is used from a fresh clone and from an installed package, and --lang-ui or LANG picks the language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from helpers import ROOT, STUDENT, ceri, write

PO = ROOT / "pipeline" / "locale" / "ja" / "LC_MESSAGES" / "ceri.po"
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def source_messages() -> dict[str, str]:
    """msgid → where, extracted from pipeline/ by babel with the project's babel.cfg (as `make messages`)."""
    with (ROOT / "babel.cfg").open() as f:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / "pipeline", method_map, options_map):
        msgid = message[0] if isinstance(message, tuple) else message  # a plural's entry is its singular
        if msgid:
            found.setdefault(msgid, f"pipeline/{filename}:{lineno}")
    return found


def catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="ja")


def test_messages_are_extracted():
    found = source_messages()
    assert len(found) > 50
    assert "missing required field '{name}'" in found


def test_every_message_has_a_japanese_translation():
    po = catalogue()
    missing = []
    for msgid, where in sorted(source_messages().items()):
        entry = po.get(msgid)
        string = entry.string if entry else None
        if isinstance(string, tuple):
            string = string[0]
        if not string or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "no Japanese translation (run `make messages` and translate ceri.po):\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    """A translation with another {placeholder} than its English would fail at .format() time."""
    wrong = []
    for message in catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                wrong.append(f"{ids[0]!r} → {s!r}")
    assert not wrong, "\n".join(wrong)


BAD = STUDENT.replace("sex: female", "sex: femal")


def test_lang_ui_picks_the_language(tmp_path):
    path = write(tmp_path, BAD)
    ja = ceri("--lang-ui", "ja", "validate", path)
    en = ceri("--lang-ui", "en", "validate", path)
    assert ja.returncode == en.returncode == 2
    assert "'sex' に 'femal' は使えません。'female' または 'male' のいずれかを書いてください" in ja.stderr, ja.stderr
    assert "'femal' is not allowed for 'sex': expected 'female' or 'male' (did you mean 'female'?)" in en.stderr


@pytest.mark.parametrize("lang, words", [("ja_JP.UTF-8", "は使えません"), ("C.UTF-8", "is not allowed"),
                                         ("en_US.UTF-8", "is not allowed")])
def test_the_locale_picks_the_language(tmp_path, lang, words):
    path = write(tmp_path, BAD)
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(path)], capture_output=True,
                            text=True, cwd=ROOT, env={**env, "LANG": lang}, timeout=120)
    assert result.returncode == 2 and words in result.stderr, result.stderr


def test_a_fresh_clone_reads_the_po_without_a_compiled_catalogue(tmp_path, monkeypatch):
    """No ceri.mo (it is not in the repository, or it is older than ceri.po): the .po is compiled in memory."""
    from pipeline import i18n

    (tmp_path / "ja" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, tmp_path / "ja" / "LC_MESSAGES" / "ceri.po")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalog.cache_clear()
    try:
        i18n.set_ui_lang("ja")
        assert i18n._("missing required field '{name}'") == "必須項目 '{name}' がありません"
    finally:
        i18n.set_ui_lang(None)
        i18n._catalog.cache_clear()


def test_building_the_package_compiles_the_catalogue(tmp_path):
    """setup.py's build_py writes ceri.mo into the built package: an installed wheel speaks Japanese."""
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "pipeline", tmp_path / "pipeline",
                    ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    for name in ("templates", "forms"):  # setup.py ships them in the package too
        shutil.copytree(ROOT / name, tmp_path / name)
    out = tmp_path / "built"
    result = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(out)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    import gettext

    with (out / "pipeline" / "locale" / "ja" / "LC_MESSAGES" / "ceri.mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext("no such file or folder") == "ファイルまたはフォルダがありません"
    with (out / "pipeline" / "locale" / "ja" / "LC_MESSAGES" / "click.mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext("Usage:") == "使い方:"


def test_make_messages_is_the_one_command_that_updates_the_catalogue():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nmessages:", 1)[1].split("\n\n", 1)[0]
    assert all(step in target for step in ("pybabel extract", "pybabel update", "pybabel compile"))
    assert Path(ROOT / "pipeline" / "locale" / "ceri.pot").is_file()


CLICK_PO = ROOT / "pipeline" / "locale" / "ja" / "LC_MESSAGES" / "click.po"


def test_click_usage_errors_in_japanese(tmp_path):
    """click's own messages (usage, a missing option, a wrong choice) follow --lang-ui too."""
    missing = ceri("--lang-ui", "ja", "render", "internship-certificate", tmp_path, "-o", tmp_path / "x.pdf")
    assert missing.returncode == 2
    assert "使い方: " in missing.stderr and "ヘルプは " in missing.stderr
    assert "エラー: 次のオプションがありません: '--student'." in missing.stderr
    wrong = ceri("--lang-ui", "ja", "check", tmp_path, "--format", "xml")
    assert "'xml' は 'text', 'json' のいずれでもありません。" in wrong.stderr
    english = ceri("--lang-ui", "en", "render", "internship-certificate", tmp_path, "-o", tmp_path / "x.pdf")
    assert "Error: Missing option '--student'." in english.stderr


def test_click_catalogue_is_translated():
    with CLICK_PO.open("rb") as f:
        po = read_po(f, locale="ja")
    empty = [m.id for m in po if m.id and not (m.string[0] if isinstance(m.string, tuple) else m.string)]
    assert not empty, f"translate click.po (make messages updates it): {empty}"
    for msgid in ("Usage:", "Error: {message}", "Missing option", "Try '{command} {option}' for help.",
                  "Invalid value for {param_hint}: {message}", "No such option {name!r}.", "Options"):
        assert po.get(msgid) is not None and po.get(msgid).string, msgid


def test_help_pages_in_japanese():
    """The descriptions of commands and options are in the catalogue (pybabel extracts them through
    pipeline/cli/helptexts.py) and shown in the language of messages."""
    page = ceri("--lang-ui", "ja", "pack", "--help")
    assert page.returncode == 0
    assert "すべてのインターンシップ（または --student で指定した学生のもの）の書類一式" in page.stdout
    assert "--student ID              この学生だけ（複数指定できます）。" in page.stdout
    assert "[必須]" in page.stdout and "オプション:" in page.stdout
    english = ceri("--lang-ui", "en", "pack", "--help")
    assert "Only this student (repeatable)." in english.stdout and "[required]" in english.stdout


def test_top_level_help_follows_lang_ui_given_before_it():
    """`ceri --lang-ui ja --help` must not wait for a command to switch the language: --help is eager."""
    page = ceri("--lang-ui", "ja", "--help")
    assert page.returncode == 0
    assert page.stdout.startswith("使い方: ") and "オプション:" in page.stdout
    assert "バージョンを表示して終了します。" in page.stdout and "このメッセージを表示して終了します。" in page.stdout
    english = ceri("--lang-ui", "en", "--help")
    assert english.stdout.startswith("Usage: ") and "Show the version and exit." in english.stdout


def test_the_command_list_in_japanese_is_cut_at_its_first_sentence():
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True,
                            cwd=ROOT, env={**env, "LANG": "ja_JP.UTF-8", "COLUMNS": "100"}, timeout=120)
    lines = {line.split()[0]: line for line in result.stdout.splitlines()
             if line.startswith("  ") and not line.lstrip().startswith("-")}
    assert lines["validate"].endswith("レコードのファイルやフォルダを確認し、概要を表示します")
    assert lines["pack"].endswith("...")
    from pipeline.cli.helptexts import _width

    assert all(_width(line) <= 100 for line in lines.values())
