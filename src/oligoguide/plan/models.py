"""What the plan stage returns: cited recommendations, follow-up and numbered references."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.knowledge.models import RecommendationGrade
from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.vocab import (
    Intent,
    LocalModality,
    RecommendationCategory,
    SystemicAction,
    Timing,
    WorkupCode,
)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class OrganLimit(_Out):
    """A constraint-table limit that applies to a schedule, for an organ near the lesion."""

    organ: str
    metric: str
    fractions: int
    limit_gy: float
    endpoint: str
    source: str = Field(description="Evidence id of the limit")
    verified: bool
    adjacent: bool = Field(
        description="Recorded next to the lesion (its limit takes priority over coverage)"
    )


class Dose(_Out):
    total_gy: float
    fractions: int
    bed10: float
    eqd2_10: float
    source: str = Field(description="Evidence id of the schedule")
    organ_limits: tuple[OrganLimit, ...] = Field(
        default=(), description="Limits for this fraction count of the organs near the lesion"
    )
    organ_note: str | None = Field(
        default=None, description="Organs without a sourced limit, or none recorded"
    )


class ExcludedOption(_Out):
    """A modality considered for a lesion and ruled out, with the reason."""

    modality: LocalModality
    reason: str


class Recommendation(_Out):
    id: str
    category: RecommendationCategory
    lesion_id: str | None = None
    modality: LocalModality | None = None
    alternatives: tuple[LocalModality, ...] = ()
    excluded: tuple[ExcludedOption, ...] = Field(
        default=(), description="Modalities ruled out for this lesion, each with its reason"
    )
    timing: Timing | None = Field(
        default=None, description="Local therapy: now, urgent, after response or confirmation"
    )
    intent: Intent | None = Field(default=None, description="Local therapy: ablative or palliative")
    action: SystemicAction | None = None
    code: WorkupCode | None = None
    text: str
    strength: RecommendationGrade = Field(description="ESMO grade of the statement (A-E)")
    caveat: str | None = None
    rationale: str = Field(description="Why this rule fired, with the case's numbers")
    rule: str
    statement_id: str
    citations: tuple[str, ...] = Field(min_length=1)
    dose: Dose | None = None


class FollowUp(_Out):
    imaging_interval_weeks: tuple[float, float] | None
    text: str
    statement_id: str | None
    citations: tuple[str, ...]


class Reference(_Out):
    number: int
    id: str
    text: str
    doi: str | None
    pmid: str | None


class ContextNote(_Out):
    """Background a reader needs beside the recommendations: prognosis, safety."""

    title: str
    statement_id: str
    text: str
    caveat: str | None
    citations: tuple[str, ...]


class Plan(_Out):
    bottom_line: str
    recommendations: tuple[Recommendation, ...]
    follow_up: FollowUp | None
    context: tuple[ContextNote, ...]
    references: tuple[Reference, ...]
    missing_data: tuple[MissingData, ...]
    warnings: tuple[str, ...]
    explanations: tuple[Explanation, ...] = Field(
        default=(), description="Gates that closed and limits that removed an option"
    )
