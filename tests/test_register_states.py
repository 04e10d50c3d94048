"""Honest states: a serial whose file never landed ends void (failed render, failed or killed pack), with
the reason `register list` shows; a re-issue supersedes only the certificate whose content changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import register_fake

from tests.helpers import invoke as ceri

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")


def listed() -> list[dict]:
    result = ceri("register", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def fake(monkeypatch):
    register_fake.install(monkeypatch)
    return register_fake


def test_a_failed_pack_voids_its_serials_with_the_reason(tmp_path, fake, monkeypatch):
    real = fake.render_certificate

    def broken(request):
        internship = request.context.get("internship")
        if request.doc == "internship-certificate" and internship is not None and internship.id == "CERI-2026-003":
            raise RuntimeError("the printer caught fire")
        return real(request)

    monkeypatch.setattr(fake, "render_certificate", broken)
    result = ceri("pack", EXAMPLES, "-o", tmp_path / "out", "--student", "22DA0101", "--as-of", "2026-06-01",
                  "--jobs", "1", "-q")
    assert result.exit_code == 1 and "FAILED" in result.stderr
    rows = listed()
    assert "pending" not in {r["status"] for r in rows}
    failed = [r for r in rows if r["internship"] == "CERI-2026-003"]
    assert failed and {r["status"] for r in failed} == {"void"}
    assert all("the printer caught fire" in r["void_reason"] for r in failed)
    built = [r for r in rows if r["internship"] == "CERI-2026-002"]
    assert built and {r["status"] for r in built} == {"current"}
    text = ceri("register", "list").stdout
    assert "void: pack failed:" in text and "the printer caught fire" in text
    for row in built:  # every current serial's file is where the pack put it, and verifies
        path = tmp_path / "out" / "22DA0101" / "CERI-2026-002" / f"{row['doc']}.{row['lang']}.pdf"
        assert ceri("verify", path).exit_code == 0


KILLER = """
import os, signal, sys
sys.path[:0] = [{root!r}, {tests!r}]
import pytest, register_fake
from pipeline.cli import main
mp = pytest.MonkeyPatch()
register_fake.install(mp)
real, calls = register_fake.render_certificate, []
def dying(request):
    calls.append(1)
    if len(calls) == {at}:
        os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 or the OOM killer would
    return real(request)
register_fake.render_certificate = dying
main(["pack", {examples!r}, "-o", {out!r}, "--as-of", "2026-06-01", "--jobs", "1", "-q"])
"""


def test_a_killed_pack_leaves_void_serials_never_pending(tmp_path, fake):
    script = textwrap.dedent(KILLER).format(root=str(ROOT), tests=str(ROOT / "tests"), at=6, examples=EXAMPLES,
                                            out=str(tmp_path / "out"))
    killed = subprocess.run([sys.executable, "-c", script], env=os.environ, capture_output=True, text=True,
                            timeout=120)
    assert killed.returncode == -9, killed.stderr
    rows = listed()  # the run is dead: its numbers are settled
    assert rows and "pending" not in {r["status"] for r in rows}
    void = [r for r in rows if r["status"] == "void"]
    assert void and all("ended before its file was written" in r["void_reason"] for r in void)
    for row in rows:
        if row["status"] == "current":  # landed before the kill: its file is there, and genuine
            files = list((tmp_path / "out" / row["student"]).rglob(f"{row['doc']}.{row['lang']}.pdf"))
            assert any(ceri("verify", f).exit_code == 0 for f in files)
    serials = [r["serial"] for r in rows]
    assert serials == [f"CERI-2026-{n:05d}" for n in range(1, len(rows) + 1)]  # void numbers stay, no gap


def test_a_rerun_after_a_kill_takes_over_its_numbers(tmp_path, fake):
    """Rerun at once (before anything else settles the killed run): the same documents get the numbers the
    killed run reserved, so the sequence has no gap and nothing is void."""
    script = textwrap.dedent(KILLER).format(root=str(ROOT), tests=str(ROOT / "tests"), at=6, examples=EXAMPLES,
                                            out=str(tmp_path / "out"))
    assert subprocess.run([sys.executable, "-c", script], env=os.environ, timeout=120).returncode == -9
    again = ceri("pack", EXAMPLES, "-o", tmp_path / "out", "--as-of", "2026-06-01", "--jobs", "1", "-q")
    assert again.exit_code in (0, 1) and " 0 failed" in again.stdout
    rows = listed()
    assert {r["status"] for r in rows} == {"current"}
    assert [r["serial"] for r in rows] == [f"CERI-2026-{n:05d}" for n in range(1, len(rows) + 1)]


def test_editing_one_internship_leaves_the_others_certificates_alone(tmp_path, fake):
    records = tmp_path / "records"
    records.mkdir()
    for f in Path(EXAMPLES).glob("*.yaml"):
        (records / f.name).write_bytes(f.read_bytes())
    args = ("pack", records, "-o", tmp_path / "out", "--student", "22DA0101", "--as-of", "2026-06-01", "--jobs", "1",
            "-q")
    assert ceri(*args).exit_code in (0, 1)
    other = tmp_path / "out" / "22DA0101" / "CERI-2026-002"
    before = {p.name: p.read_bytes() for p in other.glob("*certificate*.pdf")}
    serials_before = {r["serial"]: r["status"] for r in listed()}
    source = next(f for f in records.glob("*.yaml") if "CERI-2026-003" in f.read_text("utf-8"))
    text = source.read_text("utf-8")
    marker = "id: CERI-2026-003"
    head, tail = text.split(marker, 1)
    title = next(line for line in tail.splitlines() if line.startswith("title_en:"))
    source.write_text(head + marker + tail.replace(title, "title_en: Senior research intern", 1), "utf-8")
    assert ceri(*args, "--force").exit_code in (0, 1)
    after = {p.name: p.read_bytes() for p in other.glob("*certificate*.pdf")}
    assert before and after == before  # same serial, same bytes
    rows = listed()
    changed = [r for r in rows if r["serial"] not in serials_before]
    assert changed and {r["internship"] for r in changed} == {"CERI-2026-003"}
    assert all(r["doc"] == "internship-certificate" or r["doc"] == "evaluation-certificate" for r in changed)
    for r in rows:
        if r["serial"] in serials_before and r["internship"] == "CERI-2026-002":
            assert r["status"] == "current"
