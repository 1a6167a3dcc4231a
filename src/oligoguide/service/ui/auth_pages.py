"""Sign in with an API token (the service's accounts), sign out."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from oligoguide.service.state import service_state
from oligoguide.service.ui.session import COOKIE, set_cookie, store
from oligoguide.service.ui.web import UiDep

router = APIRouter()
MAX_TOKEN_CHARS = 200


def safe_next(target: object) -> str:
    """Only a path inside the UI: never an open redirect to another site."""
    if isinstance(target, str) and target.startswith("/ui/") and "//" not in target:
        return target
    return "/ui/"


@router.get("/sign-in")
def sign_in_form(ui: UiDep, next: str = "/ui/") -> Response:
    return ui.page("sign_in.html", title="Sign in", next=safe_next(next), error=None)


@router.post("/sign-in")
async def sign_in(ui: UiDep) -> Response:
    form = await ui.form()
    token = str(form.get("token") or "").strip()
    target = safe_next(form.get("next"))
    caller = None
    if token and len(token) <= MAX_TOKEN_CHARS:
        caller = service_state(ui.request).tokens.caller_for(token)
    if caller is None:
        return ui.page(
            "sign_in.html",
            status=401,
            title="Sign in",
            next=target,
            error="This token is unknown or revoked. Paste the whole token, as it was given "
            "when the account was created.",
        )
    # A fresh session id at sign-in: a session id planted before sign-in is worth nothing.
    sessions = store(ui.request)
    sessions.drop(ui.session.id)
    session = sessions.new(token)
    response = RedirectResponse(target, status_code=303)
    set_cookie(ui.request, response, session)
    return response


@router.post("/sign-out")
async def sign_out(ui: UiDep) -> Response:
    await ui.form()
    store(ui.request).drop(ui.session.id)
    response = RedirectResponse("/ui/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
