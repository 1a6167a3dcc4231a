"""The cohort tables oligoguide reads and the one-row-per-patient result it writes.

Input tables (CSV or Parquet; column order free, unknown columns ignored, optional columns may be
absent):

measurements   patient_id, lesion_id, site, is_lymph_node, target, date, diameter_mm, status
patients       patient_id, primary_site, ecog, therapy_agents, therapy_class, therapy_start,
               therapy_end, baseline_date, drivers, source_problem
local_treatments  patient_id, lesion_id, modality, date

Values use the controlled vocabularies of `oligoguide.model.vocab` (site, status, primary_site,
therapy_class, modality). `drivers` is carried for the reader and not used by the screen.
`source_problem` is a problem found before the table was made (a FHIR resource that could not be
read, say): the screen rejects the patient and reports it with the patient's other problems.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa  # type: ignore[import-untyped]

MEASUREMENT_COLUMNS: Final = (
    "patient_id",
    "lesion_id",
    "site",
    "is_lymph_node",
    "target",
    "date",
    "diameter_mm",
    "status",
)
PATIENT_COLUMNS: Final = (
    "patient_id",
    "primary_site",
    "ecog",
    "therapy_agents",
    "therapy_class",
    "therapy_start",
    "therapy_end",
    "baseline_date",
    "drivers",
    "source_problem",
)
TREATMENT_COLUMNS: Final = ("patient_id", "lesion_id", "modality", "date")

#: Columns each table must have; the others are optional and read as missing when absent.
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "measurements": ("patient_id", "lesion_id", "site", "date"),
    "patients": ("patient_id", "primary_site"),
    "local_treatments": ("patient_id", "lesion_id", "modality", "date"),
}
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "measurements": MEASUREMENT_COLUMNS,
    "patients": PATIENT_COLUMNS,
    "local_treatments": TREATMENT_COLUMNS,
}

#: The result: one row per patient. Lists are sorted; progressing_count is null when the
#: patient's rows were rejected (then data_problems says why).
RESULT_SCHEMA: Final = pa.schema(
    [
        ("patient_id", pa.string()),
        ("disease_state", pa.string()),
        ("progressing_count", pa.int32()),
        ("progressing_lesions", pa.list_(pa.string())),
        ("progressing_organs", pa.list_(pa.string())),
        ("latest_overall", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("data_problems", pa.list_(pa.string())),
    ]
)
RESULT_COLUMNS: Final = tuple(RESULT_SCHEMA.names)

#: The typed (Parquet) form of each input table, as `synth` and the FHIR conversion write it.
TABLE_TYPES: Final[dict[str, dict[str, pa.DataType]]] = {
    "measurements": {
        "patient_id": pa.string(),
        "lesion_id": pa.string(),
        "site": pa.string(),
        "is_lymph_node": pa.bool_(),
        "target": pa.bool_(),
        "date": pa.date32(),
        "diameter_mm": pa.float64(),
        "status": pa.string(),
    },
    "patients": {
        "patient_id": pa.string(),
        "primary_site": pa.string(),
        "ecog": pa.int32(),
        "therapy_agents": pa.string(),
        "therapy_class": pa.string(),
        "therapy_start": pa.date32(),
        "therapy_end": pa.date32(),
        "baseline_date": pa.date32(),
        "drivers": pa.string(),
        "source_problem": pa.string(),
    },
    "local_treatments": {
        "patient_id": pa.string(),
        "lesion_id": pa.string(),
        "modality": pa.string(),
        "date": pa.date32(),
    },
}
