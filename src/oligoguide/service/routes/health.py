"""Liveness: the process answers and its knowledge base is loaded, with its review status."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from oligoguide.knowledge import default_knowledge_base, review_overdue

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    kb_version: str
    kb_review_by: dt.date
    kb_review_overdue: bool = Field(
        description="Past kb_review_by: assessments carry a caution until the base is re-reviewed"
    )


@router.get("/healthz", response_model=Health, summary="Liveness and knowledge-base version")
def healthz() -> Health:
    # An overdue base stays "ok": it is stale, not broken, and a failing liveness probe would
    # restart the service in a loop instead of getting the base reviewed.
    kb = default_knowledge_base()
    return Health(
        status="ok",
        kb_version=kb.version,
        kb_review_by=kb.manifest.review_by,
        kb_review_overdue=review_overdue(kb.manifest),
    )
