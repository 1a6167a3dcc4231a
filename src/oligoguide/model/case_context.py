"""The clinical context of a case beyond lesions and therapies (schema version 2).

Each record is what a tumour board reads besides the scans: the primary tumour, earlier lines,
earlier radiotherapy, grouped lesions, laboratory values, comorbidities, the surgeon's opinion,
earlier burden, cytology and risk scores. Rules that cannot use an item yet must say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.model.vocab import BestResponse, ImagingModality, OrganAtRisk, Site, TherapyClass
from oligoguide.model.vocab_context import (
    ChildPugh,
    Comorbidity,
    CytologyResult,
    CytologySpecimen,
    GroupStatus,
    LabName,
    PostTreatmentAppearance,
    PrimaryStatus,
    Resectability,
    RiskScoreName,
    SurgicalIntent,
    Symptom,
)

NonEmptyStr = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(max_length=2000)]


class _Strict(BaseModel):
    """Unknown fields are errors: a misspelt field must never be silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AgentDose(_Strict):
    """The last dose of one agent: drives the intervals around surgery and radiotherapy."""

    agent: NonEmptyStr
    date: dt.date


class PrimaryTumour(_Strict):
    status: PrimaryStatus
    date: dt.date | None = Field(default=None, description="Resection date or date of the finding")
    lesion_id: NonEmptyStr | None = Field(
        default=None, description="The lesion that is the primary"
    )
    symptoms: tuple[Symptom, ...] = ()


class PriorTreatmentLine(_Strict):
    """An earlier systemic line known without exact dates."""

    line: int | None = Field(default=None, ge=1, le=20)
    agents: tuple[NonEmptyStr, ...] = Field(min_length=1)
    classes: tuple[TherapyClass, ...] = ()
    year: int | None = Field(default=None, ge=1950, le=2100)
    best_response: BestResponse | None = None
    note: Note | None = None


class PriorRadiotherapy(_Strict):
    """An earlier radiotherapy field, with the current lesions that lie inside it."""

    site: Site
    location: NonEmptyStr | None = None
    total_dose_gy: float | None = Field(default=None, gt=0, le=200)
    fractions: int | None = Field(default=None, ge=1, le=60)
    date: dt.date | None = None
    lesion_ids: tuple[NonEmptyStr, ...] = ()


class OarDistance(_Strict):
    organ: OrganAtRisk
    distance_mm: float = Field(ge=0, le=500)


class PostTreatmentAssessment(_Strict):
    """How a lesion treated earlier looks now, and on what that judgement rests."""

    date: dt.date
    appearance: PostTreatmentAppearance
    basis: tuple[NonEmptyStr, ...] = ()
    note: Note | None = None


class GroupObservation(_Strict):
    date: dt.date
    count: int | Literal["multiple"] = Field(
        description="Number of lesions, or 'multiple' when they were not counted"
    )
    status: GroupStatus
    modality: ImagingModality | None = None

    @property
    def counted(self) -> int | None:
        return self.count if isinstance(self.count, int) else None


class LesionGroup(_Strict):
    """Lesions reported together ('innumerable lung nodules'): they count as many lesions."""

    id: NonEmptyStr
    site: Site
    location: NonEmptyStr | None = None
    description: Note | None = None
    observations: tuple[GroupObservation, ...] = Field(min_length=1)

    @property
    def latest(self) -> GroupObservation:
        return max(self.observations, key=lambda o: o.date)


class LabResult(_Strict):
    name: LabName
    value: float = Field(ge=0)
    unit: NonEmptyStr
    date: dt.date


class ComorbidityRecord(_Strict):
    condition: Comorbidity
    detail: NonEmptyStr | None = None
    child_pugh: ChildPugh | None = Field(default=None, description="Cirrhosis only")
    date: dt.date | None = None


class SurgicalOpinion(_Strict):
    date: dt.date | None = None
    lesion_ids: tuple[NonEmptyStr, ...] = Field(
        default=(), description="Lesions the opinion is about; empty means all"
    )
    resectability: Resectability
    intent: SurgicalIntent | None = None
    note: Note | None = None


class PriorBurden(_Strict):
    """Earlier metastatic burden: polymetastatic before response makes the ESTRO class induced."""

    date: dt.date | None = None
    polymetastatic: bool
    lesion_count: int | None = Field(default=None, ge=0, le=1000)
    note: Note | None = None


class Cytology(_Strict):
    specimen: CytologySpecimen
    result: CytologyResult
    date: dt.date


class RiskScore(_Strict):
    name: RiskScoreName
    value: NonEmptyStr
    date: dt.date | None = None
