"""Native case -> mCODE Bundle -> case gives the same case and the same assessment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fhir.resources")

from builders import case, lesion, scan
from oligoguide.assess import assess
from oligoguide.fhir import bundle_to_case, case_to_bundle
from oligoguide.model import Case, case_from_data, load_case
from oligoguide.model.errors import CaseInputError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = sorted(EXAMPLES.glob("*.json"))


def _decisions(c: Case) -> tuple[object, ...]:
    a = assess(c)
    return (
        a.disease_state,
        a.progressing_lesions,
        tuple(r.statement_id for r in a.recommendations),
        a.estro_eortc_class,
    )


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_example_round_trip_keeps_case_and_decisions(path: Path) -> None:
    native = load_case(path)
    reading = bundle_to_case(case_to_bundle(native))
    assert reading.unmapped == ()
    assert reading.case == native
    assert _decisions(reading.case) == _decisions(native)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_shipped_example_bundles_are_current(path: Path) -> None:
    shipped = json.loads((EXAMPLES / "fhir" / path.name).read_text(encoding="utf-8"))
    assert shipped == case_to_bundle(load_case(path)), "run scripts/make_example_bundles.py"
    assert bundle_to_case(shipped).case == load_case(path)


def test_round_trip_of_local_treatments_and_lesion_details() -> None:
    native = case(
        [
            lesion("L1", [20, 21, 30], site="lung", lung_zone="central"),
            lesion(
                "B1", ["present", "present", "unequivocal_progression"], site="bone", target=False
            ),
            lesion("N1", [16, 9, 9], site="lymph_node", node=True),
            lesion("S1", [12, 12, 12], site="spine", adjacent_organs=["spinal_cord"]),
        ],
        local_treatments=[
            {
                "lesion_id": "S1",
                "modality": "sbrt",
                "date": scan(1),
                "total_dose_gy": 24,
                "fractions": 2,
            },
            {"lesion_id": "L1", "modality": "rfa", "date": scan(1)},
        ],
        baseline_date=scan(0),
        clinically_deteriorating=False,
    )
    reading = bundle_to_case(case_to_bundle(native))
    assert reading.unmapped == ()
    assert reading.case == native
    assert _decisions(reading.case) == _decisions(native)


def test_sizes_in_cm_are_read_as_mm() -> None:
    native = case([lesion("L1", [20, 30])])
    bundle = case_to_bundle(native)
    for e in bundle["entry"]:
        for component in e["resource"].get("component", []):
            q = component.get("valueQuantity")
            if q:
                q.update(value=q["value"] / 10, unit="cm", code="cm")
    assert bundle_to_case(bundle).case.lesions[0].measurements[1].diameter_mm == 30


def test_searchset_from_another_system_reports_what_it_cannot_map() -> None:
    native = case_from_data(json.loads(CASES[0].read_text(encoding="utf-8")))
    bundle = case_to_bundle(native)
    bundle["type"] = "searchset"
    patient = {"reference": f"Patient/{bundle['entry'][0]['resource']['id']}"}
    bundle["entry"].append(
        {"resource": {"resourceType": "AllergyIntolerance", "id": "a1", "patient": patient}}
    )
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "m-unknown",
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": {"text": "investigational-xyz"},
                "subject": patient,
                "authoredOn": "2023-03-10",
            }
        }
    )
    with pytest.raises(CaseInputError) as refused:  # by default nothing is read without it
        bundle_to_case(bundle)
    assert {i.pointer for i in refused.value.issues} == {
        f"/entry/{len(bundle['entry']) - 2}/resource",
        f"/entry/{len(bundle['entry']) - 1}/resource",
    }
    reading = bundle_to_case(bundle, lenient=True)
    reasons = {u.resource: u.reason for u in reading.unmapped}
    assert "not used by oligoguide" in reasons["AllergyIntolerance/a1"]
    assert "therapy class" in reasons["MedicationRequest/m-unknown"]
    # Nothing invented: the unknown drug did not become a therapy.
    assert all("investigational-xyz" not in t.agents for t in reading.case.systemic_therapies)
