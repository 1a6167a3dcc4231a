"""Case pages: the list, a case, its assessment and reports, new-case entry, editing, import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from oligoguide.assess import Assessment, assess
from oligoguide.model import Case, CaseInputError, InputIssue, case_from_data
from oligoguide.model.vocab import DiseaseState
from oligoguide.render.header import ReportMeta
from oligoguide.render.plots import all_figures
from oligoguide.service.auth import Caller, Role
from oligoguide.service.bodies import MalformedJsonError, parse_json
from oligoguide.service.downloads import report_attachment
from oligoguide.service.reassess import reassess
from oligoguide.service.state import service_state
from oligoguide.service.ui import case_form as cf
from oligoguide.service.ui.case_edit import Editing, kept_parts, shown_part, stored_data, with_kept
from oligoguide.service.ui.scan_entry import PLAUSIBLE_MAX_MM, expand_scans, grid_for
from oligoguide.service.ui.views import lesion_table, plan_view, ref_numbers
from oligoguide.service.ui.web import Ui, UiDep, UiError
from oligoguide.service.ui.wording import missing_item
from oligoguide.store import (
    AlreadyExists,
    CaseNotFound,
    CaseRecord,
    Registry,
    StoreError,
    StoreUnavailable,
    VersionConflict,
)

router = APIRouter()
PAGE_SIZE = 25
MAX_UPLOAD_BYTES = 1_000_000
VERSION_FIELD = "edited_version"  # no leading '/': parse_form leaves it out of the case


def _registry(ui: Ui) -> Registry:
    found = service_state(ui.request).registry
    assert isinstance(found, Registry)
    return found


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except (AlreadyExists, VersionConflict):
        raise  # the caller shows them on the form
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
    # the current knowledge base, like the REST reports, with the import's warnings
    return record, reassess(_registry(ui), record, caller.name)


@router.get("/cases/new")
def new_case_form(ui: UiDep) -> Response:
    ui.need(Role.CLINICIAN)
    return _form_page(ui, {}, cf.BLANK_FORM, cf.Placed())


@router.post("/cases/new")
async def new_case(ui: UiDep) -> Response:
    caller = ui.need(Role.CLINICIAN)
    data = cf.parse_form(expand_scans(await ui.form()))
    try:
        case = case_from_data(data, text_values=True)  # a form sends every value as text
    except CaseInputError as error:
        return _refused(ui, data, error.issues, 422)
    try:
        return await run_in_threadpool(_store_new, ui, caller, case, "entered")
    except AlreadyExists:
        issue = InputIssue("/case_id", "a case with this id exists; choose another id")
        return _refused(ui, data, [issue], 409)


@router.get("/cases/{case_id}/edit")
def edit_case_form(case_id: str, ui: UiDep) -> Response:
    caller = ui.need(Role.CLINICIAN)
    with _store_errors():
        record = _registry(ui).get_case(case_id, caller.name)
    stored = stored_data(record.case)
    data = shown_part(stored)
    editing = Editing(case_id, record.version, kept_parts(stored))
    return _form_page(ui, data, cf.row_counts(data), cf.Placed(), editing=editing)


@router.post("/cases/{case_id}/edit")
async def edit_case(case_id: str, ui: UiDep) -> Response:
    caller = ui.need(Role.CLINICIAN)
    form = await ui.form()
    base = _edited_version(form.get(VERSION_FIELD))
    posted = cf.parse_form(expand_scans(form))
    with _store_errors():
        stored = stored_data(_registry(ui).get_case(case_id, caller.name, base).case)
    editing = Editing(case_id, base, kept_parts(stored))
    if posted.get("case_id") != case_id:  # the input is read-only: only a forged form gets here
        issue = InputIssue(
            "/case_id",
            f"the case ID cannot be changed by an edit (sent {posted.get('case_id', '')!r})",
        )
        return _refused(ui, posted | {"case_id": case_id}, [issue], 422, editing)
    data = with_kept(posted, stored)
    try:
        case = case_from_data(data, text_values=True)  # a form sends every value as text
    except CaseInputError as error:
        return _refused(ui, data, error.issues, 422, editing)
    registry = _registry(ui)
    try:
        with _store_errors():
            record = registry.update_case(case_id, case, caller.name, base)
    except VersionConflict as conflict:
        return _conflict(ui, caller, data, editing, conflict)
    how = "edited and re-assessed" if record.version > base else "unchanged; re-assessed"
    return await run_in_threadpool(_assess_and_show, ui, caller, case, record.version, how)


def _edited_version(raw: object) -> int:
    if isinstance(raw, str) and raw.isdigit() and 0 < int(raw) < 10**9:
        return int(raw)
    raise UiError(
        400,
        "Form incomplete",
        "The form did not say which version it edits. Open the case and edit it again.",
    )


def _conflict(
    ui: Ui, caller: Caller, data: dict[str, Any], editing: Editing, conflict: VersionConflict
) -> Response:
    with _store_errors():
        latest = _registry(ui).get_case(editing.case_id, caller.name)
    message = (
        f"Not saved: version {latest.version} of this case was saved by {latest.created_by} at "
        f"{latest.created_at:%Y-%m-%d %H:%M} after you opened version {conflict.expected}. "
        "Nothing was overwritten. Open the latest version and enter your changes again; "
        "what you typed is shown below."
    )
    shown = replace(editing, conflict=message)
    return _form_page(ui, data, cf.row_counts(data), cf.Placed(), 409, shown)


def _refused(
    ui: Ui,
    data: dict[str, Any],
    issues: list[InputIssue],
    status: int,
    editing: Editing | None = None,
) -> Response:
    rows = cf.row_counts(data)
    return _form_page(ui, data, rows, cf.place_errors(issues, rows), status, editing)


def _form_page(
    ui: Ui,
    data: dict[str, Any],
    rows: cf.Rows,
    placed: cf.Placed,
    status: int = 200,
    editing: Editing | None = None,
) -> Response:
    return ui.page(
        "case_form.html",
        status=status,
        title=f"Edit case {editing.case_id}" if editing else "New case",
        values=cf.flatten(data),
        rows=rows,
        errors=placed.at,
        summary=placed.summary,
        form=cf,
        editing=editing,
        version_field=VERSION_FIELD,
        case_link=case_url(editing.case_id) if editing else "",
        today=dt.date.today().isoformat(),  # date inputs: max, and flagged at once by ui.js
        # by scan: two scans (baseline, restaging) for a new case, the next scan for an edit
        scan_grid=grid_for(data, rows.lesions, 1 if editing else 2),
        plausible_max_mm=PLAUSIBLE_MAX_MM,
    )


def _store_new(ui: Ui, caller: Caller, case: Case, how: str) -> Response:
    with _store_errors():
        record = _registry(ui).create_case(case, caller.name)
    return _assess_and_show(ui, caller, case, record.version, f"{how} and assessed")


def _assess_and_show(ui: Ui, caller: Caller, case: Case, version: int, how: str) -> Response:
    """Store the assessment of the version just written, and go to the case page. Blocking
    (CPU-bound assess, registry writes): async routes call it, or `_store_new`, in a worker
    thread so that one large case never stalls the event loop."""
    with _store_errors():
        _registry(ui).save_assessment(case.case_id, version, assess(case), caller.name)
    ui.session.flash.append(f"Case {case.case_id} {how} (version {version}).")
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
        response = await run_in_threadpool(_store_new, ui, caller, case, "imported")
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
    from oligoguide.knowledge import default_knowledge_base
    from oligoguide.render.wording import Wording

    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    with _store_errors():
        history = _registry(ui).assessments(case_id, caller.name)
    return ui.page(
        "case.html",
        clean=Wording(result, default_knowledge_base()).clean,
        title=f"Case {case_id}",
        record=record,
        case=record.case,
        a=result,
        table=lesion_table(record.case, result),
        figures=all_figures(record.case, result),
        history=history,
        flash=ui.session.take_flash(),
        base=case_url(case_id),
        missing=lambda item: missing_item(item, record.case),
        form_id=cf.field_id,
    )


@router.get("/cases/{case_id}/assessment")
def assessment_view(case_id: str, ui: UiDep) -> Response:
    from oligoguide.knowledge import default_knowledge_base
    from oligoguide.render.wording import Wording

    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    wording = Wording(result, default_knowledge_base())
    return ui.page(
        "assessment.html",
        title=f"Plan - case {case_id}",
        record=record,
        a=result,
        plan=plan_view(result, wording.clean),
        clean=wording.clean,
        numbers=lambda ids: ref_numbers(result, ids),
        base=case_url(case_id),
        missing=lambda item: missing_item(item, record.case),
        form_id=cf.field_id,
    )


@router.get("/cases/{case_id}/report.html")
def report_html(case_id: str, ui: UiDep) -> Response:
    from oligoguide.render.html import render_html

    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    meta = ReportMeta(record.version, record.created_by, caller.name)
    body = render_html(result, all_figures(record.case, result), meta)
    return ui.finish(Response(body, media_type="text/html; charset=utf-8"))


@router.get("/cases/{case_id}/report.pdf")
def report_pdf(case_id: str, ui: UiDep) -> Response:
    from oligoguide.render.pdf import render_pdf

    caller = ui.need()
    record, result = _load(ui, caller, case_id)
    meta = ReportMeta(record.version, record.created_by, caller.name)
    body = render_pdf(result, all_figures(record.case, result), meta)
    headers = report_attachment(case_id, record.version, "pdf")
    return ui.finish(Response(body, media_type="application/pdf", headers=headers))
