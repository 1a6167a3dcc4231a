"""Schema version 2 through FHIR: case -> mCODE Bundle -> case is exact, with real codes where
they were verified, and what a foreign Bundle holds that cannot be used is reported."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from hypothesis import HealthCheck, given, settings

from case_strategies_v2 import v2_cases
from oligoguide.fhir import bundle_to_case, case_to_bundle
from oligoguide.fhir import codes as c
from oligoguide.fhir import codes_context as cx
from oligoguide.model import Case, case_from_data
from oligoguide.model.errors import CaseInputError
from oligoguide.model.vocab import Site, TherapyClass
from oligoguide.model.vocab_context import (
    Comorbidity,
    LabName,
)

V2: dict[str, Any] = {
    "schema_version": "2",
    "case_id": "v2",
    "patient": {"id": "P", "birth_date": "1950-01-01", "ecog": 1},
    "cancer": {"primary_site": "colorectal"},
    "primary_tumour": {
        "status": "in_situ",
        "date": "2024-01-02",
        "lesion_id": "P1",
        "symptoms": ["bleeding", "obstruction"],
    },
    "systemic_therapies": [
        {
            "agents": ["FOLFOX", "bevacizumab"],
            "classes": ["chemotherapy", "antibody"],
            "line": 1,
            "start": "2024-02-01",
            "best_response": "PR",
            "last_doses": [
                {"agent": "bevacizumab", "date": "2025-03-02"},
                {"agent": "oxaliplatin", "date": "2025-03-01"},
            ],
        }
    ],
    "prior_treatment_lines": [
        {
            "line": 1,
            "agents": ["carboplatin", "pemetrexed"],
            "classes": ["chemotherapy"],
            "year": 2022,
            "best_response": "PR",
            "note": "stopped for toxicity",
        },
        {"agents": ["investigational-xyz"]},
    ],
    "prior_radiotherapy": [
        {
            "site": "spine",
            "location": "T10-L1",
            "total_dose_gy": 20,
            "fractions": 5,
            "date": "2023-05-01",
            "lesion_ids": ["L1", "G1"],
        },
        {"site": "leptomeninges"},
    ],
    "lesions": [
        {
            "id": "P1",
            "site": "colorectum",
            "primary": True,
            "measurements": [{"date": "2024-01-10", "diameter_mm": 40}],
        },
        {
            "id": "L1",
            "site": "spine",
            "oar_distances": [{"organ": "spinal_cord", "distance_mm": 3}],
            "symptoms": ["pain"],
            "sins_score": 9,
            "post_treatment_assessment": {
                "date": "2025-01-01",
                "appearance": "fibrosis",
                "basis": ["CT", "PET-CT"],
                "note": "stable sclerosis",
            },
            "measurements": [
                {"date": "2024-01-10", "diameter_mm": 14, "modality": "PSMA-PET", "suv_max": 7.2},
                {"date": "2024-04-10", "status": "present", "modality": "CT", "suv_max": 1.5},
            ],
        },
        {
            "id": "M1",
            "site": "leptomeninges",
            "measurements": [{"date": "2024-01-10", "status": "present"}],
        },
    ],
    "lesion_groups": [
        {
            "id": "G1",
            "site": "lung",
            "location": "bilateral",
            "description": "innumerable nodules",
            "observations": [
                {"date": "2024-01-10", "count": 12, "status": "present", "modality": "CT"},
                {"date": "2024-04-10", "count": "multiple", "status": "progressing"},
            ],
        }
    ],
    "imaging": [
        {
            "date": "2024-01-10",
            "modality": "PSMA-PET",
            "regions": ["whole_body"],
            "id": "PET-1",
            "findings": "avid T12 lesion",
        },
        {"date": "2024-04-10", "modality": "CT", "regions": ["chest"]},
    ],
    "labs": [
        {"name": "PSA", "value": 4.1, "unit": "ng/mL", "date": "2024-01-01"},
        {"name": "NSE", "value": 12, "unit": "ug/L", "date": "2024-01-01"},
        {"name": "other", "value": 1, "unit": "x", "date": "2024-01-01"},
    ],
    "comorbidities": [
        {"condition": "interstitial_lung_disease", "detail": "UIP pattern"},
        {"condition": "cirrhosis", "child_pugh": "B", "date": "2020-01-01"},
        {"condition": "renal_impairment"},
    ],
    "surgical_opinions": [
        {
            "date": "2024-05-01",
            "lesion_ids": ["L1", "G1"],
            "resectability": "borderline",
            "intent": "curative",
            "note": "after downsizing",
        },
        {"resectability": "unresectable"},
    ],
    "prior_metastatic_burden": {
        "date": "2023-01-01",
        "polymetastatic": True,
        "lesion_count": 14,
        "note": "before FOLFOX",
    },
    "cytology": [
        {"specimen": "csf", "result": "positive", "date": "2024-02-01"},
        {"specimen": "pleural", "result": "atypical", "date": "2024-02-01"},
    ],
    "risk_scores": [
        {"name": "IMDC", "value": "intermediate", "date": "2024-01-01"},
        {"name": "other", "value": "3"},
    ],
}


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _codes(resource: dict[str, Any], key: str = "code") -> set[tuple[str, str]]:
    return {(x["system"], x["code"]) for x in resource.get(key, {}).get("coding", [])}


def test_every_v2_field_round_trips_exactly_and_nothing_is_unmapped() -> None:
    native = case_from_data(V2)
    reading = bundle_to_case(case_to_bundle(native))
    assert reading.unmapped == ()
    assert reading.case == native


def test_standard_resources_and_verified_codes_are_written() -> None:
    bundle = case_to_bundle(case_from_data(V2))
    observations = _resources(bundle, "Observation")
    loinc = {code for o in observations for system, code in _codes(o) if system == c.LOINC}
    assert "2857-1" in loinc  # PSA
    psa = next(o for o in observations if (c.LOINC, "2857-1") in _codes(o))
    assert psa["meta"]["profile"] == [c.PROFILE["tumor_marker"]]
    assert psa["valueQuantity"] == {"value": 4.1, "unit": "ng/mL"}
    nse = next(o for o in observations if o["code"].get("text") == "NSE")
    assert _codes(nse) == {(cx.LOCAL_LAB, "NSE")}  # no verified LOINC code: local, not invented
    conditions = _resources(bundle, "Condition")
    ild = next(x for x in conditions if (c.SNOMED, "233703007") in _codes(x))
    assert (cx.LOCAL_COMORBIDITY, "interstitial_lung_disease") in _codes(ild)
    renal = next(x for x in conditions if (cx.LOCAL_COMORBIDITY, "renal_impairment") in _codes(x))
    assert {s for s, _ in _codes(renal)} == {cx.LOCAL_COMORBIDITY}
    lepto = next(x for x in conditions if "leptomeninges" in x["code"].get("text", ""))
    assert (c.ICD10_CM, "C79.32") in _codes(lepto)
    courses = [
        p
        for p in _resources(bundle, "Procedure")
        if p["meta"]["profile"] == [c.PROFILE["rt_course"]]
    ]
    assert len(courses) == 2
    assert all((c.SNOMED, c.RT_COURSE.code) in _codes(p) for p in courses)
    doses = _resources(bundle, "MedicationAdministration")
    assert [d["effectiveDateTime"] for d in doses] == ["2025-03-02", "2025-03-01"]
    assert _resources(bundle, "MedicationStatement")[0]["effectiveDateTime"] == "2022"
    report = next(r for r in _resources(bundle, "DiagnosticReport") if r.get("conclusion"))
    assert report["conclusion"] == "avid T12 lesion"


def test_verified_code_tables_hold_no_duplicate_or_local_standard_codes() -> None:
    assert len({x.code for x in cx.LAB_CODES.values()}) == len(cx.LAB_CODES)
    assert all(x.system == c.LOINC for x in cx.LAB_CODES.values())
    assert LabName.NSE not in cx.LAB_CODES
    assert LabName.OTHER not in cx.LAB_CODES
    assert all(x.system == c.SNOMED for x in cx.COMORBIDITY_CODES.values())
    assert Comorbidity.OTHER not in cx.COMORBIDITY_CODES


@pytest.mark.parametrize(
    ("system", "code", "site"),
    [
        (c.ICD10_CM, "C79.32", Site.LEPTOMENINGES),
        ("http://hl7.org/fhir/sid/icd-10-cm", "c79.32", Site.LEPTOMENINGES),
        (c.ICD10_CM, "C79.31", Site.BRAIN),
        (c.ICD10, "C79.3", Site.BRAIN),
    ],
)
def test_leptomeningeal_icd10_cm_reads_as_leptomeninges(system: str, code: str, site: Site) -> None:
    assert c.site_from_secondary_code(system, code) == site


def test_an_ehr_leptomeningeal_condition_gives_its_tumor_the_site() -> None:
    native = case_from_data(
        {**{k: V2[k] for k in ("case_id", "patient", "cancer")}, "lesions": [V2["lesions"][2]]}
    )
    bundle = case_to_bundle(native)
    for resource in (e["resource"] for e in bundle["entry"]):
        if resource["resourceType"] == "Condition" and "bodySite" in resource:
            resource["code"] = {"coding": [{"system": c.ICD10_CM, "code": "C79.32"}]}
            del resource["bodySite"]
        if resource["resourceType"] == "BodyStructure":
            resource["location"] = {"text": "meninges"}  # no code the reader knows
    reading = bundle_to_case(bundle)
    assert reading.case.lesions[0].site == Site.LEPTOMENINGES
    assert reading.unmapped == ()


def _foreign(bundle: dict[str, Any], resource: dict[str, Any]) -> None:
    """A resource of the Bundle's patient, as another system writes it."""
    patient = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    subject = {"reference": f"Patient/{patient['id']}"}
    bundle["entry"].append({"resource": {"subject": subject, **resource}})


