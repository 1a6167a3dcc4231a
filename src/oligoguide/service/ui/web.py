"""What every UI route shares: templates, the per-request `Ui` (session, caller, CSRF), errors.

Pages are server-rendered with Jinja2 (autoescape on for every template). A route takes a `Ui`
dependency, calls `ui.need(role)` before doing anything a role guards, `await ui.form()` to read
a POSTed form (which checks the CSRF token), and returns `ui.page(template, ...)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import FormData

from oligoguide.knowledge import default_knowledge_base
from oligoguide.model.vocab import DiseaseState
from oligoguide.service.auth import Caller, Role
from oligoguide.service.state import service_state
from oligoguide.service.ui.session import (
    CSRF_FIELD,
    Session,
    caller_of,
    csrf_ok,
    current_session,
    set_cookie,
)

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its name
    trim_blocks=True,
    lstrip_blocks=True,
)


def state_label(state: str | None) -> str:
    return "not assessed" if not state else state.replace("_", " ")


env.filters["state_label"] = state_label
env.filters["label"] = lambda value: str(value).replace("_", " ")
env.filters["seg"] = lambda value: quote(str(value), safe="")
env.globals["DISEASE_STATES"] = [s.value for s in DiseaseState]


R = TypeVar("R", bound=Response)


class UiError(Exception):
    """Answered with the error page (status, a title, and what to do)."""

    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = detail


class SignInNeededError(Exception):
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class Ui:
    """One UI request: its session, who it acts as, and how to answer."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.session: Session = current_session(request)
        self.caller: Caller | None = caller_of(request, self.session)
        self.local_mode = service_state(request).local_mode

    @property
    def can_write(self) -> bool:
        return self.caller is not None and self.caller.role >= Role.CLINICIAN

    def need(self, role: Role = Role.READER) -> Caller:
        if self.caller is None:
            url = self.request.url
            raise SignInNeededError(url.path + (f"?{url.query}" if url.query else ""))
        if self.caller.role < role:
            raise UiError(
                403,
                "Not allowed",
                f"This needs the {role.name.lower()} role; you are signed in as "
                f"{self.caller.role.name.lower()}.",
            )
        return self.caller

    async def form(self) -> FormData:
        """The POSTed form, after the CSRF check (refused with 403 when it fails)."""
        form = await self.request.form()
        if not csrf_ok(self.session, form.get(CSRF_FIELD)):
            await form.close()  # a refused upload's spooled file, not left to the GC
            raise UiError(
                403,
                "Form expired",
                "The form's security token did not match your session (it may have expired, "
                "or the form came from another site). Reload the page and submit it again.",
            )
        return form

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(
            ui=self,
            caller=self.caller,
            csrf_field=CSRF_FIELD,
            csrf=self.session.csrf,
            kb_version=default_knowledge_base().version,
            path=self.request.url.path,
            **context,
        )
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> RedirectResponse:
        return self.finish(RedirectResponse(url, status_code=303))

    def finish(self, response: R) -> R:
        if self.session.is_new:
            set_cookie(self.request, response, self.session)
            self.session.is_new = False
        return response


UiDep = Annotated[Ui, Depends(Ui)]


def _ui_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UiError)
    ui = Ui(request)
    return ui.page("error.html", status=exc.status, title=exc.title, detail=exc.detail)


def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInNeededError)
    return RedirectResponse(f"/ui/sign-in?next={quote(exc.next_url, safe='/')}", status_code=303)


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UiError, _ui_error)
    app.add_exception_handler(SignInNeededError, _sign_in)
