"""The web UI for the tumour board: server-rendered pages under /ui over the same core and registry.

    session.py     server-side sessions, CSRF token, cookie flags
    web.py         templates, the per-request `Ui` (caller, CSRF check, page), error pages
    auth_pages.py  sign in with an API token, sign out
    case_pages.py  case list, case, assessment, reports, new case, import
    sr_pages.py    DICOM SR measurement reports uploaded: a new case, or a case's new version
    plan_report.py a case's report with a treatment plan dose check (DICOM RT files attached)
    plan_upload.py the RT files of a UI form, checked by the REST routes' code
    case_form.py   the case form: inputs named by JSON pointer, errors placed at the input
    versions.py    case history: one stored version, and what changed between two versions
    views.py       view models of a case and its plan
    tool_pages.py  dose calculator, Ask, knowledge-base browser
    kb_view.py     evidence items and where they are used

Everything is served by the app itself (templates/, static/): no CDN, no inline script.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from oligoguide.service.ui import (
    auth_pages,
    case_pages,
    plan_report,
    sr_pages,
    tool_pages,
    versions,
)
from oligoguide.service.ui.session import SessionStore
from oligoguide.service.ui.web import STATIC, UiDep, UiError, install_handlers

router = APIRouter(prefix="/ui", include_in_schema=False)
router.include_router(auth_pages.router)
router.include_router(case_pages.router)
router.include_router(sr_pages.router)
router.include_router(plan_report.router)
router.include_router(versions.router)
router.include_router(tool_pages.router)


@router.get("/{rest:path}")
def not_found(rest: str, ui: UiDep) -> Response:
    raise UiError(404, "Page not found", "There is no such page. Start from the case list.")


def _home() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


def _favicon() -> RedirectResponse:
    return RedirectResponse("/ui/static/favicon.svg", status_code=308)


def install(app: FastAPI) -> None:
    """Serve the UI (needs the case registry): pages under /ui, assets under /ui/static."""
    app.state.ui_sessions = SessionStore()
    install_handlers(app)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    app.include_router(router)
    app.add_api_route("/", _home, methods=["GET"], include_in_schema=False)
    app.add_api_route("/favicon.ico", _favicon, methods=["GET"], include_in_schema=False)


__all__ = ["install", "router"]
