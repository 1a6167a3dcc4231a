"""What the response stage returns: RECIST 1.1 per time point and per-lesion trajectories."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.vocab import (
    IRecistResponse,
    LesionStatus,
    NonTargetResponse,
    OverallResponse,
    Site,
    TargetResponse,
)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class TimepointResponse(_Out):
    date: dt.date
    sum_mm: float | None = Field(description="Sum of target diameters; None when not evaluable")
    baseline_sum_mm: float | None
    nadir_mm: float | None = Field(description="Smallest sum before this time point")
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    target: TargetResponse | None = Field(description="None at baseline or with no targets")
    non_target: NonTargetResponse
    new_lesions: tuple[str, ...] = Field(description="New lesions first seen at this time point")
    new_lesions_persisting: tuple[str, ...] = Field(
        default=(),
        description="New lesions from an earlier time point still present and untreated (PD)",
    )
    new_lesion_sum_mm: float | None = Field(
        default=None, description="Sum of the diameters of the new lesions (iRECIST)"
    )
    overall: OverallResponse
    irecist: IRecistResponse | None = None


class LesionPoint(_Out):
    date: dt.date
    diameter_mm: float | None
    status: str | None


class LesionTrajectory(_Out):
    id: str
    site: Site
    is_lymph_node: bool
    target: bool
    is_new: bool = Field(description="First seen after the baseline scan")
    equivocal: bool
    status: LesionStatus
    latest_mm: float | None
    nadir_mm: float | None = Field(description="Own nadir before the latest time point")
    change_from_nadir_pct: float | None
    change_from_nadir_mm: float | None
    irradiated: bool = Field(description="Treated with radiotherapy before the latest time point")
    locally_treated: tuple[str, ...] = Field(description="Local treatments: 'modality on date'")
    points: tuple[LesionPoint, ...]


class ResponseAssessment(_Out):
    baseline_date: dt.date | None
    latest_date: dt.date | None
    target_ids: tuple[str, ...]
    timepoints: tuple[TimepointResponse, ...]
    lesions: tuple[LesionTrajectory, ...]
    explanations: tuple[Explanation, ...]
    warnings: tuple[str, ...]
    missing_data: tuple[MissingData, ...]

    @property
    def latest(self) -> TimepointResponse | None:
        return self.timepoints[-1] if len(self.timepoints) > 1 else None

    def lesion(self, lesion_id: str) -> LesionTrajectory:
        return next(t for t in self.lesions if t.id == lesion_id)