def test_what_cannot_be_used_is_reported_never_dropped() -> None:
    bundle = case_to_bundle(case_from_data(V2))
    bundle["type"] = "searchset"
    lab = {"resourceType": "Observation", "status": "final"}
    _foreign(
        bundle, {**lab, "id": "crp", "code": {"coding": [{"system": c.LOINC, "code": "1988-5"}]}}
    )
    _foreign(
        bundle,
        {**lab, "id": "psa-no-value", "code": {"coding": [{"system": c.LOINC, "code": "2857-1"}]}},
    )
    _foreign(
        bundle,
        {
            **lab,
            "id": "group-no-id",
            "code": {"coding": [cx.LESION_GROUP.coding()]},
            "effectiveDateTime": "2024-01-01",
            "valueInteger": 3,
        },
    )
    _foreign(
        bundle,
        {
            "resourceType": "MedicationStatement",
            "id": "ms1",
            "status": "completed",
            "medicationCodeableConcept": {"text": "docetaxel"},
            "effectiveDateTime": "2021-03-04",
        },
    )
    with pytest.raises(CaseInputError) as refused:  # strict: nothing is read without it
        bundle_to_case(bundle)
    named = {i.message.split(":")[0] for i in refused.value.issues}
    assert {"Observation/crp", "Observation/psa-no-value", "Observation/group-no-id"} <= named
    reading = bundle_to_case(bundle, lenient=True)
    reasons = {u.resource: u.reason for u in reading.unmapped}
    assert "not used" in reasons["Observation/crp"]
    assert "without a value" in reasons["Observation/psa-no-value"]
    assert "lesion group" in reasons["Observation/group-no-id"]
    assert "only the year" in reasons["MedicationStatement/ms1"]
    docetaxel = next(x for x in reading.case.prior_treatment_lines if "docetaxel" in x.agents)
    assert docetaxel.year == 2021
    assert docetaxel.classes == (TherapyClass.CHEMOTHERAPY,)
    assert len(reading.case.labs) == len(V2["labs"])


