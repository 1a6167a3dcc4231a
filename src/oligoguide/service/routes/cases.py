"""The case registry over HTTP: versioned cases, their assessments and reports."""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from oligoguide.assess import Assessment
from oligoguide.render.header import ReportMeta
from oligoguide.render.html import render_html
from oligoguide.render.pdf import render_pdf
from oligoguide.render.plots import all_figures
from oligoguide.service.auth import Caller, Role, require
from oligoguide.service.case_keys import LenientQuery, ReceivedCase, read_keyed_input
from oligoguide.service.downloads import report_attachment
from oligoguide.service.problems import ProblemError
from oligoguide.service.reassess import reassess
from oligoguide.service.routes.rt_params import (
    PlanFractions,
    RtDoseUpload,
    RtPlanUpload,
    RtStructUpload,
)
from oligoguide.service.state import current_caller, service_state
from oligoguide.store import CaseRecord, Registry

if TYPE_CHECKING:
    from oligoguide.dicom.rt_check import PlanCheckReport

router = APIRouter(prefix="/v1/cases", tags=["cases"])
CallerDep = Annotated[Caller, Depends(current_caller)]


def registry(request: Request) -> Registry:
    found = service_state(request).registry
    if found is None:
        raise ProblemError(503, "Registry unavailable", "this service runs without a registry")
    assert isinstance(found, Registry)
    return found


RegistryDep = Annotated[Registry, Depends(registry)]


class CaseSaved(BaseModel):
    case_id: str
    version: int
    content_hash: str
    assessment: Assessment


class CaseListItem(BaseModel):
    case_id: str
    patient_id: str
    primary_site: str
    latest_version: int
    updated_at: str
    disease_state: str | None
    assessed_version: int | None
    kb_version: str | None
    assessment_stale: bool


class CaseList(BaseModel):
    items: list[CaseListItem]
    total: int
    limit: int
    offset: int


class AssessmentEntry(BaseModel):
    id: int
    version: int
    kb_version: str
    input_hash: str
    disease_state: str
    created_at: str
    created_by: str
    assessment: dict[str, Any]


def _save(reg: Registry, received: ReceivedCase, caller: Caller, version: int) -> Assessment:
    """Assess and store; a FHIR Bundle's reading warnings are kept with the assessment."""
    result = received.assess()
    reg.save_assessment(received.case.case_id, version, result, caller.name)
    return result


# The registry writes and the CPU-bound assessment run in a worker thread (the routes are async
# only to read the body), so one large case never stalls the event loop and `/healthz`.


def _create(reg: Registry, received: ReceivedCase, caller: Caller) -> tuple[CaseRecord, Assessment]:
    record = reg.create_case(received.case, caller.name)
    return record, _save(reg, received, caller, record.version)


def _update(
    reg: Registry, case_id: str, received: ReceivedCase, caller: Caller, expected: int | None
) -> tuple[CaseRecord, Assessment]:
    record = reg.update_case(case_id, received.case, caller.name, expected)
    return record, _save(reg, received, caller, record.version)


@router.post("", status_code=201, response_model=CaseSaved, summary="Create a case")
async def create_case(
    request: Request,
    response: Response,
    caller: CallerDep,
    reg: RegistryDep,
    lenient: LenientQuery = False,
) -> CaseSaved:
    require(caller, Role.CLINICIAN)
    received = await read_keyed_input(request, lenient)
    case = received.case
    record, result = await run_in_threadpool(_create, reg, received, caller)
    response.headers["Location"] = f"/v1/cases/{case.case_id}"
    response.headers["ETag"] = f'"{record.version}"'
    return CaseSaved(
        case_id=case.case_id,
        version=record.version,
        content_hash=record.content_hash,
        assessment=result,
    )


@router.put("/{case_id}", response_model=CaseSaved, summary="Save an edit as a new version")
async def update_case(
    case_id: str,
    request: Request,
    response: Response,
    caller: CallerDep,
    reg: RegistryDep,
    lenient: LenientQuery = False,
) -> CaseSaved:
    """Send `If-Match: "<version>"` to refuse the write when someone saved a newer version."""
    require(caller, Role.CLINICIAN)
    expected = _if_match(request)
    received = await read_keyed_input(request, lenient)
    record, result = await run_in_threadpool(_update, reg, case_id, received, caller, expected)
    response.headers["ETag"] = f'"{record.version}"'
    return CaseSaved(
        case_id=case_id, version=record.version, content_hash=record.content_hash, assessment=result
    )


_IF_MATCH = re.compile(r'(?:W/)?"?([0-9]{1,18})"?')  # ASCII digits, well inside 64 bits


def _if_match(request: Request) -> int | None:
    """The version an edit expects, from `If-Match: "<version>"` (the ETag of a read).

    Anything else is a 400 naming the header, never a 500: thousands of digits (Python refuses
    to convert them), non-ASCII digits that `str.isdigit` accepts but `int` does not, `*`."""
    header = request.headers.get("if-match")
    if header is None:
        return None
    found = _IF_MATCH.fullmatch(header.strip())
    if found is None:
        raise ProblemError(
            400,
            "Invalid If-Match",
            'If-Match must be the ETag of the version being edited, e.g. If-Match: "3"',
        )
    return int(found.group(1))


