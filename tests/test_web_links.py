"""One-time links: a link opens a session bound to it; opening it again works in that session only (the
same browser), never in another; links and sessions expire (judged by the store's clock, set here, never
waited for); `--link-days`; and what `--trusted-proxy` believes of X-Forwarded-Proto/-For."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from web_helpers import AS_OF, PASSWORD, ROOT, USER, desk

from pipeline.cli import main
from pipeline.web.auth import MAX_FAILURES, hash_password
from pipeline.web.store import Store

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_link_opens_again_in_its_own_session_only(tmp_path):
    app, store, _records = desk(tmp_path)
    token = store.add_link("student", "23DB0012", "test")
    first = app.test_client()
    assert first.get(f"/i/{token}").headers["Location"] == "/me"
    assert first.get(f"/i/{token}").headers["Location"] == "/me"  # the same browser: still its page
    assert first.get("/me").status_code == 200
    other = app.test_client()  # another browser: refused, with what to do
    r = other.get(f"/i/{token}", headers={"Accept-Language": "en"})
    assert r.status_code == 410 and "already opened" in r.get_data(as_text=True)
    assert other.get("/me").status_code == 403
    r = other.get(f"/i/{token}", headers={"Accept-Language": "ja"})
    assert "すでに別のブラウザで開かれています" in r.get_data(as_text=True)
    assert "not a link of this desk" in app.test_client().get("/i/nothing", headers={"Accept-Language": "en"}
                                                             ).get_data(as_text=True)
    # a secretariat's session does not inherit the link either
    assert first.get("/board").status_code == 403


def test_links_and_their_sessions_expire(tmp_path):
    app, store, _records = desk(tmp_path)
    clock = store.now = Clock()
    token = store.add_link("company", "CERI-2026-001", "test")  # LINK_DAYS: 14
    clock.now = T0 + timedelta(days=14, seconds=1)
    r = app.test_client().get(f"/i/{token}", headers={"Accept-Language": "en"})
    assert r.status_code == 410 and "expired" in r.get_data(as_text=True)
    # opened in time, the session lasts its 8 hours and no longer; then the link is used up
    token = store.add_link("company", "CERI-2026-001", "test")
    c = app.test_client()
    clock.now += timedelta(days=1)
    assert c.get(f"/i/{token}").status_code == 302
    clock.now += timedelta(hours=7, minutes=59)
    assert c.get("/company").status_code == 200
    clock.now += timedelta(minutes=2)
    assert c.get("/company").status_code == 403
    assert c.get(f"/i/{token}").status_code == 410
    # a session never outlives its link: opened an hour before the link expires, it ends with it
    token = store.add_link("student", "23DB0012", "test", days=1)
    clock.now += timedelta(hours=23)
    c = app.test_client()
    r = c.get(f"/i/{token}")
    assert r.status_code == 302 and "Max-Age=3600" in r.headers["Set-Cookie"]
    clock.now += timedelta(minutes=59)
    assert c.get("/me").status_code == 200
    clock.now += timedelta(minutes=2)
    assert c.get("/me").status_code == 403


def test_link_days_sets_how_long_a_printed_link_works(tmp_path):
    env = {"CERI_REGISTER": str(tmp_path / "data" / "register.sqlite")}
    r = CliRunner().invoke(main, ["serve", "examples", "--invite", "23DB0012", "--link-days", "3"], env=env)
    assert r.exit_code == 0, r.output
    token = r.output.strip().rsplit("/", 1)[1]
    assert CliRunner().invoke(main, ["serve", "examples", "--invite", "23DB0012", "--link-days", "0"],
                              env=env).exit_code == 2
    store = Store(tmp_path / "data" / "desk.sqlite")
    created, expires = store_link_times(store)
    assert expires - created == timedelta(days=3)
    store.now = Clock(created + timedelta(days=3, seconds=1))
    assert store.use_link(token, None).state == "expired"
    store.now = Clock(created + timedelta(days=2))
    assert store.use_link(token, None).state == "new"


def store_link_times(store: Store) -> tuple[datetime, datetime]:
    with store.connect() as db:
        created, expires = db.execute("SELECT created_at, expires_at FROM links").fetchone()
    return (datetime.fromisoformat(created.replace("Z", "+00:00")),
            datetime.fromisoformat(expires.replace("Z", "+00:00")))


# ---- --trusted-proxy: a real `ceri serve` (waitress) on a free port ----------------------------------------

def _serve(tmp_path, *extra: str):
    records = tmp_path / "records"
    if not records.exists():
        shutil.copytree(ROOT / "examples", records)
    data = tmp_path / "data"
    Store(data / "desk.sqlite").set_user(USER, hash_password(PASSWORD))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CERI_REGISTER": str(data / "register.sqlite"), "LANG": "C.UTF-8"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", str(records), "--port", str(port),
                             "--as-of", AS_OF.isoformat(), *extra], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/login", timeout=1)
            return proc, url, Store(data / "desk.sqlite")
        except OSError:
            assert proc.poll() is None, "ceri serve ended"
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("ceri serve did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _log_in(url: str, name: str, password: str, headers: dict[str, str]):
    """(status, Set-Cookie of the answer) of a login from a fresh browser sending these headers. The
    cookie is carried by hand: a browser reaching the proxy over HTTPS sends a Secure cookie back."""
    opener = urllib.request.build_opener(_NoRedirect)
    first = opener.open(urllib.request.Request(f"{url}/login", headers=headers))
    cookie = first.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrf" value="([^"]+)"', first.read().decode()).group(1)
    body = urllib.parse.urlencode({"name": name, "password": password, "csrf": token}).encode()
    try:
        r = opener.open(urllib.request.Request(f"{url}/login", data=body, headers={**headers, "Cookie": cookie}))
        return r.status, r.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_headers_count_only_behind_the_trusted_proxy(tmp_path, trusted):
    proc, url, store = _serve(tmp_path, *(["--trusted-proxy", "127.0.0.1"] if trusted else []))
    try:
        https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10"}
        status, cookie = _log_in(url, USER, PASSWORD, https)
        assert status == 302 and "HttpOnly" in cookie
        assert ("Secure" in cookie) is trusted  # over HTTPS as the proxy says, or the header is ignored
        logins = [d for _at, _w, a, _t, d in store.audit_log() if a == "login"]
        assert logins == (["from 192.0.2.10"] if trusted else ["from 127.0.0.1"])
        # failed logins from one colleague's computer (different names: the per-name limit stays out of it)
        for n in range(MAX_FAILURES):
            assert _log_in(url, f"nobody{n}", "wrong password", {"X-Forwarded-For": "192.0.2.66"})[0] == 401
        assert _log_in(url, USER, PASSWORD, {"X-Forwarded-For": "192.0.2.66"})[0] == 429
        # another computer behind the same proxy: counted apart only when the proxy is trusted
        assert _log_in(url, USER, PASSWORD, {"X-Forwarded-For": "192.0.2.77"})[0] == (302 if trusted else 429)
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_desks_data_lives_beside_the_register_wherever_it_is_found(tmp_path, monkeypatch):
    """--register, $CERI_REGISTER, the institution record's register:, else the user's data folder."""
    from pipeline.web import create_app
    from pipeline.web.store import DB_NAME

    monkeypatch.delenv("CERI_REGISTER")
    records = tmp_path / "shared" / "records"
    shutil.copytree(ROOT / "examples", records)
    institution = records / "institution.yaml"
    institution.write_text(institution.read_text("utf-8") + "register: ../ledger/office.sqlite\n", "utf-8")
    pw = "long enough pw\nlong enough pw\n"

    def add_user(*args, env=None):
        r = CliRunner().invoke(main, ["serve", *args, "--add-user", "sato"], input=pw, env=env or {})
        assert r.exit_code == 0, r.output

    add_user(str(records))  # the institution's register: → shared/ledger/
    assert Store(tmp_path / "shared" / "ledger" / DB_NAME).password_hash("sato")
    r = CliRunner().invoke(main, ["serve", str(records), "--invite", "23DB0012"])
    assert r.exit_code == 0
    with Store(tmp_path / "shared" / "ledger" / DB_NAME).connect() as db:
        assert db.execute("SELECT count(*) FROM links").fetchone()[0] == 1
    app = create_app(records, as_of=AS_OF)  # the server itself, without a store given: the same file
    assert app.extensions["ceri"]["store"].path == tmp_path / "shared" / "ledger" / DB_NAME
    add_user(str(records), "--register", str(tmp_path / "elsewhere" / "reg.sqlite"))
    assert Store(tmp_path / "elsewhere" / DB_NAME).password_hash("sato")
    add_user(str(records), env={"CERI_REGISTER": str(tmp_path / "env" / "reg.sqlite")})
    assert Store(tmp_path / "env" / DB_NAME).password_hash("sato")
    add_user()  # no records, nothing set: the user's data folder (conftest's XDG_DATA_HOME)
    from pipeline.register import data_dir

    assert Store(data_dir() / DB_NAME).password_hash("sato")
    assert not (records / DB_NAME).exists()


def test_the_secretariat_makes_a_link_with_a_button(tmp_path):
    from web_helpers import csrf, log_in

    app, store, _records = desk(tmp_path)
    c = app.test_client()
    log_in(c)
    case = c.get("/case/CERI-2026-001").get_data(as_text=True)
    assert c.post("/case/CERI-2026-001/link/student").status_code == 403  # no CSRF token, no link
    page = c.post("/case/CERI-2026-001/link/student", data={"csrf": csrf(case)}).get_data(as_text=True)
    link = re.search(r'value="(http://localhost/i/[^"]+)"', page).group(1)  # the address the browser used
    assert "23DB0012" not in link
    student = app.test_client()
    assert student.get(link).headers["Location"] == "/me"
    assert "Nguyễn" in student.get("/me").get_data(as_text=True)
    page = c.post("/case/CERI-2026-001/link/company", data={"csrf": csrf(case)}).get_data(as_text=True)
    company = app.test_client()
    assert company.get(re.search(r'value="http://localhost(/i/[^"]+)"', page).group(1)).headers["Location"] == "/company"
    assert [t for _at, w, a, t, _d in store.audit_log() if a == "invite"] == ["student:23DB0012", "company:CERI-2026-001"]
    # a student's or a company's session makes no links
    assert student.post("/case/CERI-2026-001/link/student", data={"csrf": csrf(page)}).status_code == 403
    assert c.post("/case/CERI-2026-001/link/admin", data={"csrf": csrf(case)}).status_code == 404


def test_the_commands_words_are_in_japanese_too(tmp_path):
    env = {"CERI_REGISTER": str(tmp_path / "data" / "register.sqlite")}
    r = CliRunner().invoke(main, ["--lang-ui", "ja", "serve", "--add-user", "suzuki"], input="short\nshort\n",
                           env=env)
    assert r.exit_code == 2 and "パスワードは10文字以上にしてください" in r.output
    r = CliRunner().invoke(main, ["--lang-ui", "ja", "serve", "examples", "--invite", "NOBODY"], env=env)
    assert r.exit_code == 2 and "--invite NOBODY: その学生は記録にありません" in r.output