def test_an_ehr_radiotherapy_course_tied_to_no_lesion_is_an_earlier_field() -> None:
    bundle = case_to_bundle(case_from_data({**V2, "prior_radiotherapy": []}))
    _foreign(
        bundle,
        {
            "resourceType": "Procedure",
            "id": "rt-ehr",
            "status": "completed",
            "code": {"coding": [c.RT_COURSE.coding()]},
            "bodySite": [{"coding": [c.SITE_CODES[Site.LIVER].body.coding()]}],  # type: ignore[union-attr]
            "performedPeriod": {"start": "2022-06-01"},
        },
    )
    reading = bundle_to_case(bundle)
    (rt,) = reading.case.prior_radiotherapy
    assert (rt.site, rt.date, rt.total_dose_gy) == (Site.LIVER, dt.date(2022, 6, 1), None)
    assert reading.unmapped == ()


def test_only_the_last_dose_per_agent_is_kept_and_the_earlier_reported() -> None:
    bundle = case_to_bundle(case_from_data(V2))
    first = next(r for r in _resources(bundle, "MedicationAdministration"))
    earlier = {**copy.deepcopy(first), "id": "earlier", "effectiveDateTime": "2025-01-01"}
    bundle["entry"].append({"fullUrl": "urn:uuid:earlier", "resource": earlier})
    reading = bundle_to_case(bundle)
    assert reading.case == case_from_data(V2)
    assert [u.resource for u in reading.unmapped] == ["MedicationAdministration/earlier"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v2_cases())
def test_property_any_v2_case_round_trips_exactly(data: dict[str, Any]) -> None:
    native: Case = case_from_data(data)
    reading = bundle_to_case(case_to_bundle(native))
    assert reading.unmapped == ()
    assert reading.case == native
