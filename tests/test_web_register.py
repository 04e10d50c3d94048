"""The register at the desk (/register): the certificates issued with their state, filters, and revoking one
with a reason in two steps — the same function as `ceri register revoke`, so `verify` then says revoked."""

from __future__ import annotations

import re

from click.testing import CliRunner
from web_helpers import AS_OF, csrf, desk, log_in

from pipeline.cli import main
from pipeline.register import Register, find, verify


def issue(records, tmp_path, internship: str = "CERI-2026-001", student: str = "23DB0012"):
    """An internship certificate issued by `ceri render` into the register every command finds."""
    out = tmp_path / f"{internship}.pdf"
    r = CliRunner().invoke(main, ["render", "internship-certificate", str(records), "--student", student,
                                  "--internship", internship, "--as-of", AS_OF.isoformat(), "-o", str(out)])
    assert r.exit_code == 0, r.output
    serial = re.search(r"serial (\S+)", r.output).group(1)
    return serial, out.read_bytes()


def test_the_register_lists_and_filters_and_a_revocation_takes_a_reason_and_a_confirmation(tmp_path):
    app, store, records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    empty = c.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No certificate has been issued yet." in empty
    serial, pdf = issue(records, tmp_path)
    other, _pdf = issue(records, tmp_path, "CERI-2026-002", "22DA0101")
    page = c.get("/register", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert serial in page and other in page and "発行済み" in page and "研究インターンシップ実施証明書" in page
    assert c.get("/register?state=revoked").get_data(as_text=True).count('class="serial"') == 0
    assert c.get(f"/register?year={AS_OF.year}").get_data(as_text=True).count('class="serial"') == 2
    assert c.get(f"/register?year={AS_OF.year - 1}").get_data(as_text=True).count('class="serial"') == 0
    form = c.get(f"/register/{serial}/revoke").get_data(as_text=True)
    # a reason of two lines (as a crafted POST could send) is refused at the field; nothing revoked
    r = c.post(f"/register/{serial}/revoke", data={"csrf": csrf(form), "reason": "a\nb", "confirmed": "1"})
    assert r.status_code == 422 and 'class="field-error"' in r.get_data(as_text=True)
    # the first POST only asks for the confirmation
    r = c.post(f"/register/{serial}/revoke", data={"csrf": csrf(form), "reason": "期間の誤り（再発行済み）"})
    assert r.status_code == 200 and 'name="confirmed" value="1"' in r.get_data(as_text=True)
    with Register(find(None).path, create=False) as reg:
        assert verify(reg, pdf).status == "genuine"
    # without the session's CSRF token nothing happens
    r = c.post(f"/register/{serial}/revoke", data={"reason": "x", "confirmed": "1"})
    assert r.status_code == 403
    r = c.post(f"/register/{serial}/revoke", data={"csrf": csrf(form), "reason": "期間の誤り（再発行済み）",
                                                   "confirmed": "1"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/register?revoked={serial}")
    with Register(find(None).path, create=False) as reg:
        verdict = verify(reg, pdf)
    assert verdict.status == "revoked" and "期間の誤り（再発行済み）" in verdict.message
    assert (AS_OF.isoformat()) in verdict.message
    shown = c.get("/register?state=revoked").get_data(as_text=True)
    assert shown.count('class="serial"') == 1 and "期間の誤り（再発行済み）" in shown
    assert ("tanaka", "revoke", f"certificate:{serial}") in [(w, a, t) for _at, w, a, t, _d in store.audit_log()]
    # a second revocation is refused with the reason it already has
    again = c.post(f"/register/{serial}/revoke", data={"csrf": csrf(form), "reason": "x", "confirmed": "1"})
    assert again.status_code == 400
    assert c.get("/register/CERI-2026-99999/revoke").status_code == 404


def test_only_the_secretariat_sees_the_register(tmp_path):
    app, store, records = desk(tmp_path)
    serial, _pdf = issue(records, tmp_path)
    assert app.test_client().get("/register").headers["Location"].endswith("/login")
    for role, subject in (("student", "23DB0012"), ("company", "CERI-2026-001")):
        c = app.test_client()
        c.get(f"/i/{store.add_link(role, subject, 'test')}")
        page = c.get("/me" if role == "student" else "/company").get_data(as_text=True)
        assert c.get("/register").status_code == 403
        r = c.post(f"/register/{serial}/revoke", data={"csrf": csrf(page), "reason": "x", "confirmed": "1"})
        assert r.status_code == 403
    with Register(find(None).path, create=False) as reg:
        assert reg.conn.execute("SELECT revoked_on FROM certificates").fetchall()[0][0] is None
