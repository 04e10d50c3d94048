"""The pages: the status board, a case, editing a record, documents on demand, a student's own page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for

from pipeline.context import build_context
from pipeline.desk.cases import owners
from pipeline.desk.status import counts
from pipeline.errors import CeriError
from pipeline.renderers import RenderRequest, documents, render, unmet
from pipeline.renderers.form.limits import MAX_SIZE
from pipeline.web import edit, evalform, evaluation, packs, roster
from pipeline.web.i18n import _
from pipeline.web.snapshot import Snapshot

PAGE = 200  # rows of the board on one page
KINDS = ("student", "internship")
# documents made on demand here; certificates get their serial from the register (`ceri render`, packs)
ON_DEMAND = ("permit-checklist", "permit-application", "evaluation-form")
# what a student enters through their link: what the passport, the residence card and the address say
INTAKE = ("student.name.family", "student.name.given", "student.name.family_ja", "student.name.given_ja",
          "student.birth_date", "student.nationality", "student.address.postal_code",
          "student.address.prefecture", "student.address.ja", "student.address.en", "student.residence.status",
          "student.residence.period_of_stay.years", "student.residence.period_of_stay.months",
          "student.residence.expires_on", "student.residence.card_number", "student.residence.passport.number",
          "student.residence.passport.expires_on")


def secretariat(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        s = g.session
        if s is None or s.role == "anonymous":
            return redirect(url_for("login"))
        if s.role != "secretariat":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def snapshot() -> Snapshot:
    return g.records.current()


def register(app: Flask) -> None:
    @app.get("/board")
    @secretariat
    def board() -> str:
        snap = snapshot()
        if snap.records is None:
            return render_template("broken.html", problems=snap.problems)
        step = request.args.get("step", type=int)
        owner = request.args.get("owner") or None
        overdue = request.args.get("overdue") == "1"
        query = request.args.get("q", "").strip().casefold()
        page = max(1, request.args.get("page", 1, type=int))
        shown = [r for r in snap.board
                 if (step is None or r.step == step) and (not overdue or r.overdue)
                 and (owner is None or any(a.owner == owner for a in r.actions))
                 and (not query or query in f"{r.student} {r.internship} {r.name_en} {r.name_ja} "
                      f"{r.company_en} {r.company_ja}".casefold())]
        pages = max(1, -(-len(shown) // PAGE))
        return render_template("board.html", rows=shown[(page - 1) * PAGE: page * PAGE], total=len(shown),
                               all_counts=counts(snap.board), step=step, owner=owner, overdue=overdue,
                               q=request.args.get("q", ""), page=min(page, pages), pages=pages,
                               owner_keys=sorted(owners()), as_of=snap.as_of, everything=len(snap.board),
                               imported=request.args.get("imported", type=int))

    @app.get("/case/<internship>")
    @secretariat
    def case(internship: str) -> str:
        snap, row = _case(internship)
        records = snap.records
        i = records.internships[internship]
        student = records.students.get(i.student)
        docs = [(d, documents()[d], unmet(d, {"student": student, "internship": i})) for d in ON_DEMAND]
        fields = {k: edit.values(m, k) for k, m in (("student", student), ("internship", i))}
        pending = [(n, at, [(c, fields["student"].get(c.key, ""), changes[c.key])
                            for c in edit.form_columns("student") if c.key in changes])
                   for n, at, changes in g.store.pending(i.student)]
        return render_template("case.html", row=row, i=i, student=student, docs=docs, fields=fields, pending=pending,
                               columns={k: edit.form_columns(k) for k in KINDS}, saved=request.args.get("saved"),
                               build=packs.current(i.student), pack_zip=packs.zip_of(i.student, g.store.path.parent),
                               returned=g.store.returned(internship))

    @app.route("/case/<internship>/edit/<kind>", methods=["GET", "POST"])
    @secretariat
    def edit_record(internship: str, kind: str) -> Response | str | tuple[str, int]:
        if kind not in KINDS:
            abort(404)
        snap, row = _case(internship)
        records = snap.records
        record_id = internship if kind == "internship" else records.internships[internship].student
        if (kind, record_id) not in records.docs:
            abort(404)
        path, _index = edit._position(records, kind, record_id)
        cols = edit.form_columns(kind)
        if request.method == "GET":
            model = records.students[record_id] if kind == "student" else records.internships[record_id]
            current = edit.values(model, kind)
            return render_template("edit.html", row=row, kind=kind, cols=cols, values=current, seen=current,
                                   version=edit.version_of(path.read_bytes()), outcome=None)
        submitted = {c.key: request.form[c.key] for c in cols if c.key in request.form}
        seen = {c.key: request.form.get(f"seen.{c.key}", "") for c in cols}
        outcome = edit.save(records, kind, record_id, submitted, seen, request.form.get("version", ""))
        if outcome.saved:
            for c, _before, _after in outcome.changed:  # the log names the field, never its value
                g.store.audit(g.session.user, "edit", f"{kind}:{record_id}", c.key)
            return redirect(url_for("case", internship=internship, saved="1"))
        version = request.form.get("version", "")
        if outcome.conflicts:  # the form now stands on what is saved: a second save is a decision made
            version = edit.version_of(path.read_bytes())
            seen = {**seen, **{c.key: now for c, _seen, now in outcome.conflicts}}
        return render_template("edit.html", row=row, kind=kind, cols=cols, values={**seen, **submitted}, seen=seen,
                               version=version, outcome=outcome), 409 if outcome.conflicts else 422

    @app.get("/case/<internship>/document/<doc>.<lang>.pdf")
    @secretariat
    def document(internship: str, doc: str, lang: str) -> Response:
        if doc not in ON_DEMAND or lang not in ("ja", "en", "ja+en"):
            abort(404)
        snap, _row = _case(internship)
        i = snap.records.internships[internship]
        context = build_context(snap.records, i.student, internship, as_of=snap.as_of)
        data = render(RenderRequest(doc=doc, lang=lang, fmt="pdf", context=context))
        g.store.audit(g.session.user, "download", f"internship:{internship}", f"{doc}.{lang}.pdf")
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{internship}-{doc}.{lang}.pdf"'})

    @app.post("/case/<internship>/evaluation")
    @secretariat
    def evaluation_upload(internship: str) -> str:
        snap, row = _case(internship)
        upload = request.files.get("pdf")
        if upload is None or not upload.filename:
            raise CeriError(_("Choose the returned evaluation form (PDF) first."))
        pdf = upload.read(MAX_SIZE + 1)
        replace = request.form.get("replace") == "1"
        rb, diff = evaluation.read(snap.records, internship, pdf, "form.pdf", snap.as_of, replace=replace)
        token = evaluation.keep(g.store.path.parent, pdf)
        version = edit.version_of(Path(snap.records.docs[("internship", internship)].file).read_bytes())
        return render_template("evaluation.html", row=row, rb=rb, diff=diff, token=token, version=version,
                               block=evaluation.evaluation_yaml(rb), replace=replace)

    @app.get("/case/<internship>/evaluation/<upload>")
    @secretariat
    def evaluation_review(internship: str, upload: str) -> str:
        snap, row = _case(internship)
        if upload not in {u for u, _at in g.store.returned(internship)}:
            abort(404)
        pdf = evaluation.kept(g.store.path.parent, upload)
        rb, diff = evaluation.read(snap.records, internship, pdf, "form.pdf", snap.as_of, replace=True)
        version = edit.version_of(Path(snap.records.docs[("internship", internship)].file).read_bytes())
        return render_template("evaluation.html", row=row, rb=rb, diff=diff, token=upload, version=version,
                               block=evaluation.evaluation_yaml(rb), replace=True)

    @app.post("/case/<internship>/evaluation/merge")
    @secretariat
    def evaluation_merge(internship: str) -> Response:
        snap, row = _case(internship)
        token = request.form.get("token", "")
        data = g.store.path.parent
        replace = request.form.get("replace") == "1"
        rb, _diff = evaluation.read(snap.records, internship, evaluation.kept(data, token), "form.pdf",
                                    snap.as_of, replace=replace)
        evaluation.merge(snap.records, internship, rb, request.form.get("version", ""), data, token)
        g.store.returned_done(token)
        g.store.audit(g.session.user, "evaluation-merged", f"internship:{internship}", "evaluation")
        return redirect(url_for("case", internship=internship, saved="1"))

    @app.route("/roster", methods=["GET", "POST"])
    @secretariat
    def roster_upload() -> str | tuple[str, int]:
        if request.method == "GET":
            return render_template("roster.html", plan=None, problems=[], token="", name="")
        upload = request.files.get("roster")
        if upload is None or not upload.filename:
            raise CeriError(_("Choose the roster file first."))
        name = Path(upload.filename).name
        token = roster.keep(g.store.path.parent, upload.read(), name)
        p, problems = roster.plan(g.store.path.parent, token, g.records.folder, name)
        return render_template("roster.html", plan=p, problems=problems, token=token, name=name,
                               folder=g.records.folder), 422 if problems else 200

    @app.post("/roster/accept")
    @secretariat
    def roster_accept() -> Response:
        name = Path(request.form.get("name", "roster.xlsx")).name
        n = roster.accept(g.store.path.parent, request.form.get("token", ""), g.records.folder, name)
        g.store.audit(g.session.user, "import", "roster", f"{n} files")
        return redirect(url_for("board", imported=n))

    @app.route("/me", methods=["GET", "POST"])
    def me() -> str | tuple[str, int]:
        s = g.session
        if s is None or s.role != "student":
            abort(403)
        snap = snapshot()
        records = snap.records
        student = records.students.get(s.subject) if records else None
        if student is None:
            abort(404)
        rows = [r for r in snap.board if r.student == s.subject]
        cols = [c for c in edit.form_columns("student") if c.key in INTAKE]
        values, _version = edit.current_values(records, "student", s.subject)
        errors: dict[str, list[str]] = {}
        sent = False
        if request.method == "POST":
            typed = {c.key: request.form[c.key] for c in cols if c.key in request.form}
            changes, errors = edit.propose(records, s.subject, typed, INTAKE)
            values = {**values, **typed}
            if not errors:
                if changes:
                    g.store.propose(s.subject, changes)
                    g.store.audit(f"student:{s.subject}", "intake", f"student:{s.subject}", " ".join(changes))
                sent = True
        return render_template("me.html", student=student, rows=rows, cols=cols, values=values, errors=errors,
                               sent=sent), 422 if errors else 200

    @app.post("/case/<internship>/intake/<int:pending_id>/<decision>")
    @secretariat
    def intake(internship: str, pending_id: int, decision: str) -> Response:
        if decision not in ("accept", "reject"):
            abort(404)
        snap, row = _case(internship)
        proposals = {n: changes for n, _at, changes in g.store.pending(row.student)}
        if pending_id not in proposals:
            abort(404)
        if decision == "accept":
            current, version = edit.current_values(snap.records, "student", row.student)
            outcome = edit.save(snap.records, "student", row.student, {**current, **proposals[pending_id]},
                                current, version)
            if not outcome.saved:
                messages = [m for ms in outcome.errors.values() for m in ms]
                return Response(render_template("error.html", title=_("Cannot do this"),
                                                message="\n".join(messages)), 422)
            for c, _before, _after in outcome.changed:
                g.store.audit(g.session.user, "intake-accepted", f"student:{row.student}", c.key)
        g.store.decide(pending_id, row.student, "accepted" if decision == "accept" else "rejected", g.session.user)
        if decision == "reject":
            g.store.audit(g.session.user, "intake-rejected", f"student:{row.student}", str(pending_id))
        return redirect(url_for("case", internship=internship, saved="1" if decision == "accept" else None))

    @app.route("/company", methods=["GET", "POST"])
    def company() -> str | tuple[str, int]:
        s = g.session
        if s is None or s.role != "company":
            abort(403)
        snap, row = _case(s.subject)
        sent = False
        if request.method == "POST":
            upload = request.files.get("pdf")
            if upload is None or not upload.filename:
                raise CeriError(_("Choose the filled evaluation form (PDF) first."))
            pdf = upload.read(MAX_SIZE + 1)
            evaluation.read(snap.records, s.subject, pdf, Path(upload.filename).name, snap.as_of, replace=True)
            _returned(pdf)
            sent = True
        return render_template("company.html", row=row, sent=sent, items=evalform.items(), values={}, errors={})

    @app.post("/company/fill")
    def company_fill() -> str | tuple[str, int]:
        """The evaluation typed in the browser: checked as a returned PDF is, previewed, then sent."""
        s = g.session
        if s is None or s.role != "company":
            abort(403)
        snap, row = _case(s.subject)
        typed = {i.name: request.form.get(i.name, "") for i in evalform.items()}
        if request.form.get("back") == "1":
            return render_template("company.html", row=row, sent=False, items=evalform.items(), values=typed,
                                   errors={})
        rb, pdf, errors = evalform.read(snap.records, s.subject, typed, snap.as_of)
        if errors:
            return render_template("company.html", row=row, sent=False, items=evalform.items(), values=typed,
                                   errors=errors), 422
        if request.form.get("confirmed") != "1":
            return render_template("company_preview.html", row=row, rb=rb, values=typed, items=evalform.items())
        _returned(pdf)
        return render_template("company.html", row=row, sent=True, items=evalform.items(), values={}, errors={})

    def _returned(pdf: bytes) -> None:
        """Into review: the secretariat's case page offers it, as any form a company returned."""
        s = g.session
        g.store.add_returned(s.subject, evaluation.keep(g.store.path.parent, pdf))
        g.store.audit(f"company:{s.subject}", "evaluation-returned", f"internship:{s.subject}")

    @app.get("/company/evaluation-form.pdf")
    def company_form() -> Response:
        s = g.session
        if s is None or s.role != "company":
            abort(403)
        snap, _row = _case(s.subject)
        i = snap.records.internships[s.subject]
        context = build_context(snap.records, i.student, i.id, as_of=snap.as_of)
        data = render(RenderRequest(doc="evaluation-form", lang="ja+en", fmt="pdf", context=context))
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{i.id}-evaluation-form.pdf"'})

    @app.get("/i/<token>")
    def invite(token: str) -> Response:
        from pipeline.web import auth

        used = g.store.use_link(token)
        if used is None:
            return Response(render_template("error.html", title=_("Link not valid"), message=_(
                "This link has expired or was already used. Ask the secretariat for a new one.")), 410)
        role, subject = used
        response = redirect(url_for("me" if role == "student" else "company"))
        auth.start(g.store, response, role, subject=subject)
        g.store.audit(f"{role}:{subject}", "link-opened", subject)
        return response


def _case(internship: str):
    snap = snapshot()
    if snap.records is None or internship not in snap.by_internship:
        abort(404)
    return snap, snap.by_internship[internship]
