"""Every kind of bad input: one located message per problem, exit 2, no traceback."""

from __future__ import annotations

import pytest

from helpers import INTERNSHIP, STUDENT, ceri, write


def rejected(tmp_path, text=None, raw=None, name="records.yaml"):
    path = write(tmp_path, text or "", name, raw=raw)
    result = ceri("validate", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return [line for line in result.stderr.splitlines() if line], str(path)


def one(tmp_path, text=None, raw=None):
    lines, path = rejected(tmp_path, text, raw)
    assert len(lines) == 1, lines
    return lines[0], path


@pytest.mark.parametrize(
    "change, line, column, words",
    [
        (("sex: female", "sex: female\nsex: male"), 5, 1, "duplicate key 'sex' (first at line 4)"),
        (("sex: female", "sex: female\nhobby: chess"), 5, 1, "unknown key 'hobby'"),
        (("email: jane", "emial: jane"), 7, 1, "unknown key 'emial' (did you mean 'email'?)"),
        (("birth_date: 1996-04-12", "birth_date: !!timestamp 1996-04-12"), 5, 13, "YAML tags (!!timestamp)"),
        (("birth_date: 1996-04-12", "birth_date: 1997-02-30"), 5, 13, "'1997-02-30' is not a real date"),
        (("birth_date: 1996-04-12", "birth_date: 1997/02/03"), 5, 13, "write dates as YYYY-MM-DD"),
        (("id: S001", "id: S 001"), 2, 5, "invalid id 'S 001'"),
        (("id: S001", "id: " + "X" * 33), 2, 5, "use 1 to 32 letters"),
        (("gakkenbai: true", "gakkenbai: yes"), 24, 41, "'yes' is not a boolean: write true or false"),
        (("nationality: VN", "nationality: VNM"), 6, 14, "not an ISO 3166-1 alpha-2 country code"),
        (("nationality: VN", "nationality: vn"), 6, 14, "(did you mean 'VN'?)"),
        (("prefecture: Kanagawa", "prefecture: Tokio"), 8, 46, "not one of the 47 prefectures (did you mean 'Tokyo'?)"),
        (("kind: student", "kind: studnet"), 1, 7, "unknown kind 'studnet' (did you mean 'student'?)"),
        (("sex: female", "sex: f"), 4, 6, "'f' is not allowed for 'sex'"),
        (("family: DOE", "family: 山田"), 3, 16, "must be written in roman letters"),
    ],
)
def test_student_rejections(tmp_path, change, line, column, words):
    old, new = change
    assert old in STUDENT
    message, path = one(tmp_path, STUDENT.replace(old, new, 1))
    assert message.startswith(f"{path}:{line}:{column}: "), message
    assert words in message


@pytest.mark.parametrize(
    "change, line, column, words",
    [
        (("end: 2026-09-30", "end: 2026-06-30"), 17, 34, "ends (2026-06-30) before it starts (2026-07-01)"),
        (("amount: 300000", "amount: -300000"), 19, 15, "'-300000' is not a whole number"),
        (("amount: 300000", "amount: lots"), 19, 15, "'lots' is not a whole number"),
        (("hours_per_week: 38.75", "hours_per_week: many"), 18, 17, "'many' is not a number"),
        (("id: I001", "id: I/001"), 2, 5, "invalid id 'I/001'"),
    ],
)
def test_internship_rejections(tmp_path, change, line, column, words):
    old, new = change
    message, path = one(tmp_path, INTERNSHIP.replace(old, new, 1))
    assert message.startswith(f"{path}:{line}:{column}: "), message
    assert words in message


def test_missing_field_points_at_its_mapping(tmp_path):
    message, path = one(tmp_path, STUDENT.replace("sex: female\n", ""))
    assert message == f"{path}:1:1: missing required field 'sex'"


def test_all_errors_of_a_file_in_one_run(tmp_path):
    text = STUDENT.replace("sex: female", "sex: x").replace("VN", "ZZZ") + "---\n" + INTERNSHIP.replace(
        "credits: 2", "credits: two")
    lines, path = rejected(tmp_path, text)
    assert len(lines) == 3, lines
    assert all(line.startswith(path + ":") for line in lines)


def test_errors_across_files_all_reported(tmp_path):
    write(tmp_path, STUDENT.replace("sex: female", "sex: x"), "a.yaml")
    write(tmp_path, INTERNSHIP.replace("credits: 2", "credits: -1"), "b.yaml")
    result = ceri("validate", tmp_path)
    assert result.returncode == 2
    assert "a.yaml:4:6:" in result.stderr and "b.yaml:" in result.stderr


def test_anchors_and_aliases_refused(tmp_path):
    lines, path = rejected(tmp_path, STUDENT.replace("name_ja: 佐々木 一郎", "name_ja: &sv 佐々木 一郎").replace(
        "name_en: Ichiro SASAKI", "name_en: *sv"))
    assert lines[0].startswith(f"{path}:19:23: anchors (&sv)")


def test_billion_laughs_fails_fast_with_few_messages(tmp_path):
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        text += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    # expanding this would need ~10^9 strings; the reader never follows an alias, so it returns at once
    lines, _ = rejected(tmp_path, STUDENT + text.replace("a:", "lol_a:", 1))
    lines = [line for line in lines if "anchors" in line or "aliases" in line]
    assert 1 <= len(lines) <= 12, lines


def test_python_tag_is_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = STUDENT.replace("email: jane@example.ac.jp",
                           f"email: !!python/object/apply:os.system ['touch {marker}']")
    lines, path = rejected(tmp_path, text)
    assert "YAML tags (!!python/object/apply:os.system)" in lines[0]
    assert not marker.exists()


def test_shift_jis_file(tmp_path):
    message, path = one(tmp_path, raw=STUDENT.encode("cp932"))
    assert message.startswith(f"{path}:8:")
    assert "not UTF-8 (looks like Shift_JIS); save as UTF-8" in message


def test_binary_file(tmp_path):
    message, path = one(tmp_path, raw=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert message.startswith(f"{path}:") and "binary file" in message


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"# only a comment\n", b"---\n...\n"])
def test_empty_file(tmp_path, raw):
    message, path = one(tmp_path, raw=raw)
    assert message.startswith(f"{path}:1:1: empty file")


