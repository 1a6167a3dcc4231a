"""Errors as RFC 9457 problem details: status, title, detail and the offending field's pointer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from oligoguide.model.errors import CaseInputError, OligoguideError, pointer_of
from oligoguide.render.pdf import PdfUnavailableError

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    """Raise inside a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        pointer: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.pointer = pointer
        self.headers = headers or {}


def problem_response(
    status: int,
    title: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {})
    )


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for detail in exc.errors():
        location = tuple(p for p in detail.get("loc", ()) if p != "body")
        errors.append({"pointer": pointer_of(location), "detail": str(detail.get("msg", ""))})
    first = errors[0] if errors else {"pointer": "", "detail": "invalid request"}
    return problem_response(
        422, "Invalid request", f"{first['pointer'] or '/'}: {first['detail']}", errors
    )


def _model_validation(_: Request, exc: Exception) -> JSONResponse:
    """A model validated inside a route (not by FastAPI) refused its input: 422, not 500.
    Pointers are relative to the part the route validated (e.g. one dose point)."""
    assert isinstance(exc, ValidationError)
    errors = [
        {"pointer": pointer_of(tuple(d["loc"])), "detail": str(d["msg"])}
        for d in exc.errors(include_url=False)
    ]
    first = errors[0] if errors else {"pointer": "", "detail": "invalid request"}
    return problem_response(
        422, "Invalid request", f"{first['pointer'] or '/'}: {first['detail']}", errors
    )


def _case_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CaseInputError)
    errors = [{"pointer": i.pointer, "detail": i.message} for i in exc.issues]
    return problem_response(422, "Invalid case", str(exc), errors)


def _known(_: Request, exc: Exception) -> JSONResponse:
    return problem_response(400, "Request refused", str(exc))


def _problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    errors = [{"pointer": exc.pointer, "detail": exc.detail}] if exc.pointer is not None else None
    return problem_response(exc.status, exc.title, exc.detail, errors, exc.headers)


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem_response(exc.status_code, str(exc.detail), headers=exc.headers)


def _pdf_unavailable(_: Request, exc: Exception) -> JSONResponse:
    # The PDF engine's system libraries are missing (or it warned): the HTML report still works.
    assert isinstance(exc, PdfUnavailableError)
    return problem_response(503, "PDF report unavailable", str(exc))


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    # Never a traceback to the client; the server log names the type only (no patient data).
    return problem_response(500, "Internal error", f"unexpected {type(exc).__name__}")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(CaseInputError, _case_input)
    app.add_exception_handler(ValidationError, _model_validation)
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(PdfUnavailableError, _pdf_unavailable)
    app.add_exception_handler(OligoguideError, _known)
    app.add_exception_handler(Exception, _unexpected)
