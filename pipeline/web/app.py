"""`ceri serve`: the desk in a browser (Flask, server-rendered Jinja2 pages that need no JavaScript).

The pages call the same functions as the command line: the records loader, the rules, the desk's board,
the renderers. Roles: the secretariat (users with a password), a student (through a one-time link: only
their own page). Every page checks the role; every POST carries the session's CSRF token."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, make_response, redirect, render_template, request, url_for

from pipeline.desk.cases import COMPLETE, column, owner_label, owners, step_name
from pipeline.desk.status import counts
from pipeline.errors import CeriError
from pipeline.i18n import UI_LANGS, _request_lang
from pipeline.web import auth, certificates, packviews, views
from pipeline.web.i18n import _
from pipeline.web.snapshot import RecordsCache
from pipeline.web.store import DB_NAME, Store, data_dir

LANG_COOKIE = "ceri_lang"
MAX_UPLOAD = 20 * 1024 * 1024  # the largest form body accepted (a returned PDF, a roster)


def create_app(records_dir: str | Path, *, store: Store | None = None, as_of: date | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    app.extensions["ceri"] = {
        "records": RecordsCache(Path(records_dir), as_of),
        "store": store or Store(data_dir() / DB_NAME),
    }
    app.jinja_env.globals.update(_=_, column=column, step_name=step_name, owner_label=owner_label, COMPLETE=COMPLETE,
                                 owners=owners, counts=counts, UI_LANGS=UI_LANGS)
    app.jinja_env.autoescape = True

    @app.before_request
    def _who() -> Response | None:
        g.lang = _language()
        g.lang_token = _request_lang.set(g.lang)
        g.store = app.extensions["ceri"]["store"]
        g.records = app.extensions["ceri"]["records"]
        g.session = auth.current(g.store)
        if request.method == "POST":
            auth.check_csrf(g.session)
        return None

    @app.teardown_request
    def _done(_exc: BaseException | None) -> None:
        token = g.pop("lang_token", None)
        if token is not None:
            _request_lang.reset(token)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"  # a one-time link never leaks to another site
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(403)
    def _forbidden(_e) -> tuple[str, int]:
        return render_template("error.html", title=_("Not allowed"),
                               message=_("This page is not open to you, or the form was too old "
                                         "(reload the page and try again).")), 403

    @app.errorhandler(404)
    def _missing(_e) -> tuple[str, int]:
        return render_template("error.html", title=_("Not found"),
                               message=_("There is no such page or record.")), 404

    @app.errorhandler(413)
    def _too_big(_e) -> tuple[str, int]:
        return render_template("error.html", title=_("File too large"),
                               message=_("The file is larger than {size} MB.").format(size=MAX_UPLOAD >> 20)), 413

    @app.errorhandler(CeriError)
    def _ceri(e: CeriError) -> tuple[str, int]:
        return render_template("error.html", title=_("Cannot do this"), message="\n".join(e.messages())), 400

    @app.get("/lang/<code>")
    def lang(code: str) -> Response:
        if code not in UI_LANGS:
            abort(404)
        target = request.args.get("next", "/")
        if urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
            target = "/"  # only a page of this site
        response = redirect(target)
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, httponly=True, samesite="Lax",
                            secure=request.is_secure)
        return response

    @app.get("/")
    def home() -> Response:
        s = g.session
        if s and s.role == "secretariat":
            return redirect(url_for("board"))
        if s and s.role == "student":
            return redirect(url_for("me"))
        return redirect(url_for("login"))

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Response | str:
        if request.method == "GET":
            response = make_response()
            if g.session is None:  # an anonymous session to carry the login form's CSRF token
                auth.start(g.store, response, "anonymous")
            response.set_data(render_template("login.html", error=None, name=""))
            return response
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or "?"
        if auth.limited(g.store, name, address):
            return render_template("login.html", name=name, error=_(
                "Too many failed attempts. Wait {minutes} minutes and try again.").format(
                minutes=auth.WINDOW_MINUTES)), 429
        if not auth.check_password(g.store, name, password):
            g.store.fail(f"user:{name}", f"addr:{address}")
            return render_template("login.html", name=name, error=_("Wrong user name or password.")), 401
        g.store.forget_failures(f"user:{name}")
        response = redirect(url_for("board"))
        auth.start(g.store, response, "secretariat", user=name)
        g.store.audit(name, "login", "-")
        return response

    @app.post("/logout")
    def logout() -> Response:
        if g.session:
            g.store.close_session(g.session.token_hash)
        response = redirect(url_for("login"))
        response.delete_cookie(auth.COOKIE)
        return response

    views.register(app)
    certificates.register_pages(app)
    packviews.register_pack_pages(app)
    return app


def _language() -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in UI_LANGS:
        return chosen
    return request.accept_languages.best_match(UI_LANGS, default="ja") or "ja"
