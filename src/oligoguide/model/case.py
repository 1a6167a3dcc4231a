"""The patient case: what oligoguide reads. Validation lives here, next to the fields it guards."""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Literal, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

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
from oligoguide.model.limits import (
    MAX_IMAGING_STUDIES,
    MAX_ITEMS,
    MAX_LABS,
    MAX_LESION_GROUPS,
    MAX_LESIONS,
    MAX_LOCAL_TREATMENTS,
    MAX_MEASUREMENTS,
    MAX_MEASUREMENTS_PER_LESION,
    MAX_SYSTEMIC_THERAPIES,
)
from oligoguide.model.strict import (
    CASE_ID_RULE,
    STORED,
    CaseId,
    Date,
    Flag,
    Integer,
    NonEmptyStr,
    Number,
    StrictModel,
    Text,
    context_flag,
)
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

#: Validation-context key: the date after which no date of the case may lie (default: today).
TODAY = "today"


class Patient(StrictModel):
    id: NonEmptyStr
    sex: Sex = Sex.UNKNOWN
    birth_date: Date | None = None
    age: Integer | None = Field(
        default=None, ge=0, le=120, description="Age in years, when the birth date is not known"
    )
    ecog: Integer | None = Field(
        default=None, ge=0, le=4, description="ECOG performance status 0-4"
    )


class Biomarker(StrictModel):
    name: BiomarkerName
    status: BiomarkerStatus
    detail: Text | None = Field(
        default=None, max_length=200, description="Variant or value, e.g. 'exon 19 deletion', '60%'"
    )
    date: Date | None = None


class Cancer(StrictModel):
    primary_site: PrimarySite
    histology: Text | None = Field(default=None, max_length=200)
    diagnosis_date: Date | None = None
    stage_at_diagnosis: Text | None = Field(default=None, max_length=20)
    metastases_timing: MetastasisTiming | None = None
    sidedness: Sidedness | None = Field(default=None, description="Colorectal primaries only")
    biomarkers: tuple[Biomarker, ...] = Field(default=(), max_length=MAX_ITEMS)

    def biomarker(self, name: BiomarkerName) -> Biomarker | None:
        """The most recent result for a biomarker, or None when it was never recorded."""
        found = [b for b in self.biomarkers if b.name == name]
        if not found:
            return None
        return max(found, key=lambda b: b.date or dt.date.min)


