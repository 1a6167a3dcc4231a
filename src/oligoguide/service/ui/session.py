"""Server-side sessions for the web UI: who is signed in, and the CSRF token of their forms.

The browser holds only a random session id (cookie: HttpOnly, SameSite=Strict, Secure when the
public URL is https). The session keeps the API token it was opened with, so every request
re-checks it: a revoked token ends the session at once. Sessions live in memory, per process,
and expire after SESSION_IDLE_SECONDS without use.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request
from starlette.responses import Response

from oligoguide.service.auth import LOCAL_CALLER, Caller
from oligoguide.service.state import service_state

COOKIE = "oligoguide_session"
CSRF_FIELD = "csrf_token"
SESSION_IDLE_SECONDS = 8 * 3600
MAX_SESSIONS = 10_000


@dataclass
class Session:
    id: str
    csrf: str
    token: str | None = None  # the API token signed in with; None: anonymous (or local mode)
    seen: float = field(default_factory=time.monotonic)
    is_new: bool = False
    flash: list[str] = field(default_factory=list)  # shown once, on the next page

    def take_flash(self) -> list[str]:
        messages, self.flash = self.flash, []
        return messages


class SessionStore:
    """Sessions by id. Thread-safe: sync routes run in a thread pool."""

    def __init__(self, idle_seconds: float = SESSION_IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, token: str | None = None) -> Session:
        session = Session(
            id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), token=token, is_new=True
        )
        with self._lock:
            self._expire()
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.idle_seconds:
                del self._sessions[session_id]
                return None
            session.seen = now
            return session

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if now - s.seen > self.idle_seconds]:
            del self._sessions[key]
        while len(self._sessions) >= MAX_SESSIONS:  # a flood cannot grow memory: drop the
            # oldest anonymous session first, so signed-in users are the last to go
            oldest = min(self._sessions.values(), key=lambda s: (s.token is not None, s.seen))
            del self._sessions[oldest.id]


def store(request: Request) -> SessionStore:
    found: SessionStore = request.app.state.ui_sessions
    return found


def current_session(request: Request) -> Session:
    """The caller's session, or a new anonymous one (its cookie is set with the response)."""
    sessions = store(request)
    return sessions.get(request.cookies.get(COOKIE)) or sessions.new()


def caller_of(request: Request, session: Session) -> Caller | None:
    """Who the session acts as: its token's account, the local clinician, or nobody."""
    state = service_state(request)
    if session.token is not None:
        caller = state.tokens.caller_for(session.token)
        if caller is None:  # revoked since sign-in
            session.token = None
        return caller
    return LOCAL_CALLER if state.local_mode else None


def csrf_ok(session: Session, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(session.csrf, sent)


def set_cookie(request: Request, response: Response, session: Session) -> None:
    secure = (service_state(request).settings.base_url or "").startswith("https://")
    response.set_cookie(
        COOKIE,
        session.id,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
        max_age=SESSION_IDLE_SECONDS,
    )
