"""The browser desk through Flask's test client: roles, CSRF, the cookie, the rate limit, the audit log,
the database's migrations, documents on demand, the command's options."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess

import pypdf
from click.testing import CliRunner
from web_helpers import PASSWORD, USER, csrf, desk, log_in

from pipeline.cli import main
from pipeline.web.auth import MAX_FAILURES
from pipeline.web.store import MIGRATIONS, Store


def test_pages_need_a_login(tmp_path):
    app, _store, _records = desk(tmp_path)
    c = app.test_client()
    for page in ("/board", "/case/CERI-2026-001", "/case/CERI-2026-001/edit/student",
                 "/case/CERI-2026-001/document/permit-checklist.ja.pdf"):
        r = c.get(page)
        assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert c.get("/me").status_code == 403


def test_login_sets_a_safe_cookie_and_a_new_session(tmp_path):
    app, _store, _records = desk(tmp_path)
    c = app.test_client()
    page = c.get("/login")
    before = page.headers["Set-Cookie"]
    r = c.post("/login", data={"name": USER, "password": PASSWORD, "csrf": csrf(page.get_data(as_text=True))})
    cookie = r.headers["Set-Cookie"]
    assert r.status_code == 302 and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert cookie.split(";")[0] != before.split(";")[0]  # the anonymous session is not carried over
    assert c.get("/board").status_code == 200
    # over HTTPS (as a reverse proxy reports it), the cookie is Secure
    c2 = app.test_client()
    page = c2.get("/login", base_url="https://desk.example")
    r = c2.post("/login", base_url="https://desk.example",
                data={"name": USER, "password": PASSWORD, "csrf": csrf(page.get_data(as_text=True))})
    assert "Secure" in r.headers["Set-Cookie"]


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(tmp_path):
    app, _store, records = desk(tmp_path)
    c = app.test_client()
    assert c.post("/login", data={"name": USER, "password": PASSWORD}).status_code == 403
    log_in(c)
    before = (records / "01-nguyen-thi-lan.yaml").read_bytes()
    r = c.post("/case/CERI-2026-001/edit/student", data={"student.email": "x@example.org", "csrf": "forged"})
    assert r.status_code == 403
    assert c.post("/logout").status_code == 403
    assert (records / "01-nguyen-thi-lan.yaml").read_bytes() == before


def test_wrong_passwords_are_rate_limited(tmp_path):
    app, store, _records = desk(tmp_path)
    c = app.test_client()
    for _ in range(MAX_FAILURES):
        assert log_in(c, password="wrong password").status_code == 401
    r = log_in(c)  # the right password, too late
    assert r.status_code == 429
    assert "Too many failed attempts" in r.get_data(as_text=True) or "多すぎます" in r.get_data(as_text=True)
    assert c.get("/board").status_code == 302


def test_a_student_session_sees_only_its_own_page(tmp_path):
    app, store, _records = desk(tmp_path)
    token = store.add_link("student", "23DB0012", "test")
    c = app.test_client()
    assert c.get(f"/i/{token}").status_code == 302
    me = c.get("/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Nguyễn" in me and "CERI-2026-001" not in me  # no other case, not even its own ids in links
    for page in ("/board", "/case/CERI-2025-011", "/case/CERI-2026-001", "/case/CERI-2026-001/edit/student",
                 "/case/CERI-2026-001/document/permit-checklist.ja.pdf"):
        assert c.get(page).status_code == 403
    assert app.test_client().get(f"/i/{token}").status_code == 410  # once only
    assert app.test_client().get("/i/not-a-token").status_code == 410


def test_edit_writes_round_trip_and_the_audit_log_names_fields_not_values(tmp_path):
    app, store, records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    path = records / "01-nguyen-thi-lan.yaml"
    path.write_text("# kept by the office\n" + path.read_text("utf-8"), "utf-8")
    form = c.get("/case/CERI-2026-001/edit/student").get_data(as_text=True)
    data = _form(form)
    data["student.phone"] = "０８０－９９９９－００００"  # full-width, as an IME types it (as `ceri import` takes it)
    data["student.address.ja"] = "神奈川県三浦郡葉山町　湘南国際村1560-35"  # an address is one line (docs/input.md)
    assert c.post("/case/CERI-2026-001/edit/student", data=data).status_code == 302
    text = path.read_text("utf-8")
    assert text.startswith("# kept by the office\n")
    assert "phone: 080-9999-0000" in text and "湘南国際村1560-35" in text
    log = store.audit_log()
    assert ("edit", "student:23DB0012", "student.phone") in [(a, t, d) for _at, _who, a, t, d in log]
    assert not any("080-9999-0000" in " ".join(row) for row in log)
    out = CliRunner().invoke(main, ["serve", "--audit"], env={"CERI_REGISTER": str(store.path.parent / "r.sqlite")})
    assert out.exit_code == 0 and "student.phone" in out.output


def test_a_stale_form_is_refused_with_what_changed(tmp_path):
    app, _store, records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    stale = _form(c.get("/case/CERI-2026-001/edit/internship").get_data(as_text=True))
    fresh = dict(stale, **{"internship.hours_per_week": "30"})
    assert c.post("/case/CERI-2026-001/edit/internship", data=fresh).status_code == 302
    stale["internship.title_en"] = "Data Engineer"
    r = c.post("/case/CERI-2026-001/edit/internship", data=stale, headers={"Accept-Language": "en"})
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Changed by someone else" in page and "38.75" in page and ">30<" in page
    assert "Data Engineer" in page  # the entry is kept in the form
    assert "Data Engineer" not in (records / "01-nguyen-thi-lan.yaml").read_text("utf-8")


def test_a_document_is_rendered_on_demand(tmp_path):
    app, _store, _records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    r = c.get("/case/CERI-2026-001/document/permit-checklist.ja.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(r.data)).pages) >= 1
    assert c.get("/case/CERI-2026-001/document/internship-certificate.ja.pdf").status_code == 404


def test_the_language_switch(tmp_path):
    app, _store, _records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    assert "状況一覧" in c.get("/board", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    r = c.get("/lang/en?next=/board")
    assert r.headers["Location"] == "/board"
    assert "Status board" in c.get("/board", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert c.get("/lang/en?next=//evil.example/").headers["Location"] == "/"


def test_the_board_filters(tmp_path):
    app, _store, _records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    everything = c.get("/board").get_data(as_text=True)
    overdue = c.get("/board?overdue=1").get_data(as_text=True)
    company = c.get("/board?owner=company").get_data(as_text=True)
    step7 = c.get("/board?step=7").get_data(as_text=True)
    rows = lambda html: html.count("<tr class=")  # noqa: E731
    assert rows(everything) == 11 and rows(overdue) == 1 and 'class="overdue"' in overdue
    assert 0 < rows(step7) < rows(company) < rows(everything)


def test_the_database_schema_is_versioned(tmp_path):
    store = Store(tmp_path / "desk.sqlite")
    assert store.version == len(MIGRATIONS)
    Store(tmp_path / "desk.sqlite")  # opening again runs nothing twice
    tables = {r[0] for r in sqlite3.connect(tmp_path / "desk.sqlite").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "sessions", "links", "audit", "login_attempts"} <= tables
    assert (tmp_path / "desk.sqlite").stat().st_mode & 0o777 == 0o600


def test_add_user_and_invite_from_the_command_line(tmp_path):
    env = {"CERI_REGISTER": str(tmp_path / "data" / "register.sqlite")}
    r = CliRunner().invoke(main, ["serve", "--add-user", "suzuki"], input="short\nshort\n", env=env)
    assert r.exit_code == 2 and "10" in r.output
    r = CliRunner().invoke(main, ["serve", "--add-user", "suzuki"], input="long enough pw\nlong enough pw\n",
                           env=env)
    assert r.exit_code == 0, r.output
    assert Store(tmp_path / "data" / "desk.sqlite").password_hash("suzuki").startswith("$argon2")
    r = CliRunner().invoke(main, ["serve", "examples", "--invite", "NOBODY"], env=env)
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["serve", "examples", "--invite", "23DB0012"], env=env)
    assert r.exit_code == 0 and r.output.startswith("http://127.0.0.1:8000/i/") and "23DB0012" not in r.output


def _form(html: str) -> dict[str, str]:
    """The values a browser would send: inputs, textareas, selected options."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.textarea = {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and "name" in a and a.get("type") != "checkbox":
                self.data[a["name"]] = a.get("value", "")
            elif tag == "select":
                self.select = a["name"]
                self.data[self.select] = ""
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value", None) or "\0"
            elif tag == "textarea":
                self.textarea = a["name"]
                self.data[self.textarea] = ""

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea] += data
            elif self.select and self.data.get(self.select) == "\0":
                self.data[self.select] = data

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

    p = Form()
    p.feed(html[html.index('<form method="post" class="record">'):])
    return {k: v for k, v in p.data.items()}


