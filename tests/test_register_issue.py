"""Issuing certificates: serials, idempotent reruns, superseding, voided numbers."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import register_fake
from pypdf import PdfReader

from pipeline.context import build_context
from pipeline.records import load
from pipeline.register import Register, inputs_hash_for, issue
from pipeline.register.ledger import entries
from pipeline.renderers import RenderRequest

AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="module")
def records():
    return load(["examples"])


@pytest.fixture
def fake(monkeypatch):
    register_fake.install(monkeypatch)
    return register_fake


def request_for(records, doc, student, internship=None, lang="en", as_of=AS_OF, change=None):
    """change: {'internship': {'title_en': …}} edits a record of the context (records are frozen)."""
    ctx = build_context(records, student, internship, as_of=as_of)
    for name, update in (change or {}).items():
        ctx[name] = ctx[name].model_copy(update=update)
    return RenderRequest(doc=doc, lang=lang, fmt="pdf", context=ctx)


def run(register, request):
    return issue(register, request, inputs_hash_for(request.context, request.doc, request.lang))


def text_of(data: bytes) -> str:
    import io

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_serials_are_unique_consecutive_and_printed(tmp_path, records, fake):
    jobs = [("enrollment-certificate", "23DB0012", None), ("internship-certificate", "23DB0012", None),
            ("internship-certificate", "22DA0101", "CERI-2026-002"),
            ("internship-certificate", "22DA0101", "CERI-2026-003"), ("evaluation-certificate", "23DB0012", None)]
    with Register(tmp_path / "r.sqlite") as reg:
        issued = [run(reg, request_for(records, *job)) for job in jobs]
        for lang in ("ja", "ja+en"):
            issued.append(run(reg, request_for(records, "enrollment-certificate", "23DB0012", lang=lang)))
    serials = [i.serial for i in issued]
    assert serials == [f"CERI-2026-{n:05d}" for n in range(1, 8)]
    for i in issued:
        assert f"Serial: {i.serial}" in text_of(i.data)
        assert hashlib.sha256(i.data).hexdigest() == i.sha256
        assert i.superseded is None and not i.reused
    request = fake.CALLS[0]
    assert request.options == {"serial": "CERI-2026-00001",
                               "verification_text": "SOKENDAI certificate CERI-2026-00001 — verify with: ceri verify"}


def test_rerun_keeps_serial_and_bytes(tmp_path, records, fake):
    path = tmp_path / "r.sqlite"
    with Register(path) as reg:
        first = run(reg, request_for(records, "internship-certificate", "23DB0012"))
    with Register(path) as reg:  # a later run, a fresh context built from the same records
        again = run(reg, request_for(records, "internship-certificate", "23DB0012"))
        other = run(reg, request_for(records, "enrollment-certificate", "23DB0012"))
        rows = entries(reg)
    assert again.serial == first.serial and again.data == first.data and again.reused
    assert other.serial == "CERI-2026-00002"  # the rerun took no number
    assert [r["status"] for r in rows] == ["current", "current"]


def test_changed_inputs_supersede(tmp_path, records, fake):
    path = tmp_path / "r.sqlite"
    changed = {"internship": {"title_en": "Senior research intern"}}
    with Register(path) as reg:
        old = run(reg, request_for(records, "internship-certificate", "23DB0012"))
        new = run(reg, request_for(records, "internship-certificate", "23DB0012", change=changed))
        later = run(reg, request_for(records, "internship-certificate", "23DB0012", as_of=date(2026, 6, 2), change=changed))
        # the first inputs again: not the superseded serial, a current one of its own
        back = run(reg, request_for(records, "internship-certificate", "23DB0012"))
        rows = {r["serial"]: r for r in entries(reg)}
    assert (old.serial, new.serial, later.serial, back.serial) == tuple(f"CERI-2026-0000{n}" for n in range(1, 5))
    assert new.superseded == old.serial and later.superseded == new.serial and back.superseded == later.serial
    assert "Senior research intern" in text_of(new.data)
    assert rows[old.serial]["superseded_by"] == new.serial
    assert rows[new.serial]["superseded_by"] == later.serial
    assert [r["status"] for r in rows.values()] == ["superseded"] * 3 + ["current"]


def test_year_and_prefix_number_separately(tmp_path, records, fake):
    with Register(tmp_path / "r.sqlite") as reg:
        a = run(reg, request_for(records, "enrollment-certificate", "23DB0012"))
        b = run(reg, request_for(records, "enrollment-certificate", "23DB0044", as_of=date(2027, 1, 5)))
        c = run(reg, request_for(records, "enrollment-certificate", "24DB0055",
                            change={"institution": {"serial_prefix": "SKD"}}))
        d = run(reg, request_for(records, "enrollment-certificate", "24DB0055"))
    assert [a.serial, b.serial, c.serial, d.serial] == [
        "CERI-2026-00001", "CERI-2027-00001", "SKD-2026-00001", "CERI-2026-00002"]


def test_failed_render_voids_its_number(tmp_path, records, fake):
    def broken(_request):
        raise RuntimeError("no font has U+20B9F")

    with Register(tmp_path / "r.sqlite") as reg:
        req = request_for(records, "enrollment-certificate", "23DB0012")
        with pytest.raises(RuntimeError):
            issue(reg, req, inputs_hash_for(req.context, req.doc, req.lang), render=broken)
        good = run(reg, req)
        rows = entries(reg)
        events = [tuple(r) for r in reg.conn.execute("SELECT serial, event FROM events ORDER BY id")]
    assert good.serial == "CERI-2026-00002"  # 00001 stays in the ledger, void, never reused
    assert [(r["serial"], r["status"]) for r in rows] == [("CERI-2026-00001", "void"), ("CERI-2026-00002", "current")]
    assert events == [("CERI-2026-00001", "void"), ("CERI-2026-00002", "issued")]


def test_unrenderable_document_takes_no_number(tmp_path, records, fake):
    with Register(tmp_path / "r.sqlite") as reg:
        # no kind is rendered as xlsx: the request fails before a number is taken
        req = RenderRequest(doc="enrollment-certificate", lang="en", fmt="xlsx",
                            context=request_for(records, "enrollment-certificate", "23DB0012").context)
        with pytest.raises(Exception, match="cannot be rendered as xlsx"):
            run(reg, req)
        assert entries(reg) == []


def test_changed_renderer_output_gets_a_new_serial(tmp_path, records, fake):
    req = request_for(records, "enrollment-certificate", "23DB0012")
    with Register(tmp_path / "r.sqlite") as reg:
        first = run(reg, req)
        # same inputs, but the renderer now draws something else (a newer ceri, say)
        second = issue(reg, req, inputs_hash_for(req.context, req.doc, req.lang),
                       render=lambda r: fake.render_certificate(r) + b"% v2\n")
        third = issue(reg, req, inputs_hash_for(req.context, req.doc, req.lang),
                      render=lambda r: fake.render_certificate(r) + b"% v2\n")
    assert second.serial == "CERI-2026-00002" and second.superseded == first.serial
    assert third.serial == second.serial and third.data == second.data


def test_inputs_hash_covers_records_doc_lang_and_date(records):
    base = build_context(records, "23DB0012", as_of=AS_OF)
    h = inputs_hash_for(base, "internship-certificate", "en")
    assert h == inputs_hash_for(build_context(load(["examples"]), "23DB0012", as_of=AS_OF),
                                "internship-certificate", "en")
    assert len({h, inputs_hash_for(base, "internship-certificate", "ja"),
                inputs_hash_for(base, "enrollment-certificate", "en"),
                inputs_hash_for(build_context(records, "23DB0012", as_of=date(2026, 6, 2)),
                                "internship-certificate", "en")}) == 4
    changed = request_for(records, "internship-certificate", "23DB0012", change={"student": {"phone": "080-0000-0000"}})
    assert inputs_hash_for(changed.context, "internship-certificate", "en") != h


def test_a_report_is_logged_without_anything_printed(tmp_path, records, fake):
    """A document its caller asks to log as a report (the JSPS report) gets a row and a number, kind
    'report', but no serial or QR text reaches its renderer."""
    from pipeline.register.issue import is_registered
    from pipeline.register.verify import verify

    ctx = build_context(records, "24DC0033", as_of=AS_OF, year=2026)
    req = RenderRequest(doc="jsps-report", lang="ja", fmt="pdf", context=ctx, options={"issue_kind": "report"})
    assert is_registered(req)
    with Register(tmp_path / "r.sqlite") as reg:
        issued = run(reg, req)
        rows = entries(reg)
        answer = verify(reg, issued.data)
    assert "serial" not in fake.CALLS[-1].options and "verification_text" not in fake.CALLS[-1].options
    assert [(r["serial"], r["kind"], r["status"]) for r in rows] == [(issued.serial, "report", "current")]
    assert answer.genuine and answer.message.startswith("recorded: serial CERI-2026-00001")
