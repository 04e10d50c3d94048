"""`ceri serve RECORDS_DIR`: the desk in a browser; `--add-user`, `--invite`, `--audit` manage it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, reports_errors
from pipeline.errors import CeriError
from pipeline.web.i18n import _  # the desk's catalogue (web.po), then ceri's
from pipeline.web.store import LINK_DAYS


@click.command("serve")
@click.argument("records_dir", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--add-user", "add_user", metavar="NAME", help="Add a secretariat user (or set a new password).")
@click.option("--invite", "invite", metavar="STUDENT_ID", help="Print a one-time link for this student.")
@click.option("--company-link", "company_link", metavar="INTERNSHIP_ID",
              help="Print a one-time link for the company of this internship (its evaluation form).")
@click.option("--link-days", "link_days", default=LINK_DAYS, show_default=True, type=click.IntRange(min=1),
              metavar="N", help="How many days a link of --invite/--company-link stays valid.")
@click.option("--url", default=None, metavar="URL",
              help="The desk's address as people reach it (for --invite; default http://HOST:PORT).")
@click.option("--audit", "show_audit", is_flag=True, help="Print the audit log: who changed what, when.")
@click.option("--trusted-proxy", default=None, metavar="ADDRESS",
              help="The reverse proxy's address: trust its X-Forwarded-Proto/-For headers (docs/serve.md).")
@click.option("--register", "register", default=None, metavar="PATH",
              help="The certificate register (default: as every command finds it); the desk's data lives beside it.")
@as_of_option
@reports_errors
def serve(records_dir: Path | None, host: str, port: int, add_user: str | None, invite: str | None,
          company_link: str | None, link_days: int, url: str | None, show_audit: bool, trusted_proxy: str | None, register: str | None,
          as_of: date | None) -> None:
    """The desk in a browser: status board, cases, editing, for the secretariat (docs/serve.md)."""
    from pipeline.errors import InputError
    from pipeline.records import load
    from pipeline.web.snapshot import RecordsCache
    from pipeline.web.store import DB_NAME, Store, data_dir

    if records_dir is not None and not records_dir.is_dir():
        raise CeriError(_("{path}: no such folder").format(path=records_dir))
    # the records first: their institution record may say where the register (and so the desk's data) is;
    # the desk itself loads and checks them now, not on the first person's request
    serving = not (add_user or show_audit or invite or company_link)
    cache = RecordsCache(records_dir, as_of) if records_dir is not None and serving else None
    records, problems = None, []
    if cache is not None:
        click.echo(_("Reading and checking the records in {path} …").format(path=records_dir))
        snap = cache.current()
        records, problems = snap.records, snap.problems
    elif records_dir is not None:
        try:
            records = load([records_dir])
        except InputError as exc:
            problems = exc.messages()
    store = Store(data_dir(register, records) / DB_NAME)
    if add_user:
        from pipeline.web.auth import hash_password

        password = click.prompt(_("Password for {name}").format(name=add_user), hide_input=True,
                                confirmation_prompt=True)
        if len(password) < 10:
            raise CeriError(_("a password needs at least 10 characters"))
        new = store.set_user(add_user, hash_password(password))
        store.audit("ceri serve", "add-user" if new else "set-password", f"user:{add_user}")
        click.echo(_("user {name} added").format(name=add_user) if new else
                   _("password of {name} changed").format(name=add_user))
        return
    if show_audit:
        for at, actor, action, target, detail in store.audit_log():
            click.echo("\t".join((at, actor, action, target, detail)))
        return
    if records_dir is None:
        raise click.UsageError(_("give the records folder: ceri serve RECORDS_DIR"))
    if invite or company_link:
        if records is None:
            raise CeriError("\n".join(problems))
        if invite and invite not in records.students:
            raise CeriError(_("--invite {id}: no such student in the records").format(id=invite))
        if company_link and company_link not in records.internships:
            raise CeriError(_("--company-link {id}: no such internship in the records").format(id=company_link))
        role, subject = ("student", invite) if invite else ("company", company_link)
        token = store.add_link(role, subject, "ceri serve", days=link_days)
        store.audit("ceri serve", "invite", f"{role}:{subject}")
        click.echo(f"{(url or f'http://{host}:{port}').rstrip('/')}/i/{token}")
        return
    import waitress

    from pipeline.web import create_app

    app = create_app(records_dir, store=store, as_of=as_of, register=register)
    app.extensions["ceri"]["records"] = cache  # loaded and checked above, not on the first person's request
    app.extensions["ceri"]["link_days"] = link_days  # for the links made with the case page's buttons
    click.echo(_("The desk is at http://{host}:{port}/ (Ctrl+C stops it)").format(host=host, port=port))
    options = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": "x-forwarded-proto x-forwarded-for",
               "clear_untrusted_proxy_headers": True} if trusted_proxy else {}
    waitress.serve(app, host=host, port=port, threads=8, ident="ceri", **options)
