"""Case pages: the list, a case, its assessment and reports, new-case entry and import."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from oligoguide.assess import Assessment, assess
from oligoguide.model import Case, CaseInputError, InputIssue, case_from_data
from oligoguide.model.vocab import DiseaseState
from oligoguide.render.plots import all_figures
from oligoguide.service.auth import Caller, Role
from oligoguide.service.bodies import MalformedJsonError, parse_json
from oligoguide.service.state import service_state
from oligoguide.service.ui import case_form as cf
from oligoguide.service.ui.views import lesion_table, plan_view, ref_numbers
from oligoguide.service.ui.web import Ui, UiDep, UiError
from oligoguide.store import (
    AlreadyExists,
    CaseNotFound,
    CaseRecord,
    Registry,
    StoreError,
    StoreUnavailable,
)

router = APIRouter()
PAGE_SIZE = 25
MAX_UPLOAD_BYTES = 1_000_000


def _registry(ui: Ui) -> Registry:
    found = service_state(ui.request).registry
    assert isinstance(found, Registry)
    return found


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except AlreadyExists:
        raise  # the caller says which field
    except CaseNotFound:
        raise UiError(404, "Case not found", "No case has this id. Search the case list.") from None
    except StoreUnavailable as error:
        raise UiError(503, "Registry unavailable", f"{error} Try again shortly.") from None
    except StoreError as error:
        raise UiError(400, "Request refused", str(error)) from None


def case_url(case_id: str) -> str:
    return f"/ui/cases/{quote(case_id, safe='')}"


@router.get("/")
def case_list(
    ui: UiDep,
    q: Annotated[str, Query(max_length=100)] = "",
    state: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    caller = ui.need()
    if state and state not in {s.value for s in DiseaseState}:
        state = ""
    with _store_errors():
        found = _registry(ui).list_cases(
            caller.name, q or None, state or None, PAGE_SIZE, (page - 1) * PAGE_SIZE
        )
    pages = max(1, -(-found.total // PAGE_SIZE))
    return ui.page(
        "cases.html",
        title="Cases",
        cases=found.items,
        total=found.total,
        q=q,
        state=state,
        page=page,
        pages=pages,
        flash=ui.session.take_flash(),
    )


def _load(ui: Ui, caller: Caller, case_id: str) -> tuple[CaseRecord, Assessment]:
    with _store_errors():
        record = _registry(ui).get_case(case_id, caller.name)
    return record, assess(record.case)  # the current knowledge base, like the REST reports


@router.get("/cases/new")
def new_case_form(ui: UiDep) -> Response:
    ui.need(Role.CLINICIAN)
    return _form_page(ui, {}, cf.BLANK_FORM, cf.Placed())


@router.post("/cases/new")
async def new_case(ui: UiDep) -> Response:
    caller = ui.need(Role.CLINICIAN)
    data = cf.parse_form(await ui.form())
    try:
        case = case_from_data(data)
    except CaseInputError as error:
        return _form_page(ui, data, cf.row_counts(data), _placed(data, error.issues), 422)
    try:
        return _store_new(ui, caller, case, "entered")
    except AlreadyExists:
        issue = InputIssue("/case_id", "a case with this id exists; choose another id")
        return _form_page(ui, data, cf.row_counts(data), _placed(data, [issue]), 409)


def _placed(data: dict[str, Any], issues: list[InputIssue]) -> cf.Placed:
    return cf.place_errors(issues, cf.row_counts(data))


def _form_page(
    ui: Ui, data: dict[str, Any], rows: cf.Rows, placed: cf.Placed, status: int = 200
) -> Response:
    return ui.page(
        "case_form.html",
        status=status,
        title="New case",
        values=cf.flatten(data),
        rows=rows,
        errors=placed.at,
        summary=placed.summary,
        form=cf,
    )


def _store_new(ui: Ui, caller: Caller, case: Case, how: str) -> Response:
    registry = _registry(ui)
    with _store_errors():
        record = registry.create_case(case, caller.name)
        registry.save_assessment(case.case_id, record.version, assess(case), caller.name)
    ui.session.flash.append(f"Case {case.case_id} {how} and assessed (version {record.version}).")
    return ui.redirect(case_url(case.case_id))


@router.get("/import")
def import_form(ui: UiDep) -> Response:
    ui.need(Role.CLINICIAN)
    return ui.page("import.html", title="Import a case", issues=[], error=None)


@router.post("/import")
async def import_case(ui: UiDep) -> Response:
    caller = ui.need(Role.CLINICIAN)
    form = await ui.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _import_error(ui, "Choose a file to upload.")
        raw = await upload.read(MAX_UPLOAD_BYTES + 1)
    finally:
        await form.close()  # the spooled upload file
    if len(raw) > MAX_UPLOAD_BYTES:
        return _import_error(ui, f"The file is larger than {MAX_UPLOAD_BYTES // 1000} kB.", 413)
    try:
        data = parse_json(raw)
    except MalformedJsonError as error:
        return _import_error(ui, f"The file is not valid JSON: {error}.")
    notes: list[str] = []
    try:
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            from oligoguide.fhir.read import bundle_to_case  # the FHIR face is optional

            reading = bundle_to_case(data, case_key_secret=_registry(ui).case_key_secret())
            case = reading.case
            notes = [f"Not used from the Bundle: {u}" for u in reading.unmapped]
        else:
            case = case_from_data(data)
    except CaseInputError as error:
        return _import_error(ui, "The file is not a valid case.", 422, error.issues)
    try:
        response = _store_new(ui, caller, case, "imported")
    except AlreadyExists:
        return _import_error(
            ui, f"A case with id {case.case_id} already exists.", 409, existing=case.case_id
        )
    ui.session.flash.extend(notes[:20])
    return response


def _import_error(
    ui: Ui,
    message: str,
    status: int = 400,
    issues: list[InputIssue] | None = None,
    existing: str | None = None,
) -> Response:
    return ui.page(
        "import.html",
        status=status,
        title="Import a case",
        error=message,
        issues=issues or [],
        existing=case_url(existing) if existing else None,
    )


@router.get("/cases/{case_id}")
def case_view(case_id: str, ui: UiDep) -> Response:
    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    with _store_errors():
        history = _registry(ui).assessments(case_id, caller.name)
    return ui.page(
        "case.html",
        title=f"Case {case_id}",
        record=record,
        case=record.case,
        a=result,
        table=lesion_table(record.case, result),
        figures=all_figures(record.case, result),
        history=history,
        flash=ui.session.take_flash(),
        base=case_url(case_id),
    )


@router.get("/cases/{case_id}/assessment")
def assessment_view(case_id: str, ui: UiDep) -> Response:
    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    return ui.page(
        "assessment.html",
        title=f"Plan - case {case_id}",
        record=record,
        a=result,
        plan=plan_view(result),
        numbers=lambda ids: ref_numbers(result, ids),
        base=case_url(case_id),
    )


_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/cases/{case_id}/report.html")
def report_html(case_id: str, ui: UiDep) -> Response:
    from oligoguide.render.html import render_html

    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    body = render_html(result, all_figures(record.case, result))
    return ui.finish(Response(body, media_type="text/html; charset=utf-8"))


@router.get("/cases/{case_id}/report.pdf")
def report_pdf(case_id: str, ui: UiDep) -> Response:
    from oligoguide.render.pdf import render_pdf

    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    body = render_pdf(result, all_figures(record.case, result))
    name = _FILENAME.sub("_", f"{case_id}-v{record.version}.pdf")
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return ui.finish(Response(body, media_type="application/pdf", headers=headers))