def test_build_a_pack_in_the_background_with_progress_and_download_its_zips(tmp_path, monkeypatch):
    import threading
    import zipfile

    from pipeline.web import packs

    monkeypatch.setenv("CERI_REGISTER", str(tmp_path / "data" / "register.sqlite"))
    app, store, records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    case = c.get("/case/CERI-2026-001").get_data(as_text=True)
    assert c.get("/case/CERI-2026-001/pack.zip").status_code == 404
    # the build waits at its first document until the test lets it go: the page shows where it is
    go, at_first, calls = threading.Event(), threading.Event(), []
    real_run = packs.run

    def held_run(*args, **kwargs):
        calls.append(args)
        return real_run(*args, **kwargs)

    def held(internship, done, total):
        seen.append((internship, done, total))
        at_first.set()
        assert go.wait(60)
    seen: list[tuple[str, int, int]] = []
    monkeypatch.setattr(packs, "run", held_run)
    original = packs.document_done
    monkeypatch.setattr(packs, "document_done", _Hooked(original, held))
    r = c.post("/case/CERI-2026-001/pack", data={"csrf": csrf(case)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/case/CERI-2026-001/pack")
    assert at_first.wait(60)
    # a record saved meanwhile does not change this build (it started from the snapshot of the click)
    path = records / "01-nguyen-thi-lan.yaml"
    path.write_text(path.read_text("utf-8").replace("family: Nguyễn", "family: Nguyen"), "utf-8")
    page = c.get("/case/CERI-2026-001/pack", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="1">' in page
    assert "Internship 1 of 1 (CERI-2026-001): document 1 of " in page
    progress = c.get("/case/CERI-2026-001/pack.json").get_json()
    assert progress["state"] == "running" and progress["internship"] == "CERI-2026-001" and progress["documents"] > 3
    # a second click while it runs starts nothing: it shows the running build
    again = c.post("/case/CERI-2026-001/pack", data={"csrf": csrf(page)})
    assert again.status_code == 302 and len(calls) == 1
    assert "being built" in c.get("/case/CERI-2026-001", headers={"Accept-Language": "en"}).get_data(as_text=True)
    go.set()
    packs.current("23DB0012").thread.join(120)
    assert len(calls) == 1
    assert [d for _i, d, _t in seen] == list(range(seen[0][2] + 1))  # every document, in order, then done
    done = c.get("/case/CERI-2026-001/pack", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "refresh" not in done and "The pack is built." in done
    links = re.findall(r'href="(/case/CERI-2026-001/packs/[^"]+)"', done)
    assert [link.rsplit("/", 1)[1] for link in links] == ["CERI-2026-001.company.zip"]  # no permit at this step
    z = c.get(links[0])
    assert z.status_code == 200 and z.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(z.data)).namelist()
    assert "CERI-2026-001/evaluation-form.ja+en.pdf" in names and "CERI-2026-001/pack.pdf" not in names
    form = tmp_path / "form.pdf"
    form.write_bytes(zipfile.ZipFile(io.BytesIO(z.data)).read("CERI-2026-001/evaluation-form.ja+en.pdf"))
    text = subprocess.run(["pdftotext", str(form), "-"], capture_output=True, text=True, check=True).stdout
    assert "NGUYỄN Thị Lan" in text and "NGUYEN" not in text  # as the record was at the click
    whole = c.get("/case/CERI-2026-001/pack.zip")
    names = zipfile.ZipFile(io.BytesIO(whole.data)).namelist()
    assert "23DB0012/CERI-2026-001/pack.pdf" in names and "23DB0012/CERI-2026-001/manifest.json" in names
    assert (tmp_path / "data" / "register.sqlite").is_file()  # certificates numbered in $CERI_REGISTER
    assert c.get("/case/CERI-2026-001/packs/..%2Fregister.sqlite").status_code == 404
    assert [a for _at, _w, a, t, _d in store.audit_log() if a == "pack"] == ["pack"]


class _Hooked:
    """document_done with a hook of the test's around whatever the build sets."""

    def __init__(self, var, hook):
        self.var, self.hook = var, hook

    def set(self, told):
        def both(*args):
            told(*args)
            self.hook(*args)
        return self.var.set(both)

    def reset(self, token):
        self.var.reset(token)


COMPANY = {
    "rating_research": "/4", "rating_problem_solving": "/5", "rating_practical": "/4",
    "rating_communication": "/3", "rating_initiative": "/5", "attendance_days": "40", "hours_total": "310.5",
    "strengths": "仮説を素早く検証できる。", "improvements": "文書化を丁寧に。", "comment": "大変よく頑張りました。",
    "evaluator_name": "田中 美穂", "evaluator_title": "Head of R&D", "evaluation_date": "2026-10-01",
}


def returned_form(client, internship: str) -> bytes:
    """The desk's pre-filled evaluation form, filled in as a company's PDF reader would (pypdf)."""
    sent = client.get(f"/case/{internship}/document/evaluation-form.ja+en.pdf")
    assert sent.status_code == 200
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(sent.data)))
    for page in w.pages:
        w.update_page_form_field_values(page, COMPANY, auto_regenerate=False)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_upload_a_returned_evaluation_preview_then_merge(tmp_path):
    from datetime import date

    app, store, records = desk(tmp_path)
    app.extensions["ceri"]["records"].fixed_as_of = date(2026, 10, 5)
    c = app.test_client()
    log_in(c)
    pdf = returned_form(c, "CERI-2026-001")
    page = c.get("/case/CERI-2026-001").get_data(as_text=True)
    # a form for another internship is refused
    other = c.post("/case/CERI-2026-005/evaluation", data={"csrf": csrf(page), "pdf": (io.BytesIO(pdf), "x.pdf")},
                   content_type="multipart/form-data")
    assert other.status_code == 400 and "CERI-2026-001" in other.get_data(as_text=True)
    # not a PDF
    junk = c.post("/case/CERI-2026-001/evaluation", data={"csrf": csrf(page), "pdf": (io.BytesIO(b"MZ..."), "x.pdf")},
                  content_type="multipart/form-data")
    assert junk.status_code == 400
    preview = c.post("/case/CERI-2026-001/evaluation", data={"csrf": csrf(page), "pdf": (io.BytesIO(pdf), "a.pdf")},
                     content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "田中 美穂" in html and "310.5" in html
    path = records / "01-nguyen-thi-lan.yaml"
    assert "310.5" not in path.read_text("utf-8")  # a preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    r = c.post("/case/CERI-2026-001/evaluation/merge", data={"csrf": csrf(html), "token": token, "version": version})
    assert r.status_code == 302
    text = path.read_text("utf-8")
    assert "name_ja: 田中 美穂" in text and "hours_total: 310.5" in text and "received_on: 2026-10-05" in text
    assert not list((store.path.parent / "uploads").iterdir())
    assert ("evaluation-merged", "internship:CERI-2026-001") in [(a, t) for _at, _w, a, t, _d in store.audit_log()]


def test_upload_a_roster_preview_then_accept(tmp_path):
    import openpyxl

    from pipeline.records import load
    from pipeline.roster import export

    app, store, records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    book = tmp_path / "roster.xlsx"
    export(load([records]), book)
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    heads = [str(cell.value) for cell in ws[1]]
    phone = next(n for n, h in enumerate(heads) if "Phone" in h) + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "23DB0012")
    ws.cell(row, phone).value = "080-7777-0000"
    wb.save(book)
    page = c.get("/roster").get_data(as_text=True)
    r = c.post("/roster", data={"csrf": csrf(page), "roster": (io.BytesIO(book.read_bytes()), "名簿 2026.xlsx")},
               content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "080-7777-0000" in html and "080-1234-5678" in html
    assert "080-7777-0000" not in (records / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    r = c.post("/roster/accept", data={"csrf": csrf(html), "token": token, "name": "名簿 2026.xlsx"})
    assert r.status_code == 302
    assert "phone: 080-7777-0000" in (records / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    # a mistake is named at its cell, in the uploaded file's name, and nothing is written
    ws.cell(row, phone).value = "not a phone"
    wb.save(book)
    r = c.post("/roster", data={"csrf": csrf(html), "roster": (io.BytesIO(book.read_bytes()), "名簿.xlsx")},
               content_type="multipart/form-data")
    assert r.status_code == 422 and "名簿.xlsx:" in r.get_data(as_text=True)
    assert "uploads" not in r.get_data(as_text=True)
    bad = c.post("/roster", data={"csrf": csrf(html), "roster": (io.BytesIO(b"x"), "roster.exe")},
                 content_type="multipart/form-data")
    assert bad.status_code == 400


def test_an_intake_is_a_proposal_only_the_secretariat_decides(tmp_path):
    app, store, records = desk(tmp_path)
    student = app.test_client()
    student.get(f"/i/{store.add_link('student', '23DB0012', 'test')}")
    page = student.get("/me").get_data(as_text=True)
    form = {"csrf": csrf(page), "student.residence.card_number": "AB1234567", "student.name.family": "Trần"}
    r = student.post("/me", data=form, headers={"Accept-Language": "ja"})
    assert r.status_code == 422 and "修正" in r.get_data(as_text=True)
    assert store.pending("23DB0012") == []
    form["student.residence.card_number"] = "XY87654321ZW"
    assert student.post("/me", data=form).status_code == 200
    [(n, _at, changes)] = store.pending("23DB0012")
    assert changes["student.residence.card_number"] == "XY87654321ZW"
    # only what was typed differently is proposed (fields the request does not carry stay as they are)
    assert changes == {"student.residence.card_number": "XY87654321ZW", "student.name.family": "Trần"}
    # the student cannot accept their own proposal
    r = student.post(f"/case/CERI-2026-001/intake/{n}/accept", data={"csrf": csrf(page)})
    assert r.status_code == 403
    secretariat = app.test_client()
    log_in(secretariat)
    case = secretariat.get("/case/CERI-2026-001").get_data(as_text=True)
    assert "XY87654321ZW" in case
    r = secretariat.post(f"/case/CERI-2026-001/intake/{n}/reject", data={"csrf": csrf(case)})
    assert r.status_code == 302 and store.pending("23DB0012") == []
    assert "XY87654321ZW" not in (records / "01-nguyen-thi-lan.yaml").read_text("utf-8")


def test_a_company_link_returns_its_evaluation_into_review(tmp_path):
    from datetime import date

    app, store, records = desk(tmp_path)
    app.extensions["ceri"]["records"].fixed_as_of = date(2026, 10, 5)
    company = app.test_client()
    assert company.get(f"/i/{store.add_link('company', 'CERI-2026-001', 'test')}").headers["Location"] == "/company"
    page = company.get("/company").get_data(as_text=True)
    assert "株式会社湘南データラボ" in page or "Shonan Data Lab" in page
    for other in ("/board", "/case/CERI-2026-001", "/case/CERI-2025-011", "/me",
                  "/case/CERI-2026-001/document/evaluation-form.ja+en.pdf"):
        assert company.get(other).status_code in (302, 403)
    form = company.get("/company/evaluation-form.pdf")
    assert form.status_code == 200
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(form.data)))
    for p in w.pages:
        w.update_page_form_field_values(p, COMPANY, auto_regenerate=False)
    filled = io.BytesIO()
    w.write(filled)
    r = company.post("/company", data={"csrf": csrf(page), "pdf": (io.BytesIO(filled.getvalue()), "eval.pdf")},
                     content_type="multipart/form-data")
    assert r.status_code == 200 and 'class="ok"' in r.get_data(as_text=True)
    path = records / "01-nguyen-thi-lan.yaml"
    assert "310.5" not in path.read_text("utf-8")  # into review, not into the record
    secretariat = app.test_client()
    log_in(secretariat)
    case = secretariat.get("/case/CERI-2026-001").get_data(as_text=True)
    review = re.search(r'href="(/case/CERI-2026-001/evaluation/[^"]+)"', case).group(1)
    html = secretariat.get(review).get_data(as_text=True)
    assert "310.5" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    r = secretariat.post("/case/CERI-2026-001/evaluation/merge",
                         data={"csrf": csrf(html), "token": token, "version": version, "replace": "1"})
    assert r.status_code == 302 and "hours_total: 310.5" in path.read_text("utf-8")
    assert store.returned("CERI-2026-001") == []


def test_a_company_fills_the_evaluation_in_the_browser_into_review(tmp_path):
    from datetime import date

    app, store, records = desk(tmp_path)
    app.extensions["ceri"]["records"].fixed_as_of = date(2026, 10, 5)
    company = app.test_client()
    company.get(f"/i/{store.add_link('company', 'CERI-2026-001', 'test')}")
    page = company.get("/company", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    # the form's items, as the PDF form has them (forms/evaluation-form.spec.yaml)
    assert page.count('type="radio" name="rating_research"') == 5 and 'name="comment"' in page
    assert 'name="student_name"' not in page  # pre-filled by the office, not the company's to type
    typed = {k: v.lstrip("/") for k, v in COMPANY.items()}
    typed["comment"] = "大変よく頑張りました。\r\n次年度もぜひ受け入れたいと考えています。"
    typed["hours_total"] = "３１０．５"  # full-width, from an IME
    # a missing rating and a date after today are shown at their fields, in Japanese; nothing is sent
    bad = {**typed, "rating_practical": "", "evaluation_date": "2026-10-09", "csrf": csrf(page)}
    r = company.post("/company/fill", data=bad, headers={"Accept-Language": "ja"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "修正" in html
    assert re.search(r'id="f-rating_practical".*?</fieldset>\s*<p class="field-error" role="alert">[^<]*rating_practical',
                     html, re.S)
    assert store.returned("CERI-2026-001") == []
    bad = {**typed, "evaluation_date": "2026-10-09", "csrf": csrf(page)}
    html = company.post("/company/fill", data=bad, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert re.search(r'name="evaluation_date"[^>]*>\s*<p class="field-error" role="alert">[^<]*2026-10-09', html)
    # the preview shows what was read, the line break kept; only the confirmation sends
    preview = company.post("/company/fill", data={**typed, "csrf": csrf(page)}).get_data(as_text=True)
    assert "310.5" in preview and "大変よく頑張りました。\n次年度も" in preview
    assert store.returned("CERI-2026-001") == []
    sent = company.post("/company/fill", data={**typed, "csrf": csrf(page), "confirmed": "1"})
    assert sent.status_code == 200 and 'class="ok"' in sent.get_data(as_text=True)
    [(upload, _at)] = store.returned("CERI-2026-001")
    # in review exactly as an uploaded PDF: the secretariat reads the same form back and merges it
    secretariat = app.test_client()
    log_in(secretariat)
    case = secretariat.get("/case/CERI-2026-001").get_data(as_text=True)
    html = secretariat.get(f"/case/CERI-2026-001/evaluation/{upload}").get_data(as_text=True)
    assert "310.5" in html and "田中 美穂" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    r = secretariat.post("/case/CERI-2026-001/evaluation/merge",
                         data={"csrf": csrf(case), "token": token, "version": version, "replace": "1"})
    assert r.status_code == 302
    from pipeline.records import load

    evaluation = load([records]).internships["CERI-2026-001"].evaluation
    assert evaluation.comment == "大変よく頑張りました。\n次年度もぜひ受け入れたいと考えています。"
    assert str(evaluation.hours_total) == "310.5" and evaluation.ratings.practical == 4
    assert evaluation.evaluator.name_ja == "田中 美穂"
    # a company link fills only its own internship: the secretariat's pages stay closed to it
    assert company.post("/case/CERI-2026-001/evaluation/merge", data={"csrf": csrf(page)}).status_code == 403
