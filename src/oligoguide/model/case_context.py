"""The clinical context of a case beyond lesions and therapies (schema version 2).

Each record is what a tumour board reads besides the scans: the primary tumour, earlier lines,
earlier radiotherapy, grouped lesions, laboratory values, comorbidities, the surgeon's opinion,
earlier burden, cytology and risk scores. Rules that cannot use an item yet must say so.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from oligoguide.model.limits import (
    MAX_GROUP_OBSERVATIONS,
    MAX_ITEMS,
    MAX_LESIONS,
)
from oligoguide.model.strict import Date, Flag, Integer, NonEmptyStr, Note, Number, StrictModel
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


class AgentDose(StrictModel):
    """The last dose of one agent: drives the intervals around surgery and radiotherapy."""

    agent: NonEmptyStr
    date: Date


class PrimaryTumour(StrictModel):
    status: PrimaryStatus
    date: Date | None = Field(default=None, description="Resection date or date of the finding")
    lesion_id: NonEmptyStr | None = Field(
        default=None, description="The lesion that is the primary"
    )
    symptoms: tuple[Symptom, ...] = Field(default=(), max_length=MAX_ITEMS)


class PriorTreatmentLine(StrictModel):
    """An earlier systemic line known without exact dates."""

    line: Integer | None = Field(default=None, ge=1, le=20)
    agents: tuple[NonEmptyStr, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    classes: tuple[TherapyClass, ...] = Field(default=(), max_length=MAX_ITEMS)
    year: Integer | None = Field(default=None, ge=1950, le=2100)
    best_response: BestResponse | None = None
    note: Note | None = None


class PriorRadiotherapy(StrictModel):
    """An earlier radiotherapy field, with the current lesions that lie inside it."""

    site: Site
    location: NonEmptyStr | None = None
    total_dose_gy: Number | None = Field(default=None, gt=0, le=200)
    fractions: Integer | None = Field(default=None, ge=1, le=60)
    date: Date | None = None
    lesion_ids: tuple[NonEmptyStr, ...] = Field(default=(), max_length=MAX_LESIONS)


class OarDistance(StrictModel):
    organ: OrganAtRisk
    distance_mm: Number = Field(ge=0, le=500)


class PostTreatmentAssessment(StrictModel):
    """How a lesion treated earlier looks now, and on what that judgement rests."""

    date: Date
    appearance: PostTreatmentAppearance
    basis: tuple[NonEmptyStr, ...] = Field(default=(), max_length=MAX_ITEMS)
    note: Note | None = None


MAX_GROUP_COUNT = 1000


def _count(value: object) -> object:
    """One message at the field (not one per member of the union, at `count/int`...)."""
    if value == "multiple":
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_GROUP_COUNT:
            return value
        raise ValueError(f"a count is between 0 and {MAX_GROUP_COUNT}")
    raise ValueError("Input should be a whole number or 'multiple'")


class GroupObservation(StrictModel):
    date: Date
    count: Annotated[
        Annotated[Integer, Field(ge=0, le=MAX_GROUP_COUNT)] | Literal["multiple"],
        BeforeValidator(_count),
    ] = Field(description="Number of lesions, or 'multiple' when they were not counted")
    status: GroupStatus
    modality: ImagingModality | None = None

    @property
    def counted(self) -> int | None:
        return self.count if isinstance(self.count, int) else None


class LesionGroup(StrictModel):
    """Lesions reported together ('innumerable lung nodules'): they count as many lesions."""

    id: NonEmptyStr
    site: Site
    location: NonEmptyStr | None = None
    description: Note | None = None
    observations: tuple[GroupObservation, ...] = Field(
        min_length=1, max_length=MAX_GROUP_OBSERVATIONS
    )

    @property
    def latest(self) -> GroupObservation:
        return max(self.observations, key=lambda o: o.date)


class LabResult(StrictModel):
    name: LabName
    value: Number = Field(ge=0)
    unit: NonEmptyStr
    date: Date


class ComorbidityRecord(StrictModel):
    condition: Comorbidity
    detail: NonEmptyStr | None = None
    child_pugh: ChildPugh | None = Field(default=None, description="Cirrhosis only")
    date: Date | None = None


class SurgicalOpinion(StrictModel):
    date: Date | None = None
    lesion_ids: tuple[NonEmptyStr, ...] = Field(
        default=(),
        max_length=MAX_LESIONS,
        description="Lesions the opinion is about; empty means all",
    )
    resectability: Resectability
    intent: SurgicalIntent | None = None
    note: Note | None = None


class PriorBurden(StrictModel):
    """Earlier metastatic burden: polymetastatic before response makes the ESTRO class induced."""

    date: Date | None = None
    polymetastatic: Flag
    lesion_count: Integer | None = Field(default=None, ge=0, le=1000)
    note: Note | None = None


class Cytology(StrictModel):
    specimen: CytologySpecimen
    result: CytologyResult
    date: Date


class RiskScore(StrictModel):
    name: RiskScoreName
    value: NonEmptyStr
    date: Date | None = None