def test_syntax_error_located(tmp_path):
    message, path = one(tmp_path, "kind: student\nname: {family: DOE\nsex: female\n")
    assert message.startswith(f"{path}:") and "YAML syntax error" in message


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, STUDENT, "a.yaml")
    write(tmp_path, STUDENT, "b.yaml")
    result = ceri("validate", tmp_path)
    assert result.returncode == 2
    assert "b.yaml:2:5: duplicate student id 'S001'" in result.stderr


def test_residence_required_for_foreign_nationals(tmp_path):
    start = STUDENT.index("residence:")
    end = STUDENT.index("insurance:")
    message, path = one(tmp_path, STUDENT[:start] + STUDENT[end:])
    assert message == f"{path}:1:1: missing required field 'residence' (required unless nationality is JP)"


def test_missing_path(tmp_path):
    result = ceri("validate", tmp_path / "nope.yaml")
    assert result.returncode == 2 and "no such file or folder" in result.stderr


def test_usage_error_exit_2():
    assert ceri("validate").returncode == 2


def test_pure_python_and_libyaml_parsers_agree(tmp_path, monkeypatch):
    """ceri parses with libyaml when PyYAML has it; the pure-Python parser must locate problems the same."""
    import yaml

    from pipeline.records import yamlstrict

    text = (STUDENT.replace("sex: female", "sex: female\nsex: male").replace("VN", "ZZ")
            .replace("family: DOE", "family: &x DOE") + "---\n" + INTERNSHIP.replace("credits: 2", "credits: '2x'"))
    raw = ("\ufeff" + text).replace("\n", "\r\n").encode("utf-8")
    found = {}
    for loader in (yaml.BaseLoader, getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
        monkeypatch.setattr(yamlstrict, "_PARSER", loader)
        docs, problems = yamlstrict.read_documents("r.yaml", raw)
        found[loader.__name__] = ([d.data for d in docs], problems, [d.values for d in docs])
    first, second = found.values()
    assert first == second
    assert len(first[1]) == 2  # the duplicate key and the anchor (the rest is for the schema)