@router.get("", response_model=CaseList, summary="List and search cases")
def list_cases(
    caller: CallerDep,
    reg: RegistryDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    state: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseList:
    page = reg.list_cases(caller.name, q, state, limit, offset)
    return CaseList(
        items=[
            CaseListItem(
                case_id=s.case_id,
                patient_id=s.patient_id,
                primary_site=s.primary_site,
                latest_version=s.latest_version,
                updated_at=s.updated_at.isoformat(),
                disease_state=s.disease_state,
                assessed_version=s.assessed_version,
                kb_version=s.kb_version,
                assessment_stale=s.assessment_stale,
            )
            for s in page.items
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{case_id}", summary="A case (latest version, or ?version=n)")
def get_case(
    case_id: str,
    response: Response,
    caller: CallerDep,
    reg: RegistryDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    record = reg.get_case(case_id, caller.name, version)
    response.headers["ETag"] = f'"{record.version}"'
    return record.case.model_dump(mode="json", exclude_defaults=True)


@router.get("/{case_id}/versions", summary="The versions of a case")
def case_versions(case_id: str, caller: CallerDep, reg: RegistryDep) -> list[dict[str, Any]]:
    return [
        {
            "version": v.version,
            "content_hash": v.content_hash,
            "created_at": v.created_at.isoformat(),
            "created_by": v.created_by,
        }
        for v in reg.case_versions(case_id, caller.name)
    ]


@router.get(
    "/{case_id}/assessments",
    response_model=list[AssessmentEntry],
    summary="Every stored assessment of a case, with its knowledge-base version",
)
def case_assessments(case_id: str, caller: CallerDep, reg: RegistryDep) -> list[AssessmentEntry]:
    return [
        AssessmentEntry(
            id=r.id,
            version=r.version,
            kb_version=r.kb_version,
            input_hash=r.input_hash,
            disease_state=r.disease_state,
            created_at=r.created_at.isoformat(),
            created_by=r.created_by,
            assessment=r.data,
        )
        for r in reg.assessments(case_id, caller.name)
    ]


ReportFormat = Literal["html", "pdf", "json", "fhir"]
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "fhir": "application/fhir+json",
}


@router.get("/{case_id}/report.{fmt}", summary="The assessment report: html, pdf, json or fhir")
def report(
    case_id: str,
    fmt: ReportFormat,
    caller: CallerDep,
    reg: RegistryDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    return _report(case_id, fmt, caller, reg, version)


def _report(
    case_id: str,
    fmt: ReportFormat,
    caller: Caller,
    reg: Registry,
    version: int | None,
    plan_check: PlanCheckReport | None = None,
) -> Response:
    record = reg.get_case(case_id, caller.name, version)
    # the current knowledge base (stored runs stay in /assessments), with the import's warnings
    result = reassess(reg, record, caller.name)
    body: bytes
    if fmt == "json" and plan_check is not None:
        data = result.model_dump(mode="json") | {
            "plan_dose_check": plan_check.model_dump(mode="json")
        }
        body = json.dumps(data, indent=2).encode()
    elif fmt == "json":
        body = result.model_dump_json(indent=2).encode()
    elif fmt == "fhir":
        from oligoguide.fhir.write import assessment_to_bundle

        body = json.dumps(assessment_to_bundle(result, record.case), indent=2).encode()
    else:
        figures = all_figures(record.case, result)
        meta = ReportMeta(record.version, record.created_by, caller.name)
        if fmt == "html":
            body = render_html(result, figures, meta, plan_check).encode()
        else:
            body = render_pdf(result, figures, meta, plan_check)
    digest = hashlib.sha256(body).hexdigest()[:16]
    headers = {"ETag": f'"{digest}"'}
    if fmt == "pdf":
        headers |= report_attachment(case_id, record.version, "pdf")  # as the UI names it
    return Response(body, media_type=MEDIA[fmt], headers=headers)


@router.post(
    "/{case_id}/report.{fmt}",
    summary="The report (html, pdf or json) with a treatment plan dose check of attached DICOM RT",
)
def report_with_plan(
    case_id: str,
    fmt: Literal["html", "pdf", "json"],
    caller: CallerDep,
    reg: RegistryDep,
    rtstruct: RtStructUpload,
    rtdose: RtDoseUpload,
    rtplan: RtPlanUpload = None,
    fractions: PlanFractions = None,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The GET report of the case, with a "Treatment plan dose check" section after the plan
    (json: the check under `plan_dose_check`), from the same `check_plan` as POST
    /v1/dose/check-plan; nothing is stored. A refused file is a 400 naming it."""
    try:  # the `dicom` extra
        from oligoguide.service.routes.dicom_rt import (
            PlanUploadError,
            check_uploaded_plan,
            refused,
            required_uploads,
        )
    except ImportError:  # pragma: no cover - the extra is part of `all`
        raise ProblemError(503, "Plan check unavailable", "needs the 'dicom' extra") from None
    reg.get_case(case_id, caller.name, version)  # an unknown case before reading any file
    structure, dose, plan = required_uploads(rtstruct, rtdose, rtplan)
    try:
        check = check_uploaded_plan(structure, dose, plan, fractions)
    except PlanUploadError as error:
        raise refused(error) from None
    return _report(case_id, fmt, caller, reg, version, check)
