"""Links made at the desk: a button on the case page does what `ceri serve --invite` and
`--company-link` do, for office staff who never open a terminal. The link is shown once, on the page that
made it (only its hash is kept), with the address the browser used to reach the desk."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, render_template, request

from pipeline.web.store import LINK_DAYS
from pipeline.web.views import _case, secretariat

ROLES = ("student", "company")


def register_invite_pages(app: Flask) -> None:
    @app.post("/case/<internship>/link/<role>")
    @secretariat
    def make_link(internship: str, role: str) -> str:
        if role not in ROLES:
            abort(404)
        _snap, row = _case(internship)
        subject = row.student if role == "student" else internship
        days = current_app.extensions["ceri"].get("link_days", LINK_DAYS)  # `ceri serve --link-days`
        token = g.store.add_link(role, subject, g.session.user, days=days)
        g.store.audit(g.session.user, "invite", f"{role}:{subject}")
        link = request.host_url.rstrip("/") + f"/i/{token}"  # as the proxy reports the host, when trusted
        return render_template("link.html", row=row, role=role, link=link, days=days)
