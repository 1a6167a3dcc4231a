"""Codes emitted are in their value sets; bad Bundles fail with a pointer into the Bundle."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from oligoguide.assess import assess
from oligoguide.fhir import assessment_to_bundle, bundle_to_case, case_to_bundle
from oligoguide.fhir import codes as c
from oligoguide.fhir.write import disease_status_code
from oligoguide.model import CaseInputError, load_case
from oligoguide.model.vocab import DiseaseState, Site

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = sorted(EXAMPLES.glob("*.json"))


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_known_codes_are_the_verified_ones() -> None:
    # C78.0 (not "C87.0", which does not exist) is secondary malignant neoplasm of lung.
    assert c.SITE_CODES[Site.LUNG].secondary_icd10 == c.Code(
        c.ICD10, "C78.0", "Secondary malignant neoplasm of lung"
    )
    snomed = {s: c.SITE_CODES[s].secondary_snomed for s in Site}
    assert {s: x.code for s, x in snomed.items() if x is not None} == {
        Site.LUNG: "94391008",
        Site.LIVER: "94381002",
        Site.BRAIN: "94225005",
        Site.BONE: "94222008",
        Site.SPINE: "94222008",
        Site.ADRENAL: "94161006",
        Site.PLEURA: "94493005",
    }
    assert c.TUMOR_SIZE.code == "21889-1"
    assert c.TUMOR_LONGEST_DIMENSION.code == "33728-7"
    assert c.DISEASE_STATUS.code == "97509-4"
    assert c.ECOG.code == "89247-1"
    assert {"268910001", "359746009", "271299001", "709137006"} <= c.CONDITION_STATUS_TREND_VS


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_emitted_codes_are_in_their_value_sets(path: Path) -> None:
    case = load_case(path)
    bundle = case_to_bundle(case)
    for r in _resources(bundle, "Observation"):
        if r["code"]["coding"][0]["code"] == c.TUMOR_SIZE.code:
            q = r["component"][0]["valueQuantity"]
            assert r["component"][0]["code"]["coding"][0]["code"] == "33728-7"
            assert q["system"] == c.UCUM
            assert q["code"] in c.SIZE_UNITS_TO_MM
    for r in _resources(bundle, "Condition"):
        for coding in r["code"]["coding"]:
            if c.PROFILE["secondary"] in r["meta"]["profile"] and coding["system"] == c.ICD10:
                assert coding["code"][:3] in {"C77", "C78", "C79"}
    for r in _resources(bundle, "BodyStructure"):
        if c.PROFILE["tumor"] in r["meta"]["profile"]:
            assert r["morphology"]["coding"][0]["code"] == c.TUMOR_MORPHOLOGY.code
            assert r["identifier"][0]["value"]
    out = assessment_to_bundle(assess(case), case)
    [status] = [
        r for r in _resources(out, "Observation") if r["code"]["coding"][0]["code"] == "97509-4"
    ]
    value = status["valueCodeableConcept"]["coding"][0]
    assert value["system"] == c.SNOMED
    assert value["code"] in c.CONDITION_STATUS_TREND_VS


def test_disease_status_follows_the_state() -> None:
    by_case = {p.stem: disease_status_code(assess(load_case(p))).code for p in CASES}
    assert by_case["breast_polyprogression"] == c.STATUS_WORSENED.code
    assert by_case["crc_oligoprogression"] == c.STATUS_WORSENED.code
    assert by_case["renal_single_scan"] == c.STATUS_UNDETERMINED.code


def test_written_bundle_has_plan_cautions_evidence_and_provenance() -> None:
    case = load_case(EXAMPLES / "crc_oligoprogression.json")
    a = assess(case)
    out = assessment_to_bundle(a, case)
    [plan] = _resources(out, "CarePlan")
    assert len(plan["activity"]) == len(a.recommendations)
    assert all(act["detail"]["reasonReference"] for act in plan["activity"])
    cautions = [r for r in a.recommendations if r.category.value == "caution"]
    assert len(_resources(out, "DetectedIssue")) == len(cautions) + len(a.warnings)
    citations = _resources(out, "Citation")
    dois = {i["value"] for x in citations for i in x.get("citedArtifact", {}).get("identifier", [])}
    assert {r.doi for r in a.references if r.doi} <= dois
    [prov] = _resources(out, "Provenance")
    assert prov["entity"][0]["what"]["identifier"]["value"] == a.kb_version
    assert a.disease_state == DiseaseState.OLIGOPROGRESSION


def _bundle() -> dict[str, Any]:
    return case_to_bundle(load_case(EXAMPLES / "crc_oligoprogression.json"))


def _first(bundle: dict[str, Any], code: str) -> int:
    return next(
        i
        for i, e in enumerate(bundle["entry"])
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == code
    )


def test_bad_size_unit_names_the_field() -> None:
    bundle = _bundle()
    i = _first(bundle, c.TUMOR_SIZE.code)
    bundle["entry"][i]["resource"]["component"][0]["valueQuantity"]["code"] = "[in_i]"
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert error.value.issues[0].pointer == f"/entry/{i}/resource/component/0/valueQuantity/code"


def test_structural_error_is_pointed_by_the_r4b_models() -> None:
    bundle = _bundle()
    i = _first(bundle, c.TUMOR_SIZE.code)
    bundle["entry"][i]["resource"]["component"][0]["valueQuantity"]["value"] = "twelve"
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert error.value.issues[0].pointer == f"/entry/{i}/resource/component/0/valueQuantity/value"


@pytest.mark.parametrize(
    ("mutate", "pointer"),
    [
        (lambda b: b.update(type="document"), "/type"),
        (lambda b: b.update(resourceType="Patient"), "/resourceType"),
        (
            lambda b: b.update(
                entry=[e for e in b["entry"] if e["resource"]["resourceType"] != "Patient"]
            ),
            "/entry",
        ),
        (lambda b: b["entry"][0]["resource"].update(bogus=1), "/entry/0/resource/bogus"),
    ],
)
def test_invalid_bundles_raise_with_pointer(mutate: Any, pointer: str) -> None:
    bundle = copy.deepcopy(_bundle())
    mutate(bundle)
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert error.value.issues[0].pointer == pointer


def test_ecog_out_of_range_names_the_value() -> None:
    bundle = _bundle()
    i = _first(bundle, c.ECOG.code)
    bundle["entry"][i]["resource"]["valueInteger"] = 9
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert error.value.issues[0].pointer == f"/entry/{i}/resource/valueInteger"


# mCODE SecondaryCancerDisorderVS (ICD-10-CM): C79.31 brain, C79.32 cerebral meninges,
# C79.51 bone, C79.52 bone marrow. Codes are matched exactly (issue 20): marrow is not bone,
# meninges are not brain.
@pytest.mark.parametrize(
    ("code", "site"),
    [
        ("C79.31", Site.BRAIN),
        ("C79.32", Site.LEPTOMENINGES),
        ("C79.51", Site.BONE),
        ("C79.52", None),
        ("C78.01", Site.LUNG),
        ("C79.72", Site.ADRENAL),
        ("C79.49", None),
        ("C78.7", Site.LIVER),
        ("C78.71", None),  # not a code: no prefix guessing
    ],
)
def test_secondary_icd10_codes_map_exactly(code: str, site: Site | None) -> None:
    assert c.site_from_secondary_code(c.ICD10_CM, code) == site
