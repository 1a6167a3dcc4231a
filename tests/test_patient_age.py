"""An age instead of a birth date (issue 22: "age or birth date, whichever the user has").

The age is whole years (0-120). In FHIR it is an Observation with LOINC 30525-0 "Age" and a
UCUM quantity in years ('a'), the code FHIR implementation guides use for an age recorded as an
observation; a Patient resource holds only a birth date.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oligoguide.assess import assess
from oligoguide.fhir import codes as c
from oligoguide.fhir.case_to_bundle import case_to_bundle
from oligoguide.fhir.read import bundle_to_case
from oligoguide.model import CaseInputError, case_from_data, load_case
from oligoguide.render.html import render_html
from oligoguide.render.plots import all_figures
from oligoguide.service.ui import case_fields

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"


def _with_age(age: object) -> dict[str, object]:
    data = json.loads(load_case(EXAMPLE).model_dump_json())
    data["patient"].pop("birth_date", None)
    data["patient"]["age"] = age
    return data


def test_an_age_round_trips_through_fhir_as_loinc_30525_0() -> None:
    case = case_from_data(_with_age(67))
    bundle = case_to_bundle(case)
    ages = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "30525-0"
    ]
    assert c.AGE.system == "http://loinc.org"
    assert ages[0]["valueQuantity"] == {
        "value": 67,
        "unit": "a",
        "system": "http://unitsofmeasure.org",
        "code": "a",
    }
    assert bundle_to_case(bundle).case == case


@pytest.mark.parametrize("age", [-1, 121, "67", 67.5, True])
def test_an_impossible_age_is_refused_at_its_field(age: object) -> None:
    with pytest.raises(CaseInputError) as refused:
        case_from_data(_with_age(age))
    assert any(i.pointer == "/patient/age" for i in refused.value.issues)


def test_the_report_header_gives_the_recorded_age_and_the_form_offers_it() -> None:
    case = case_from_data(_with_age(67))
    result = assess(case)
    assert "67 years" in render_html(result, all_figures(case, result))
    assert "age" in {f.name for f in case_fields.PATIENT}
