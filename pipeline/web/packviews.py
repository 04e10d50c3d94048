"""The pages of a pack build: start it (POST), follow it (a page that refreshes itself, or its JSON for a
script), download the recipient zips and the student's whole zip. Secretariat only."""

from __future__ import annotations

from flask import Flask, Response, abort, g, jsonify, redirect, render_template, send_file, url_for

from pipeline.web import packs
from pipeline.web.certificates import register_path
from pipeline.web.views import _case, secretariat

REFRESH_SECONDS = 1


def register_pack_pages(app: Flask) -> None:
    @app.post("/case/<internship>/pack")
    @secretariat
    def build_pack(internship: str) -> Response:
        snap, row = _case(internship)  # the records as they are now: the build reads only this snapshot
        _build, started = packs.start(snap, g.records.folder, row.student, g.store.path.parent, register_path(),
                                      g.session.user)
        if started:
            g.store.audit(g.session.user, "pack", f"student:{row.student}")
        return redirect(url_for("pack_progress", internship=internship))

    @app.get("/case/<internship>/pack")
    @secretariat
    def pack_progress(internship: str) -> Response | str:
        _snap, row = _case(internship)
        build = packs.current(row.student)
        if build is None:
            return redirect(url_for("case", internship=internship))
        # while it runs the page refreshes itself (<meta http-equiv=refresh>): no script needed
        return render_template("pack.html", row=row, build=build, refresh=REFRESH_SECONDS,
                               zips=[] if build.running else packs.recipient_zips(row.student, g.store.path.parent),
                               whole=None if build.running else packs.zip_of(row.student, g.store.path.parent))

    @app.get("/case/<internship>/pack.json")
    @secretariat
    def pack_progress_json(internship: str) -> Response:
        _snap, row = _case(internship)
        build = packs.current(row.student)
        return jsonify(build.as_json() if build else {"state": "none"})

    @app.get("/case/<internship>/pack.zip")
    @secretariat
    def pack_zip(internship: str) -> Response:
        _snap, row = _case(internship)
        path = packs.zip_of(row.student, g.store.path.parent)
        if path is None:
            abort(404)
        g.store.audit(g.session.user, "download", f"student:{row.student}", "pack.zip")
        return send_file(path, mimetype="application/zip", as_attachment=True, download_name=f"{row.student}.zip")

    @app.get("/case/<internship>/packs/<name>")
    @secretariat
    def recipient_zip(internship: str, name: str) -> Response:
        _snap, row = _case(internship)
        path = next((p for p in packs.recipient_zips(row.student, g.store.path.parent) if p.name == name), None)
        if path is None:
            abort(404)
        g.store.audit(g.session.user, "download", f"student:{row.student}", name)
        return send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
