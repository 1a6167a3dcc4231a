"""Stateless computation: assess a case, describe the knowledge base, radiobiology.

Request models are strict: JSON types are taken as sent, never converted (`true` is not 1,
`"3"` is not 3, `1.0` is not an integer), and a refusal names the field by its JSON pointer
from the root of the body (`/points/0/metric`). Enumerations alone are read from their JSON
string (FastAPI validates the parsed body in Python mode, where a strict enum wants a member).
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from oligoguide.ask import Answer, ask
from oligoguide.assess import Assessment
from oligoguide.dose import (
    ConstraintReport,
    DosePoint,
    PriorCourse,
    ScheduleSuggestion,
    bed,
    check_constraints,
    eqd2,
    suggest_schedule,
)
from oligoguide.knowledge import default_knowledge_base
from oligoguide.model.vocab import Site
from oligoguide.service.auth import Caller
from oligoguide.service.case_keys import LenientQuery, received_case
from oligoguide.service.state import current_caller, service_state

router = APIRouter(prefix="/v1", tags=["compute"])
CallerDep = Annotated[Caller, Depends(current_caller)]


@router.post("/assess", response_model=Assessment, summary="Assess a case (JSON or FHIR Bundle)")
async def assess_case(request: Request, lenient: LenientQuery = False) -> Assessment:
    """Send a case as `application/json`, or an mCODE Bundle as `application/fhir+json`."""
    raw = await request.body()
    # The token check (a registry query), reading the case and assessing it (CPU-bound) in one
    # crossing to the compute lane (service/compute_lane.py: one thread by default, requests
    # in turn): the event loop keeps serving (/healthz), and a queue under load does not turn
    # into dozens of threads contending for the GIL (docs/reliability.md, "Latency at fixed
    # load"). The caller is checked first, so an anonymous request is refused before its body
    # is parsed.
    return await service_state(request).compute.run(_assess_request, request, raw, lenient)


def _assess_request(request: Request, raw: bytes, lenient: bool) -> Assessment:
    current_caller(request)
    return received_case(request, raw, lenient).assess()


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(min_length=1, max_length=2000)
    retriever: Literal["lexical", "dense", "hybrid"] = "lexical"


@router.post("/ask", response_model=Answer, summary="A cited answer to a clinical question")
async def ask_question(body: AskRequest, _: CallerDep, request: Request) -> Answer:
    return await service_state(request).compute.run(ask, body.question, body.retriever)


class KbSummary(BaseModel):
    version: str
    released: str
    evidence: int
    statements: int
    by_kind: dict[str, int]
    by_grade: dict[str, int]


@router.get("/kb", response_model=KbSummary, summary="Knowledge-base version and counts")
def kb_summary(_: CallerDep) -> KbSummary:
    kb = default_knowledge_base()
    return KbSummary(
        version=kb.version,
        released=str(kb.manifest.released),
        evidence=len(kb.evidence),
        statements=len(kb.statements),
        by_kind=dict(Counter(e.kind.value for e in kb.evidence.values())),
        by_grade=dict(Counter(s.grade.value for s in kb.statements.values())),
    )


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    total_gy: float = Field(gt=0, le=200)
    fractions: int = Field(ge=1, le=60)
    alpha_beta: float = Field(default=10.0, gt=0, le=100)


class Radiobiology(BaseModel):
    total_gy: float
    fractions: int
    alpha_beta: float
    bed_gy: float
    eqd2_gy: float


@router.post("/dose/bed", response_model=Radiobiology, summary="BED and EQD2 of a schedule")
def dose_bed(body: Schedule, _: CallerDep) -> Radiobiology:
    return Radiobiology(
        **body.model_dump(),
        bed_gy=round(bed(body.total_gy, body.fractions, body.alpha_beta), 2),
        eqd2_gy=round(eqd2(body.total_gy, body.fractions, body.alpha_beta), 2),
    )


class ScheduleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    site: Site = Field(strict=False)  # its JSON string; any other value is still refused
    diameter_mm: float | None = Field(default=None, gt=0, le=500)
    central: bool = False
    ultracentral: bool = False
    lesion_count: int | None = Field(default=None, ge=1, le=100)


@router.post("/dose/schedule", response_model=ScheduleSuggestion, summary="Cited schedule")
def dose_schedule(body: ScheduleRequest, _: CallerDep) -> ScheduleSuggestion:
    return suggest_schedule(
        body.site,
        body.diameter_mm,
        central=body.central,
        ultracentral=body.ultracentral,
        lesion_count=body.lesion_count,
    )


class CheckRequest(BaseModel):
    """Points and prior courses are validated here, as part of the body (the dose models are
    strict), so an error points into the body: `/points/0/metric`, `/prior_courses/1/...`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    total_gy: float | None = Field(default=None, gt=0, le=200)
    fractions: int = Field(ge=1, le=60)
    points: list[DosePoint] = Field(min_length=1, max_length=200)
    prior_courses: list[PriorCourse] = Field(default_factory=list, max_length=20)


@router.post("/dose/check", response_model=ConstraintReport, summary="Organ-at-risk check")
def dose_check(body: CheckRequest, _: CallerDep) -> ConstraintReport:
    return check_constraints(body.total_gy, body.fractions, body.points, body.prior_courses)
