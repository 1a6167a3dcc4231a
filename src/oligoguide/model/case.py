"""The patient case: what oligoguide reads. Validation lives here, next to the fields it guards."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from oligoguide.model.case_context import (
    AgentDose,
    ComorbidityRecord,
    Cytology,
    LabResult,
    LesionGroup,
    OarDistance,
    PostTreatmentAssessment,
    PrimaryTumour,
    PriorBurden,
    PriorRadiotherapy,
    PriorTreatmentLine,
    RiskScore,
    SurgicalOpinion,
)
from oligoguide.model.errors import PointedError
from oligoguide.model.vocab import (
    BestResponse,
    BiomarkerName,
    BiomarkerStatus,
    BodyRegion,
    ImagingModality,
    LesionObservation,
    LocalModality,
    LungZone,
    MetastasisTiming,
    OrganAtRisk,
    PrimarySite,
    Sex,
    Sidedness,
    Site,
    TherapyClass,
)
from oligoguide.model.vocab_context import Comorbidity, LabName, Symptom

NonEmptyStr = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    """Unknown fields are errors: a misspelt field must never be silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Patient(_Strict):
    id: NonEmptyStr
    sex: Sex = Sex.UNKNOWN
    birth_date: dt.date | None = None
    ecog: int | None = Field(default=None, ge=0, le=4, description="ECOG performance status 0-4")


class Biomarker(_Strict):
    name: BiomarkerName
    status: BiomarkerStatus
    detail: str | None = Field(
        default=None, max_length=200, description="Variant or value, e.g. 'exon 19 deletion', '60%'"
    )
    date: dt.date | None = None


class Cancer(_Strict):
    primary_site: PrimarySite
    histology: str | None = Field(default=None, max_length=200)
    diagnosis_date: dt.date | None = None
    stage_at_diagnosis: str | None = Field(default=None, max_length=20)
    metastases_timing: MetastasisTiming | None = None
    sidedness: Sidedness | None = Field(default=None, description="Colorectal primaries only")
    biomarkers: tuple[Biomarker, ...] = ()

    def biomarker(self, name: BiomarkerName) -> Biomarker | None:
        """The most recent result for a biomarker, or None when it was never recorded."""
        found = [b for b in self.biomarkers if b.name == name]
        if not found:
            return None
        return max(found, key=lambda b: b.date or dt.date.min)


