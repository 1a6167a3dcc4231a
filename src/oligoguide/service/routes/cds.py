"""CDS Hooks 2.0.1: discovery, the patient-view service and card feedback.

Every service call must carry the EHR's JWT (see cds_jwt.py); the case built from the prefetch
(or fetched from the EHR's FHIR server when it granted access) is assessed by the same engine
as every other face, stored in the registry as a new version, and linked from the card.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from oligoguide.fhir.assess_reading import assess_reading
from oligoguide.fhir.cds_hooks import (
    PATIENT_VIEW_SERVICE,
    REQUIRED_PREFETCH,
    SERVICE_ID,
    CdsRequest,
    CdsResponse,
    DiscoveryResponse,
    FeedbackRequest,
    assessment_to_cards,
    discovery,
    missing_prefetch,
    prefetch_to_bundle,
)
from oligoguide.fhir.read import bundle_to_case
from oligoguide.fhir.reading import BundleReading
from oligoguide.model import Case
from oligoguide.model.errors import issues_from_validation
from oligoguide.service.bodies import json_body
from oligoguide.service.case_keys import case_key_secret
from oligoguide.service.cds_jwt import JwtRefusedError, verify_cds_jwt
from oligoguide.service.fhir_client import FhirFetchError, fill_prefetch
from oligoguide.service.problems import ProblemError
from oligoguide.service.state import ServiceState, service_state

router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])


@router.get(
    "",
    response_model=DiscoveryResponse,
    response_model_exclude_none=True,
    summary="CDS Hooks discovery",
)
def cds_discovery() -> DiscoveryResponse:
    return discovery()


def _caller(request: Request, state: ServiceState, path: str) -> str:
    """The verified issuer of the EHR's JWT, or 401."""
    if state.settings.cds_allow_unauthenticated:
        return "cds:unauthenticated"
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ProblemError(
            401,
            "Authentication required",
            "CDS Hooks calls need the EHR's JWT",
            headers={"WWW-Authenticate": "Bearer"},
        )
    audience = f"{state.settings.public_url()}{path}"
    try:
        claims = verify_cds_jwt(
            token.strip(),
            audience,
            state.jwks,
            state.replay,
            max_lifetime=state.settings.cds_max_token_lifetime_seconds,
        )
    except JwtRefusedError as error:
        raise ProblemError(
            401,
            "Invalid JWT",
            str(error),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    return f"cds:{claims['iss']}"


def _service(service_id: str) -> None:
    if service_id != SERVICE_ID:
        raise ProblemError(404, "Unknown CDS service", f"no service {service_id!r}")


def _parse(data: Any) -> CdsRequest:
    try:
        return CdsRequest.model_validate(data)
    except ValidationError as error:
        issues = issues_from_validation(error)
        raise ProblemError(
            400, "Invalid CDS Hooks request", str(issues[0]), pointer=issues[0].pointer
        ) from None


def _case_for(request_body: CdsRequest, state: ServiceState) -> BundleReading:
    """The prefetch read leniently (an EHR record is what it is): what it left out is listed
    in the assessment's warnings and on a card of its own."""
    missing = missing_prefetch(request_body.prefetch)
    prefetch: dict[str, Any] = dict(request_body.prefetch or {})
    if missing:
        if request_body.fhirServer is None or request_body.fhirAuthorization is None:
            raise ProblemError(
                412,
                "Prefetch required",
                f"missing prefetch {', '.join(missing)} and no FHIR access granted"
                f" (required: {', '.join(REQUIRED_PREFETCH)})",
            )
        try:
            prefetch = fill_prefetch(request_body, missing, state.http)
        except FhirFetchError as error:
            raise ProblemError(424, "FHIR server unavailable", str(error)) from None
    _same_patient(request_body, prefetch)
    # _same_patient compared the EHR's real ids; the case id is then a keyed pseudonym.
    secret = case_key_secret(state)
    return bundle_to_case(prefetch_to_bundle(prefetch), case_key_secret=secret, lenient=True)


def _same_patient(request_body: CdsRequest, prefetch: dict[str, Any]) -> None:
    """Wrong-patient guard: the prefetched Patient must be the one the EHR has open."""
    open_patient = str(request_body.context.get("patientId", ""))
    patient = prefetch.get("patient")
    found = patient.get("id") if isinstance(patient, dict) else None
    if not open_patient or found != open_patient:
        raise ProblemError(
            400,
            "Prefetch is for another patient",
            f"context.patientId is {open_patient or 'missing'} but the prefetched Patient is "
            f"{found or 'missing'}; no card is given for a mismatched record",
            pointer="/prefetch/patient/id",
        )


def _store(state: ServiceState, case: Case, actor: str) -> str | None:
    """Keep the EHR's case in the registry (a new version when it changed); the UI link."""
    registry = state.registry
    if registry is None:
        return None
    from oligoguide.store import AlreadyExists

    try:
        record = registry.create_case(case, actor)
    except AlreadyExists:
        record = registry.update_case(case.case_id, case, actor)
    return f"{state.settings.public_url()}/ui/cases/{record.case_id}"


@router.post(
    "/{service_id}",
    response_model=CdsResponse,
    response_model_exclude_none=True,
    summary="Run a CDS service (patient-view)",
)
async def cds_call(service_id: str, request: Request) -> CdsResponse:
    _service(service_id)
    state = service_state(request)
    actor = _caller(request, state, f"/cds-services/{service_id}")
    body = _parse(await json_body(request))
    if body.hook != PATIENT_VIEW_SERVICE.hook:
        raise ProblemError(
            400, "Wrong hook", f"this service answers {PATIENT_VIEW_SERVICE.hook}", pointer="/hook"
        )
    # Reading the prefetch (or the EHR's FHIR server), the assessment and the registry writes
    # block: a worker thread does them, so the event loop keeps serving other requests.
    return await run_in_threadpool(_answer, body, state, actor)


def _answer(body: CdsRequest, state: ServiceState, actor: str) -> CdsResponse:
    reading = _case_for(body, state)
    case = reading.case
    result = assess_reading(reading)
    link = _store(state, case, actor)
    if link and state.registry is not None:
        state.registry.save_assessment(case.case_id, None, result, actor)
    report = link or f"{state.settings.public_url()}/v1/assess"
    return CdsResponse(cards=assessment_to_cards(result, report, reading.left_out))


@router.post("/{service_id}/feedback", status_code=200, summary="Card feedback from the EHR")
async def cds_feedback(service_id: str, request: Request) -> dict[str, int]:
    _service(service_id)
    state = service_state(request)
    actor = _caller(request, state, f"/cds-services/{service_id}/feedback")
    data = await json_body(request)
    try:
        feedback = FeedbackRequest.model_validate(data)
    except ValidationError as error:
        issues = issues_from_validation(error)
        raise ProblemError(
            400, "Invalid feedback", str(issues[0]), pointer=issues[0].pointer
        ) from None
    if state.registry is not None:
        for item in feedback.feedback:
            reason = (
                item.overrideReason.reason.code
                if item.overrideReason and item.overrideReason.reason
                else None
            )
            state.registry.record_event(
                actor,
                f"cds_feedback_{item.outcome}",
                "card",
                item.card,
                detail=f"reason={reason}" if reason else None,
            )
    return {"recorded": len(feedback.feedback)}
