"""Who is asking: passwords (argon2), the session cookie, CSRF tokens, the login rate limit.

The cookie holds a random token (the database keeps its SHA-256); it is HttpOnly, SameSite=Lax, and Secure
when the request came over HTTPS (directly or through a reverse proxy that says so). Every POST carries the
session's CSRF token in a hidden field; a POST without it is refused before any view runs."""

from __future__ import annotations

import hmac
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Response, abort, g, request

from pipeline.web.store import SESSION_HOURS, Session, Store

COOKIE = "ceri_session"
MAX_FAILURES = 5  # failed logins per user name or client address …
WINDOW_MINUTES = 15  # … within this many minutes, then the form refuses until the window passes

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("a password nobody has")  # an unknown name costs the same time as a wrong password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(store: Store, name: str, password: str) -> bool:
    stored = store.password_hash(name)
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def limited(store: Store, name: str, address: str) -> bool:
    return any(store.failures(w, WINDOW_MINUTES) >= MAX_FAILURES for w in (f"user:{name}", f"addr:{address}"))


def current(store: Store) -> Session | None:
    token = request.cookies.get(COOKIE)
    return store.session(token) if token else None


def start(store: Store, response: Response, role: str, user: str | None = None,
          subject: str | None = None, link: str | None = None, until: datetime | None = None) -> Session:
    """A new session (a new token: a session id is never reused across a login) set on the response;
    `link`: the one-time link that opened it, `until`: when that link expires (the session ends by then)."""
    old = g.get("session")
    if old is not None:
        store.close_session(old.token_hash)
    token, session = store.open_session(role, user, subject, link=link, until=until)
    seconds = SESSION_HOURS * 3600
    if until is not None:
        seconds = max(0, min(seconds, int((until - store.now()).total_seconds())))
    response.set_cookie(COOKIE, token, max_age=seconds, httponly=True, samesite="Lax",
                        secure=request.is_secure, path="/")
    g.session = session
    return session


def check_csrf(session: Session | None) -> None:
    sent = request.form.get("csrf", "")
    if session is None or not sent or not hmac.compare_digest(sent, session.csrf):
        abort(403)
