"""The desk in a real browser: Debian's chromium driven headless by Playwright, against `ceri serve`
started here on a free port (no browser download: the system's /usr/bin/chromium)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from web_helpers import AS_OF, PASSWORD, ROOT, USER

from pipeline.web.auth import hash_password
from pipeline.web.store import Store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("/tmp/serve-shots")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import shutil

    tmp = tmp_path_factory.mktemp("desk")
    records = tmp / "records"
    shutil.copytree(ROOT / "examples", records)
    env = {**os.environ, "CERI_REGISTER": str(tmp / "data" / "register.sqlite"), "LANG": "C.UTF-8"}
    Store(tmp / "data" / "desk.sqlite").set_user(USER, hash_password(PASSWORD))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", str(records), "--port", str(port),
                             "--as-of", AS_OF.isoformat()], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/login", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.1)
    yield {"url": url, "records": records, "env": env, "port": port}
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _login(browser, url: str, lang: str = "ja"):
    context = browser.new_context(locale="ja-JP" if lang == "ja" else "en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/")
    page.fill("#name", USER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    return context, page


def test_log_in_see_the_board_open_a_case(server, browser):
    context, page = _login(browser, server["url"])
    expect(page.locator("h1")).to_contain_text("状況一覧")
    page.screenshot(path=SHOTS / "board.png", full_page=True)
    # the counts per step and a filter: only the overdue cases
    expect(page.locator("ol.steps li")).to_have_count(13)
    page.check("input[name=overdue]")
    page.click(".filters button[type=submit]")
    assert page.locator("table.board tbody tr.overdue").count() == page.locator("table.board tbody tr").count() > 0
    page.goto(f"{server['url']}/board")
    page.locator("table.board tr", has_text="CERI-2026-001").locator("a").first.click()
    expect(page.locator("section.next")).to_contain_text("次の作業")
    page.screenshot(path=SHOTS / "case.png", full_page=True)
    expect(page.locator("section.card").nth(1)).to_contain_text("指摘事項")
    context.close()


def test_fix_a_field_with_an_error_shown_in_japanese(server, browser):
    context, page = _login(browser, server["url"])
    page.goto(f"{server['url']}/case/CERI-2026-001/edit/student")
    page.fill("#f-student\\.birth_date", "1996-02-30")
    page.click("form.record button[type=submit]")
    error = page.locator(".field.invalid .field-error")
    expect(error).to_have_count(1)
    with_error = error.inner_text()
    # the words of `ceri --lang-ui ja validate` for the same value, without its FILE:LINE:COLUMN
    bad = server["records"].parent / "bad.yaml"
    bad.write_text((server["records"] / "01-nguyen-thi-lan.yaml").read_text("utf-8")
                   .replace("birth_date: 1996-04-12", "birth_date: 1996-02-30"), "utf-8")
    said = subprocess.run([sys.executable, "-m", "pipeline", "--lang-ui", "ja", "validate", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, env=server["env"])
    assert said.returncode == 2
    assert with_error.strip() == said.stderr.strip().split(": ", 1)[1]
    expect(page.locator("p.error")).to_contain_text("修正")
    page.screenshot(path=SHOTS / "edit-error.png", full_page=True)
    page.fill("#f-student\\.birth_date", "1996-02-29")
    page.click("form.record button[type=submit]")
    expect(page.locator("p.ok")).to_be_visible()
    text = (server["records"] / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    assert "birth_date: 1996-02-29" in text
    context.close()


def test_two_concurrent_edits_the_second_is_refused(server, browser):
    one, first = _login(browser, server["url"])
    two, second = _login(browser, server["url"])
    edit = f"{server['url']}/case/CERI-2026-001/edit/internship"
    first.goto(edit)
    second.goto(edit)
    first.fill("#f-internship\\.hours_per_week", "30")
    first.click("form.record button[type=submit]")
    expect(first.locator("p.ok")).to_be_visible()
    second.fill("#f-internship\\.hours_per_week", "20")
    second.click("form.record button[type=submit]")
    expect(second.locator("table.conflicts")).to_contain_text("30")
    second.screenshot(path=SHOTS / "conflict.png", full_page=True)
    assert "hours_per_week: 30" in (server["records"] / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    # nothing lost: the second person's entry is still in the form, and saving again now works
    expect(second.locator("#f-internship\\.hours_per_week")).to_have_value("20")
    second.click("form.record button[type=submit]")
    expect(second.locator("p.ok")).to_be_visible()
    one.close()
    two.close()


def test_a_post_without_the_csrf_token_is_refused(server, browser):
    context, page = _login(browser, server["url"])
    page.goto(f"{server['url']}/case/CERI-2026-001/edit/student")
    page.evaluate("document.querySelector('form.record input[name=csrf]').remove()")
    page.click("form.record button[type=submit]")
    expect(page.locator("h1")).to_contain_text("許可")
    context.close()


def test_a_student_link_never_shows_another_students_page(server, browser):
    out = subprocess.run([sys.executable, "-m", "pipeline", "serve", str(server["records"]), "--invite",
                          "23DB0012", "--url", server["url"]], env=server["env"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    link = out.stdout.strip()
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Nguyễn")
    page.screenshot(path=SHOTS / "student.png", full_page=True)
    for other in ("/case/CERI-2025-011", "/board", "/case/CERI-2026-001/edit/student"):
        response = page.goto(server["url"] + other)
        assert response.status in (302, 403) or "login" in page.url
        assert "24DC0033" not in page.content()
    # the link works once
    again = browser.new_context().new_page()
    assert again.goto(link).status == 410
    context.close()


def test_an_intake_through_the_invite_link_is_reviewed_and_accepted(server, browser):
    out = subprocess.run([sys.executable, "-m", "pipeline", "serve", str(server["records"]), "--invite",
                          "24DB0055", "--url", server["url"]], env=server["env"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    student = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 900}).new_page()
    student.goto(out.stdout.strip())
    student.fill("#f-student\\.name\\.family", "Trần")
    student.fill("#f-student\\.name\\.given", "Thị Ngọc Ánh")
    student.fill("#f-student\\.name\\.family_ja", "チャン")
    student.fill("#f-student\\.name\\.given_ja", "ティ ゴック アイン")
    student.fill("#f-student\\.address\\.ja", "神奈川県三浦郡葉山町湘南国際村1560-35 𠮷田ハイツ101")
    student.fill("#f-student\\.residence\\.card_number", "AB1234567")  # one digit short
    student.click("form.intake button[type=submit]")
    expect(student.locator(".field.invalid")).to_have_count(1)
    student.screenshot(path=SHOTS / "intake-error.png", full_page=True)
    student.fill("#f-student\\.residence\\.card_number", "ＡＢ１２３４５６７８ＣＤ")  # full-width, from an IME
    student.click("form.intake button[type=submit]")
    expect(student.locator("p.ok")).to_be_visible()
    path = server["records"] / "05-sharma-priya.yaml"
    assert "Trần" not in path.read_text("utf-8")  # a proposal, not written
    context, page = _login(browser, server["url"])
    page.goto(f"{server['url']}/board?q=24DB0055")
    page.locator("table.board tbody tr a").first.click()
    diff = page.locator("section.pending table.diff")
    expect(diff).to_contain_text("Thị Ngọc Ánh")
    expect(diff).to_contain_text("AB12345678CD")
    page.screenshot(path=SHOTS / "intake-review.png", full_page=True)
    page.click("section.pending button[type=submit]:not(.secondary)")
    expect(page.locator("p.ok")).to_be_visible()
    expect(page.locator("section.pending")).to_have_count(0)
    text = path.read_text("utf-8")
    assert "family: Trần" in text and "given: Thị Ngọc Ánh" in text and "𠮷田ハイツ101" in text
    assert "card_number: AB12345678CD" in text
    context.close()


def test_build_a_pack_with_progress_and_download_the_zips(server, browser):
    import zipfile

    context, page = _login(browser, server["url"])
    page.goto(f"{server['url']}/case/CERI-2026-002")
    page.click("text=パックを作成")
    expect(page.locator("h1")).to_contain_text("パック")
    page.screenshot(path=SHOTS / "pack-progress.png", full_page=True)
    # the page refreshes itself until the build is done (no script), then offers the recipient zips
    expect(page.locator("section.pack-build p.ok")).to_be_visible(timeout=120_000)
    page.screenshot(path=SHOTS / "pack-done.png", full_page=True)
    zips = page.locator("ul.zips a")
    assert zips.count() >= 1
    with page.expect_download() as download:
        zips.first.click()
    names = zipfile.ZipFile(download.value.path()).namelist()
    assert names and all(n.startswith("CERI-2026-002/") and n.endswith((".pdf", ".docx")) for n in names)
    with page.expect_download() as download:
        page.click("a.whole")
    assert any(n.endswith("CERI-2026-002/pack.pdf") for n in zipfile.ZipFile(download.value.path()).namelist())
    context.close()


def test_upload_a_returned_evaluation_form(server, browser, tmp_path):
    import pypdf
    from test_web_http import COMPANY

    context, page = _login(browser, server["url"])
    page.goto(f"{server['url']}/case/CERI-2026-002")
    with page.expect_download() as download:
        page.click("a[href$='evaluation-form.ja+en.pdf']")
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(download.value.path()))
    for p in w.pages:
        w.update_page_form_field_values(p, {**COMPANY, "evaluation_date": "2026-05-29"}, auto_regenerate=False)
    filled = tmp_path / "returned.pdf"
    w.write(filled)
    page.set_input_files("form.upload input[type=file]", str(filled))
    page.click("form.upload button[type=submit]")
    expect(page.locator("h1"), page.locator("main").inner_text()).to_contain_text("返送された評価書")
    expect(page.locator("dl.fields")).to_contain_text("310.5")
    page.screenshot(path=SHOTS / "evaluation-preview.png", full_page=True)
    page.click("text=記録に書き込む")
    expect(page.locator("p.ok")).to_be_visible()
    text = next(f for f in server["records"].glob("*.yaml") if "CERI-2026-002" in f.read_text("utf-8")).read_text("utf-8")
    assert "hours_total: 310.5" in text and "received_on: 2026-06-01" in text
    context.close()


def test_revoke_a_certificate_in_the_register(server, browser, tmp_path):
    from pipeline.register import Register, verify

    cert = tmp_path / "cert.pdf"
    out = subprocess.run([sys.executable, "-m", "pipeline", "render", "internship-certificate",
                          str(server["records"]), "--student", "23DB0044", "--as-of", AS_OF.isoformat(),
                          "-o", str(cert)], env=server["env"], cwd=ROOT, capture_output=True, text=True, check=True)
    serial = out.stdout.split()[1]
    context, page = _login(browser, server["url"])
    page.click("header >> text=証明書発行台帳")
    row = page.locator("table.register tr", has_text=serial)
    expect(row).to_contain_text("発行済み")
    page.screenshot(path=SHOTS / "register.png", full_page=True)
    row.locator("text=取り消す…").click()
    page.fill("#reason", "氏名の表記誤りのため再発行")
    page.screenshot(path=SHOTS / "revoke-reason.png", full_page=True)
    page.click("form.record button[type=submit]")
    expect(page.locator("p.error")).to_contain_text("元に戻せません")
    page.screenshot(path=SHOTS / "revoke-confirm.png", full_page=True)
    with Register(server["env"]["CERI_REGISTER"], create=False) as reg:
        assert verify(reg, cert.read_bytes()).status == "genuine"  # not before the confirmation
    page.click("text=はい、取り消します")
    expect(page.locator("p.ok")).to_contain_text(serial)
    page.select_option("select[name=state]", "revoked")
    page.click(".filters button[type=submit]")
    expect(page.locator("table.register tbody tr")).to_have_count(1)
    expect(page.locator("table.register tbody tr")).to_contain_text("氏名の表記誤りのため再発行")
    page.screenshot(path=SHOTS / "register-revoked.png", full_page=True)
    with Register(server["env"]["CERI_REGISTER"], create=False) as reg:
        verdict = verify(reg, cert.read_bytes())
    assert verdict.status == "revoked" and "氏名の表記誤りのため再発行" in verdict.message
    said = subprocess.run([sys.executable, "-m", "pipeline", "verify", str(cert)], env=server["env"], cwd=ROOT,
                          capture_output=True, text=True)
    assert said.returncode == 1 and said.stdout.startswith("revoked")
    context.close()


def test_a_company_fills_the_evaluation_in_the_browser(server, browser):
    out = subprocess.run([sys.executable, "-m", "pipeline", "serve", str(server["records"]), "--company-link",
                          "CERI-2025-011", "--url", server["url"]], env=server["env"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(out.stdout.strip())
    for name, value in (("research", "5"), ("problem_solving", "4"), ("practical", "4"), ("communication", "3")):
        page.check(f"input[name=rating_{name}][value='{value}']")
    page.fill("#f-attendance_days", "４０")
    page.fill("#f-hours_total", "310.5")
    page.fill("#f-strengths", "仮説を素早く検証できる。")
    page.fill("#f-comment", "大変よく頑張りました。\n次年度もぜひ受け入れたいと考えています。")
    page.fill("#f-evaluator_name", "𠮷田 美穂")
    page.fill("#f-evaluator_title", "研究開発部長")
    page.fill("#f-evaluation_date", "2025-12-20")
    page.click("form.evaluation-fill button[type=submit]")  # one rating forgotten
    expect(page.locator(".field.invalid")).to_have_count(1)
    expect(page.locator(".field.invalid")).to_contain_text("rating_initiative")
    expect(page.locator("p.error")).to_contain_text("修正")
    page.screenshot(path=SHOTS / "company-fill-error.png", full_page=True)
    expect(page.locator("#f-comment")).to_have_value("大変よく頑張りました。\n次年度もぜひ受け入れたいと考えています。")
    page.check("input[name=rating_initiative][value='5']")
    page.click("form.evaluation-fill button[type=submit]")
    expect(page.locator("section.preview")).to_contain_text("𠮷田 美穂")
    expect(page.locator("section.preview dl.fields")).to_contain_text("40")
    page.screenshot(path=SHOTS / "company-fill-preview.png", full_page=True)
    page.click("form.back button")  # back, change one item, check again
    page.fill("#f-improvements", "文書化を丁寧に。")
    page.click("form.evaluation-fill button[type=submit]")
    page.click("section.preview button:not(.secondary)")
    expect(page.locator("p.ok")).to_be_visible()
    page.screenshot(path=SHOTS / "company-fill-sent.png", full_page=True)
    context.close()
    # the secretariat reviews it as any returned form and writes it into the record
    context, desk_page = _login(browser, server["url"])
    desk_page.goto(f"{server['url']}/case/CERI-2025-011")
    desk_page.click("text=企業がアップロードした評価書を確認")
    expect(desk_page.locator("dl.fields")).to_contain_text("次年度もぜひ")
    desk_page.click("text=記録に書き込む")
    expect(desk_page.locator("p.ok")).to_be_visible()
    from pipeline.records import load

    evaluation = load([server["records"]]).internships["CERI-2025-011"].evaluation
    assert evaluation.comment == "大変よく頑張りました。\n次年度もぜひ受け入れたいと考えています。"
    assert evaluation.evaluator.name_ja == "𠮷田 美穂" and evaluation.attendance_days == 40
    assert evaluation.improvements == "文書化を丁寧に。" and evaluation.ratings.initiative == 5
    context.close()
