"""Shared set-up of the browser desk's tests: a copy of the examples, a desk database with one user."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from pipeline.web import create_app
from pipeline.web.auth import hash_password
from pipeline.web.store import Store

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 6, 1)
USER, PASSWORD = "tanaka", "correct horse battery"


def desk(tmp_path: Path):
    records = tmp_path / "records"
    shutil.copytree(ROOT / "examples", records)
    store = Store(tmp_path / "data" / "desk.sqlite")
    store.set_user(USER, hash_password(PASSWORD))
    return create_app(records, store=store, as_of=AS_OF), store, records


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def log_in(client, name: str = USER, password: str = PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf(page)})
