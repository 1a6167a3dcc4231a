"""Liveness: the process answers and its knowledge base is loaded."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from oligoguide.knowledge import default_knowledge_base

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    kb_version: str


@router.get("/healthz", response_model=Health, summary="Liveness and knowledge-base version")
def healthz() -> Health:
    return Health(status="ok", kb_version=default_knowledge_base().version)
