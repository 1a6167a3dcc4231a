"""Typed domain objects and their validation."""

from oligoguide.model.case import (
    Biomarker,
    Cancer,
    Case,
    ImagingStudy,
    Lesion,
    LocalTreatment,
    Measurement,
    Patient,
    SystemicTherapy,
)
from oligoguide.model.errors import CaseInputError, InputIssue, OligoguideError
from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.io import case_from_data, case_from_json, case_json_schema, load_case

__all__ = [
    "Biomarker",
    "Cancer",
    "Case",
    "CaseInputError",
    "Explanation",
    "ImagingStudy",
    "InputIssue",
    "Lesion",
    "LocalTreatment",
    "Measurement",
    "MissingData",
    "OligoguideError",
    "Patient",
    "SystemicTherapy",
    "case_from_data",
    "case_from_json",
    "case_json_schema",
    "load_case",
]