class SystemicTherapy(_Strict):
    agents: tuple[NonEmptyStr, ...] = Field(min_length=1)
    classes: tuple[TherapyClass, ...] = Field(min_length=1)
    line: int | None = Field(default=None, ge=1, le=20)
    start: dt.date
    end: dt.date | None = None
    best_response: BestResponse | None = None
    last_doses: tuple[AgentDose, ...] = Field(
        default=(), description="Last dose of each agent (intervals around surgery and SBRT)"
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self

    def ongoing_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class LocalTreatment(_Strict):
    lesion_id: NonEmptyStr
    modality: LocalModality
    date: dt.date
    total_dose_gy: float | None = Field(default=None, gt=0, le=200)
    fractions: int | None = Field(default=None, ge=1, le=60)


class Measurement(_Strict):
    """One lesion at one imaging date: a diameter, a status, or both."""

    date: dt.date
    diameter_mm: float | None = Field(
        default=None, ge=0, le=500, description="Longest diameter; short axis for lymph nodes"
    )
    status: LesionObservation | None = None
    modality: ImagingModality | None = Field(
        default=None, description="The study the lesion was seen on (PSMA-PET-only lesions...)"
    )
    suv_max: float | None = Field(default=None, ge=0, le=200, description="PET uptake")

    @model_validator(mode="after")
    def _something_recorded(self) -> Self:
        if self.diameter_mm is None and self.status is None:
            raise ValueError("a measurement needs diameter_mm or status")
        if self.status == LesionObservation.ABSENT and self.diameter_mm not in (None, 0):
            raise ValueError("status 'absent' contradicts a non-zero diameter_mm")
        return self


class Lesion(_Strict):
    id: NonEmptyStr
    site: Site
    location: str | None = Field(
        default=None, max_length=200, description="Laterality, segment or lobe"
    )
    is_lymph_node: bool = False
    primary: bool = Field(default=False, description="The primary tumour, not a metastasis")
    lung_zone: LungZone | None = Field(default=None, description="Lung lesions: for SBRT dosing")
    adjacent_organs: tuple[OrganAtRisk, ...] = Field(
        default=(), description="Organs at risk touching or next to the lesion (dose cautions)"
    )
    oar_distances: tuple[OarDistance, ...] = Field(
        default=(), description="Measured distance from the lesion to an organ at risk"
    )
    symptomatic: bool | None = Field(default=None, description="Causes symptoms (e.g. brain)")
    symptoms: tuple[Symptom, ...] = ()
    sins_score: int | None = Field(
        default=None, ge=0, le=18, description="Spinal Instability Neoplastic Score (spine)"
    )
    post_treatment_assessment: PostTreatmentAssessment | None = None
    measurable: bool | None = Field(
        default=None, description="Measurable at baseline; derived from size when omitted"
    )
    target: bool = False
    equivocal: bool = Field(default=False, description="New lesion not yet unequivocal")
    measurements: tuple[Measurement, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_measurement_per_date(self) -> Self:
        dates = [m.date for m in self.measurements]
        if len(dates) != len(set(dates)):
            raise ValueError("two measurements on the same date")
        return self

    @property
    def timeline(self) -> list[Measurement]:
        """Measurements in date order (the input may list them in any order)."""
        return sorted(self.measurements, key=_by_date)

    @property
    def first_seen(self) -> dt.date:
        return min(m.date for m in self.measurements)

    def measurement_on(self, day: dt.date) -> Measurement | None:
        return next((m for m in self.measurements if m.date == day), None)


def _by_date(m: Measurement) -> dt.date:
    return m.date


class ImagingStudy(_Strict):
    date: dt.date
    modality: ImagingModality
    regions: tuple[BodyRegion, ...] = Field(min_length=1)
    id: NonEmptyStr | None = None
    findings: str | None = Field(default=None, max_length=4000)


class Case(_Strict):
    """A patient case. Dates are ISO 8601 (YYYY-MM-DD)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$id": "https://oligoguide.org/schema/case.json"},
    )

    schema_version: Literal["1", "2"] = "2"
    case_id: NonEmptyStr
    patient: Patient
    cancer: Cancer
    baseline_date: dt.date | None = Field(
        default=None,
        description="RECIST baseline scan; defaults to the last scan on or before the current "
        "systemic therapy started, else the first scan",
    )
    systemic_therapies: tuple[SystemicTherapy, ...] = ()
    local_treatments: tuple[LocalTreatment, ...] = ()
    lesions: tuple[Lesion, ...] = ()
    imaging: tuple[ImagingStudy, ...] = ()
    clinically_deteriorating: bool | None = Field(
        default=None, description="Clinical decline; matters for iRECIST confirmation"
    )
    # Schema version 2: the clinical context (oligoguide.model.case_context).
    primary_tumour: PrimaryTumour | None = None
    prior_treatment_lines: tuple[PriorTreatmentLine, ...] = ()
    prior_radiotherapy: tuple[PriorRadiotherapy, ...] = ()
    lesion_groups: tuple[LesionGroup, ...] = ()
    labs: tuple[LabResult, ...] = ()
    comorbidities: tuple[ComorbidityRecord, ...] = ()
    surgical_opinions: tuple[SurgicalOpinion, ...] = ()
    prior_metastatic_burden: PriorBurden | None = None
    cytology: tuple[Cytology, ...] = ()
    risk_scores: tuple[RiskScore, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [lesion.id for lesion in self.lesions]
        for index, lesion_id in enumerate(ids):
            if lesion_id in ids[:index]:
                raise PointedError(f"/lesions/{index}/id", f"duplicate lesion id {lesion_id!r}")
        for index, treatment in enumerate(self.local_treatments):
            if treatment.lesion_id not in ids:
                raise PointedError(
                    f"/local_treatments/{index}/lesion_id",
                    f"unknown lesion id {treatment.lesion_id!r}",
                )
        _check_lesion_refs(self, ids)
        birth = self.patient.birth_date
        if birth is not None:
            for pointer, when in self._dated_items():
                if when < birth:
                    raise PointedError(pointer, f"date {when} is before the birth date {birth}")
        return self

    def _dated_items(self) -> list[tuple[str, dt.date]]:
        items: list[tuple[str, dt.date]] = []
        if self.cancer.diagnosis_date:
            items.append(("/cancer/diagnosis_date", self.cancer.diagnosis_date))
        for i, lesion in enumerate(self.lesions):
            items += [
                (f"/lesions/{i}/measurements/{j}/date", m.date)
                for j, m in enumerate(lesion.measurements)
            ]
        items += [
            (f"/systemic_therapies/{i}/start", t.start)
            for i, t in enumerate(self.systemic_therapies)
        ]
        items += [
            (f"/local_treatments/{i}/date", t.date) for i, t in enumerate(self.local_treatments)
        ]
        items += [(f"/imaging/{i}/date", s.date) for i, s in enumerate(self.imaging)]
        items += [(f"/labs/{i}/date", lab.date) for i, lab in enumerate(self.labs)]
        for i, group in enumerate(self.lesion_groups):
            items += [
                (f"/lesion_groups/{i}/observations/{j}/date", o.date)
                for j, o in enumerate(group.observations)
            ]
        return items

    def lesion(self, lesion_id: str) -> Lesion:
        return next(lesion for lesion in self.lesions if lesion.id == lesion_id)

    def therapies_ongoing_on(self, day: dt.date) -> list[SystemicTherapy]:
        return [t for t in self.systemic_therapies if t.ongoing_on(day)]

    def has_comorbidity(self, condition: Comorbidity) -> bool:
        return any(c.condition == condition for c in self.comorbidities)

    def lab_series(self, name: LabName) -> list[LabResult]:
        """One marker's results in date order."""
        return sorted((x for x in self.labs if x.name == name), key=lambda x: x.date)

    def local_treatments_of(self, lesion_id: str) -> list[LocalTreatment]:
        return sorted(
            (t for t in self.local_treatments if t.lesion_id == lesion_id), key=lambda t: t.date
        )


def _check_lesion_refs(case: Case, ids: list[str]) -> None:
    """Every lesion id named in the context records must be a lesion of the case."""
    known = set(ids) | {g.id for g in case.lesion_groups}
    refs: list[tuple[str, str]] = []
    if case.primary_tumour is not None and case.primary_tumour.lesion_id is not None:
        refs.append(("/primary_tumour/lesion_id", case.primary_tumour.lesion_id))
    for i, rt in enumerate(case.prior_radiotherapy):
        refs += [
            (f"/prior_radiotherapy/{i}/lesion_ids/{j}", x) for j, x in enumerate(rt.lesion_ids)
        ]
    for i, op in enumerate(case.surgical_opinions):
        refs += [(f"/surgical_opinions/{i}/lesion_ids/{j}", x) for j, x in enumerate(op.lesion_ids)]
    for pointer, lesion_id in refs:
        if lesion_id not in known:
            raise PointedError(pointer, f"unknown lesion id {lesion_id!r}")
    for i, group in enumerate(case.lesion_groups):
        if group.id in ids:
            raise PointedError(f"/lesion_groups/{i}/id", f"id {group.id!r} is also a lesion id")
