"""The case report with a treatment plan dose check, from the case page (docs/dicom.md): the
plan's DICOM RT files attached, the report (HTML or PDF) answered with its "Treatment plan dose
check" section. The UI face of POST /v1/cases/{id}/report.{html,pdf}: the same file check
(`check_uploaded_plan`) and the same report (`routes.cases._report`). Nothing is stored.

A missing file, a fraction count out of range or a refused file shows this page's form again,
naming the file and the DICOM attribute.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from oligoguide.service.problems import ProblemError
from oligoguide.service.state import service_state
from oligoguide.service.ui import case_pages as cp
from oligoguide.service.ui.plan_upload import FRACTIONS_FIELD, read_plan_form, run_plan_check
from oligoguide.service.ui.web import Ui, UiDep, UiError

router = APIRouter()
Format = Literal["html", "pdf"]


def _page(ui: Ui, case_id: str, version: int, status: int = 200, **context: Any) -> Response:
    limit = service_state(ui.request).settings.max_upload_bytes
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return ui.page(
        "plan_report.html",
        status=status,
        title=f"Report with a plan dose check - case {case_id}",
        case_id=case_id,
        version=version,
        base=cp.case_url(case_id),
        upload_limit=f"{limit / 1_000_000:g} MB",
        **context,
    )


@router.get("/cases/{case_id}/plan-report")
def plan_report_form(case_id: str, ui: UiDep) -> Response:
    caller = ui.need()
    with cp._store_errors():
        record = cp._registry(ui).get_case(case_id, caller.name)
    return _page(ui, case_id, record.version)


@router.post("/cases/{case_id}/plan-report")
async def plan_report(case_id: str, ui: UiDep) -> Response:
    caller = ui.need()
    raw = await ui.form()
    try:
        registry = cp._registry(ui)
        with cp._store_errors():  # an unknown case before any file is read
            record = registry.get_case(case_id, caller.name)
        fmt: Format = "pdf" if raw.get("format") == "pdf" else "html"
        plan = read_plan_form(raw)
        values = {FRACTIONS_FIELD: plan.fractions_text}
        if plan.errors:
            return _page(ui, case_id, record.version, 422, errors=plan.errors, values=values)
        try:
            from oligoguide.service.routes.cases import _report
            from oligoguide.service.routes.dicom_rt import PlanUploadError
        except ImportError:  # pragma: no cover - the dicom extra is part of `all`
            problem = "DICOM support is not installed on this server."
            return _page(ui, case_id, record.version, 503, problem=problem, values=values)
        try:
            report = await run_plan_check(plan)
        except PlanUploadError as error:
            if error.part == "fractions":
                errors = {FRACTIONS_FIELD: error.text.removeprefix("fractions: ")}
                return _page(ui, case_id, record.version, 422, errors=errors, values=values)
            return _page(ui, case_id, record.version, 400, problem=error.text, values=values)
    finally:
        await raw.close()  # the spooled uploads, once the check has copied them
    try:  # the version whose report was asked for, even if another is saved meanwhile
        response = await run_in_threadpool(
            _report, case_id, fmt, caller, registry, record.version, report
        )
    except ProblemError as error:  # e.g. PDF rendering not installed (503)
        raise UiError(error.status, error.title, error.detail) from None
    return ui.finish(response)
