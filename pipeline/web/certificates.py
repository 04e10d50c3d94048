"""The register at the desk (証明書発行台帳): every certificate issued, filtered by state and year, and its
revocation with a reason — the same `ledger.entries` and `ledger.revoke` as `ceri register list|revoke`,
on the register every command finds (pipeline.register.find). Only the secretariat sees these pages.

A revocation takes two steps: the reason is typed and checked, then a page shows what will be revoked and
asks once more; only that second POST (with the session's CSRF token, as every POST) revokes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, g, redirect, render_template, request, url_for

from pipeline.errors import CeriError
from pipeline.register import Register, find
from pipeline.register.ledger import MAX_REASON, check_reason, entries, get, revoke, status_of
from pipeline.register.serials import sweep
from pipeline.renderers import documents
from pipeline.web.i18n import _
from pipeline.web.views import secretariat, snapshot

PAGE = 200
# the states the office tells apart, in the order the filter offers them
STATES = ("issued", "editable", "superseded", "revoked", "void", "pending")


def state_of(item: dict[str, Any]) -> str:
    """issued | editable | superseded | revoked | void | pending: ledger.status_of's words, with a current
    Word certificate (its bytes are not sealed, its text is) told apart from a sealed PDF."""
    status = item["status"]
    if status == "current":
        return "editable" if item["kind"] == "editable" else "issued"
    return status


def state_label(state: str) -> str:
    return {"issued": _("issued"), "editable": _("issued (editable Word file)"), "superseded": _("superseded"),
            "revoked": _("revoked"), "void": _("void"), "pending": _("being issued")}[state]


def register_path() -> Path:
    """The institution's one register: --register of `ceri serve`, $CERI_REGISTER, the institution record's
    `register:`, else the user's data folder (as `ceri pack` and `ceri verify` find it)."""
    return find(current_app.extensions["ceri"].get("register"), snapshot().records).path


def register_pages(app: Flask) -> None:
    app.jinja_env.globals.update(state_label=state_label)

    @app.get("/register")
    @secretariat
    def certificates() -> str:
        path = register_path()
        state = request.args.get("state") or None
        year = request.args.get("year", type=int)
        items: list[dict[str, Any]] = []
        if path.is_file():
            with Register(path, create=False) as reg:
                sweep(reg)  # numbers of killed runs end void, as `ceri register list` settles them
                items = entries(reg)
        for item in items:
            item["state"] = state_of(item)
            item["year"] = int(item["issued_on"][:4])  # the year its number was counted in
        years = sorted({i["year"] for i in items}, reverse=True)
        shown = [i for i in items if (state is None or i["state"] == state) and (year is None or i["year"] == year)]
        shown.reverse()  # the newest first
        page = max(1, request.args.get("page", 1, type=int))
        pages = max(1, -(-len(shown) // PAGE))
        return render_template("register.html", items=shown[(page - 1) * PAGE: page * PAGE], total=len(shown),
                               everything=len(items), states=STATES, state=state, years=years, year=year,
                               page=min(page, pages), pages=pages, titles=_titles(), exists=path.is_file(),
                               revoked=request.args.get("revoked"))

    @app.route("/register/<serial>/revoke", methods=["GET", "POST"])
    @secretariat
    def revoke_certificate(serial: str) -> Response | str | tuple[str, int]:
        path = register_path()
        if not path.is_file():
            abort(404)
        with Register(path, create=False) as reg:
            row = get(reg, serial)
        if row is None:
            abort(404)
        item = {k: row[k] for k in row.keys()} | {"status": status_of(row)}
        item["state"] = state_of(item)
        if item["state"] in ("revoked", "void", "pending"):
            raise CeriError(_("{serial} is {state}: it cannot be revoked.").format(
                serial=serial, state=state_label(item["state"])))
        reason = request.form.get("reason", "") if request.method == "POST" else ""
        error = None
        if request.method == "POST":
            try:
                reason = check_reason(reason)
            except CeriError as exc:
                error = "\n".join(exc.messages())
        confirm = request.method == "POST" and error is None
        if confirm and request.form.get("confirmed") == "1":
            with Register(path, create=False) as reg:
                revoke(reg, serial, reason, g.records.as_of())
            g.store.audit(g.session.user, "revoke", f"certificate:{serial}")
            return redirect(url_for("certificates", revoked=serial))
        return render_template("revoke.html", item=item, reason=reason, error=error, confirm=confirm,
                               titles=_titles(), max_reason=MAX_REASON), 422 if error else 200


def _titles() -> dict[str, str]:
    return {name: kind.title.get(g.lang) or kind.title["en"] for name, kind in documents().items()}
