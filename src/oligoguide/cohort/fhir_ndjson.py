"""FHIR Bulk Data (NDJSON) to the cohort tables: Patient, Condition, BodyStructure, Observation
(mCODE TumorSize, LOINC 21889-1 with component 33728-7) and MedicationRequest.

Self-contained and deliberately small: plain dict paths, line by line, no per-resource pydantic
models. Codes it cannot map are passed on as `system:code`, so the screen rejects the patient and
names the code rather than guessing. The converted tables are Parquet with text columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.inputs import CohortInputs, TableFiles
from oligoguide.cohort.schema import COLUMNS

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
TUMOR_SIZE, LONGEST_DIAMETER = "21889-1", "33728-7"

#: SNOMED CT body structures (and secondary-neoplasm disorders) to lesion sites.
SITE_CODES = {
    "39607008": "lung",
    "10200004": "liver",
    "12738006": "brain",
    "272673000": "bone",
    "59441001": "lymph_node",
    "23451007": "adrenal",
    "15425007": "peritoneum",
    "3120008": "pleura",
    "94391008": "lung",
    "94381002": "liver",
    "94225005": "brain",
    "94222008": "bone",
    "94161006": "adrenal",
    "94493005": "pleura",
}
#: ICD-10 categories of primary cancers (secondary ones, C77-C79, are not primaries).
ICD10_PRIMARY = {
    "C18": "colorectal",
    "C19": "colorectal",
    "C20": "colorectal",
    "C50": "breast",
    "C61": "prostate",
    "C64": "renal",
    "C43": "melanoma",
}
SNOMED_PRIMARY = {
    "254637007": "nsclc",
    "254632001": "sclc",
    "363406005": "colorectal",
    "254837009": "breast",
    "399068003": "prostate",
    "372244006": "melanoma",
}
#: Therapy class by agent name; an agent not listed leaves the class unknown (patient rejected).
AGENT_CLASSES = {
    "immunotherapy": (
        "pembrolizumab",
        "nivolumab",
        "ipilimumab",
        "atezolizumab",
        "durvalumab",
        "cemiplimab",
    ),
    "targeted": (
        "osimertinib",
        "alectinib",
        "lorlatinib",
        "dabrafenib",
        "trametinib",
        "cabozantinib",
        "sunitinib",
        "palbociclib",
        "ribociclib",
        "abemaciclib",
        "encorafenib",
        "sotorasib",
    ),
    "antibody": ("cetuximab", "panitumumab", "bevacizumab", "trastuzumab"),
    "hormonal": (
        "letrozole",
        "anastrozole",
        "tamoxifen",
        "fulvestrant",
        "enzalutamide",
        "abiraterone",
        "apalutamide",
        "darolutamide",
    ),
    "chemotherapy": (
        "carboplatin",
        "cisplatin",
        "pemetrexed",
        "docetaxel",
        "paclitaxel",
        "oxaliplatin",
        "irinotecan",
        "fluorouracil",
        "capecitabine",
        "folfox",
        "folfiri",
        "gemcitabine",
        "lurbinectedin",
    ),
}


def _lines(paths: list[Path], resource_type: str) -> Iterator[dict[str, Any]]:
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                resource = json.loads(line)
                if resource.get("resourceType") == resource_type:
                    yield resource


def _ref(reference: dict[str, Any] | None, kind: str) -> str | None:
    value = (reference or {}).get("reference")
    if not isinstance(value, str) or not value.startswith(kind + "/"):
        return None
    return value.split("/", 1)[1]


def _codings(concept: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((concept or {}).get("coding") or [])


def _primary(condition: dict[str, Any]) -> str | None:
    for coding in _codings(condition.get("code")):
        code, system = str(coding.get("code", "")), str(coding.get("system", ""))
        if system == SNOMED and code in SNOMED_PRIMARY:
            return SNOMED_PRIMARY[code]
        if "icd-10" in system.lower() and code[:3] in ICD10_PRIMARY:
            return ICD10_PRIMARY[code[:3]]
        if "icd-10" in system.lower() and code[:3] == "C34":
            text = json.dumps(condition).lower()
            if "non-small" in text:
                return "nsclc"
            if "small cell" in text:
                return "sclc"
    return None


def _site(body: dict[str, Any]) -> str | None:
    for coding in _codings(body.get("location")):
        code, system = str(coding.get("code", "")), str(coding.get("system", ""))
        if system == SNOMED and code in SITE_CODES:
            return SITE_CODES[code]
        if code:
            return f"{system}:{code}"  # unknown: the screen rejects the patient and names it
    return None


def _millimetres(quantity: dict[str, Any]) -> str | None:
    value = quantity.get("value")
    if value is None:
        return None
    unit = str(quantity.get("code") or quantity.get("unit") or "mm")
    factor = {"mm": 1.0, "cm": 10.0}.get(unit)
    return None if factor is None else f"{float(value) * factor:g}"


def _size(observation: dict[str, Any]) -> str | None:
    for component in observation.get("component") or []:
        if any(c.get("code") == LONGEST_DIAMETER for c in _codings(component.get("code"))):
            return _millimetres(component.get("valueQuantity") or {})
    return None


def _therapy_class(agents: str) -> str | None:
    name = agents.lower()
    found = [k for k, names in AGENT_CLASSES.items() if any(n in name for n in names)]
    return found[0] if found else None


def convert(paths: list[Path], out: Path) -> CohortInputs:
    """Write measurements, patients and local_treatments Parquet tables from NDJSON files."""
    patients: dict[str, dict[str, Any]] = {}
    for resource in _lines(paths, "Patient"):
        patients[str(resource.get("id"))] = {"patient_id": str(resource.get("id"))}
    for resource in _lines(paths, "Condition"):
        pid, site = _ref(resource.get("subject"), "Patient"), _primary(resource)
        if pid in patients and site and "primary_site" not in patients[pid]:
            patients[pid]["primary_site"] = site
    current: dict[str, tuple[str, str]] = {}
    for resource in _lines(paths, "MedicationRequest"):
        pid = _ref(resource.get("subject"), "Patient")
        if pid not in patients or resource.get("status") not in ("active", "on-hold"):
            continue
        concept = resource.get("medicationCodeableConcept") or {}
        agents = concept.get("text") or next(
            (c.get("display") for c in _codings(concept) if c.get("display")), None
        )
        start = str(resource.get("authoredOn") or "")[:10]
        if agents and (pid not in current or start > current[pid][0]):
            current[pid] = (start, agents)
    for pid, (start, agents) in current.items():
        patients[pid].update(
            therapy_agents=agents, therapy_class=_therapy_class(agents), therapy_start=start or None
        )
    lesions: dict[str, dict[str, Any]] = {}
    for resource in _lines(paths, "BodyStructure"):
        identifiers = resource.get("identifier") or [{}]
        lesions[str(resource.get("id"))] = {
            "patient_id": _ref(resource.get("patient"), "Patient"),
            "lesion_id": identifiers[0].get("value") or resource.get("id"),
            "site": _site(resource),
        }
    measurements = []
    for resource in _lines(paths, "Observation"):
        if not any(c.get("code") == TUMOR_SIZE for c in _codings(resource.get("code"))):
            continue
        foci = resource.get("focus") or [{}]
        lesion = lesions.get(_ref(foci[0], "BodyStructure") or "", {})
        site = lesion.get("site")
        measurements.append(
            {
                "patient_id": _ref(resource.get("subject"), "Patient"),
                "lesion_id": lesion.get("lesion_id"),
                "site": site,
                "is_lymph_node": "true" if site == "lymph_node" else "false",
                "date": str(resource.get("effectiveDateTime") or "")[:10] or None,
                "diameter_mm": _size(resource),
            }
        )
    out.mkdir(parents=True, exist_ok=True)
    tables = {}
    for name, rows in (
        ("measurements", measurements),
        ("patients", list(patients.values())),
        ("local_treatments", []),
    ):
        columns = {c: pa.array([r.get(c) for r in rows], pa.string()) for c in COLUMNS[name]}
        path = out / f"{name}.parquet"
        pq.write_table(pa.table(columns), path)
        tables[name] = TableFiles("parquet", (path,))
    return CohortInputs(tables)