class SystemicTherapy(StrictModel):
    agents: tuple[NonEmptyStr, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    classes: tuple[TherapyClass, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    line: Integer | None = Field(default=None, ge=1, le=20)
    start: Date
    end: Date | None = None
    best_response: BestResponse | None = None
    last_doses: tuple[AgentDose, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="Last dose of each agent (intervals around surgery and SBRT)",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self

    def ongoing_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class LocalTreatment(StrictModel):
    lesion_id: NonEmptyStr
    modality: LocalModality
    date: Date
    total_dose_gy: Number | None = Field(default=None, gt=0, le=200)
    fractions: Integer | None = Field(default=None, ge=1, le=60)


class Measurement(StrictModel):
    """One lesion at one imaging date: a diameter, a status, or both."""

    date: Date
    diameter_mm: Number | None = Field(
        default=None, ge=0, le=500, description="Longest diameter; short axis for lymph nodes"
    )
    status: LesionObservation | None = None
    modality: ImagingModality | None = Field(
        default=None, description="The study the lesion was seen on (PSMA-PET-only lesions...)"
    )
    suv_max: Number | None = Field(default=None, ge=0, le=200, description="PET uptake")

    @model_validator(mode="after")
    def _something_recorded(self) -> Self:
        if self.diameter_mm is None and self.status is None:
            raise ValueError("a measurement needs diameter_mm or status")
        if self.status == LesionObservation.ABSENT and self.diameter_mm not in (None, 0):
            raise ValueError("status 'absent' contradicts a non-zero diameter_mm")
        return self


class Lesion(StrictModel):
    id: NonEmptyStr
    site: Site
    location: Text | None = Field(
        default=None, max_length=200, description="Laterality, segment or lobe"
    )
    is_lymph_node: Flag = False
    primary: Flag = Field(default=False, description="The primary tumour, not a metastasis")
    lung_zone: LungZone | None = Field(default=None, description="Lung lesions: for SBRT dosing")
    adjacent_organs: tuple[OrganAtRisk, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="Organs at risk touching or next to the lesion (dose cautions)",
    )
    oar_distances: tuple[OarDistance, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="Measured distance from the lesion to an organ at risk",
    )
    symptomatic: Flag | None = Field(default=None, description="Causes symptoms (e.g. brain)")
    symptoms: tuple[Symptom, ...] = Field(default=(), max_length=MAX_ITEMS)
    sins_score: Integer | None = Field(
        default=None, ge=0, le=18, description="Spinal Instability Neoplastic Score (spine)"
    )
    post_treatment_assessment: PostTreatmentAssessment | None = None
    measurable: Flag | None = Field(
        default=None, description="Measurable at baseline; derived from size when omitted"
    )
    target: Flag = False
    equivocal: Flag = Field(default=False, description="New lesion not yet unequivocal")
    measurements: tuple[Measurement, ...] = Field(
        min_length=1, max_length=MAX_MEASUREMENTS_PER_LESION
    )

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


class ImagingStudy(StrictModel):
    date: Date
    modality: ImagingModality
    regions: tuple[BodyRegion, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    id: NonEmptyStr | None = None
    findings: Text | None = Field(default=None, max_length=4000)


class Case(StrictModel):
    """A patient case. Dates are ISO 8601 (YYYY-MM-DD)."""

    model_config = ConfigDict(json_schema_extra={"$id": "https://oligoguide.org/schema/case.json"})

    schema_version: Literal["1", "2"] = "2"
    case_id: CaseId = Field(description=f"The case identifier: {CASE_ID_RULE}")
    patient: Patient
    cancer: Cancer
    baseline_date: Date | None = Field(
        default=None,
        description="RECIST baseline scan; defaults to the last scan on or before the current "
        "systemic therapy started, else the first scan",
    )
    systemic_therapies: tuple[SystemicTherapy, ...] = Field(
        default=(), max_length=MAX_SYSTEMIC_THERAPIES
    )
    local_treatments: tuple[LocalTreatment, ...] = Field(
        default=(), max_length=MAX_LOCAL_TREATMENTS
    )
    lesions: tuple[Lesion, ...] = Field(default=(), max_length=MAX_LESIONS)
    imaging: tuple[ImagingStudy, ...] = Field(default=(), max_length=MAX_IMAGING_STUDIES)
    clinically_deteriorating: Flag | None = Field(
        default=None, description="Clinical decline; matters for iRECIST confirmation"
    )
    # Schema version 2: the clinical context (oligoguide.model.case_context).
    primary_tumour: PrimaryTumour | None = None
    prior_treatment_lines: tuple[PriorTreatmentLine, ...] = Field(
        default=(), max_length=MAX_SYSTEMIC_THERAPIES
    )
    prior_radiotherapy: tuple[PriorRadiotherapy, ...] = Field(
        default=(), max_length=MAX_LOCAL_TREATMENTS
    )
    lesion_groups: tuple[LesionGroup, ...] = Field(default=(), max_length=MAX_LESION_GROUPS)
    labs: tuple[LabResult, ...] = Field(default=(), max_length=MAX_LABS)
    comorbidities: tuple[ComorbidityRecord, ...] = Field(default=(), max_length=MAX_ITEMS)
    surgical_opinions: tuple[SurgicalOpinion, ...] = Field(default=(), max_length=MAX_ITEMS)
    prior_metastatic_burden: PriorBurden | None = None
    cytology: tuple[Cytology, ...] = Field(default=(), max_length=MAX_ITEMS)
    risk_scores: tuple[RiskScore, ...] = Field(default=(), max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        measured = sum(len(lesion.measurements) for lesion in self.lesions)
        if measured > MAX_MEASUREMENTS:
            raise PointedError(
                "/lesions", f"{measured} measurements in all; at most {MAX_MEASUREMENTS} per case"
            )
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
        _check_dates(self, None if context_flag(info, STORED) else _today(info))
        return self

    def dated_fields(self) -> list[tuple[str, dt.date]]:
        """Every date of the case with its JSON pointer, in document order."""
        return list(_dates_in(self, ""))

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


def _today(info: ValidationInfo) -> dt.date:
    context = info.context
    given = context.get(TODAY) if isinstance(context, dict) else None
    return given if isinstance(given, dt.date) else dt.date.today()


def _may_hold_date(annotation: object) -> bool:
    """Whether a field of this type can hold a date the walk below finds: a date, or a model or
    tuple that may contain one. Strings, numbers, flags, enums, None and literals cannot; a type not
    understood here counts as possible (it is walked as before)."""
    origin = get_origin(annotation)
    if origin is None and isinstance(annotation, type):
        if issubclass(annotation, dt.date | BaseModel | tuple):
            return True
        return not issubclass(annotation, str | int | float | bool | Enum | types.NoneType)
    if origin is Literal:
        return False
    if origin is Annotated:
        return _may_hold_date(get_args(annotation)[0])
    if origin in (Union, types.UnionType, tuple):
        return any(_may_hold_date(arg) for arg in get_args(annotation) if arg is not Ellipsis)
    return True


@functools.cache
def _fields_with_dates(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's fields that may hold a date, in declaration order (a property of the class,
    worked out once: the walk visited every field of every record, about half of a case's
    validation time, and it runs on every validation and again in the plausibility checks)."""
    return tuple(
        name for name, field in model.model_fields.items() if _may_hold_date(field.annotation)
    )


def _dates_in(value: object, pointer: str) -> Iterator[tuple[str, dt.date]]:
    if isinstance(value, dt.date):
        yield pointer, value
    elif isinstance(value, BaseModel):
        for name in _fields_with_dates(type(value)):
            yield from _dates_in(getattr(value, name), f"{pointer}/{name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _dates_in(item, f"{pointer}/{index}")


def _check_dates(case: Case, today: dt.date | None) -> None:
    """No date lies in the future (a typo in a year changes which therapy was running) and none
    before the birth date. Every date counts: scans, therapies, doses, labs, opinions...
    `today` None: a stored case, read again (see `oligoguide.model.strict.STORED`)."""
    birth = case.patient.birth_date
    for pointer, when in _dates_in(case, ""):
        if today is not None and when > today:
            raise PointedError(pointer, f"date {when} is in the future (today is {today})")
        if birth is not None and when < birth and pointer != "/patient/birth_date":
            raise PointedError(pointer, f"date {when} is before the birth date {birth}")
