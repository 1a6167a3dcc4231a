"""Bad input gives one clear error naming the field by JSON pointer; never a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oligoguide.model import CaseInputError, case_from_data, case_from_json, case_json_schema


def minimal() -> dict[str, Any]:
    return {
        "case_id": "c1",
        "patient": {"id": "p1", "birth_date": "1960-01-01", "ecog": 1},
        "cancer": {"primary_site": "nsclc"},
        "lesions": [
            {
                "id": "A",
                "site": "lung",
                "target": True,
                "measurements": [{"date": "2024-01-01", "diameter_mm": 20}],
            }
        ],
    }


def error_for(data: dict[str, Any]) -> CaseInputError:
    with pytest.raises(CaseInputError) as caught:
        case_from_data(data)
    return caught.value


def test_minimal_case_is_valid() -> None:
    assert case_from_data(minimal()).lesions[0].id == "A"


def test_unknown_field_is_named() -> None:
    data = minimal()
    data["patient"]["ecgo"] = 1
    assert str(error_for(data)).startswith("/patient/ecgo: unknown field")


def test_ecog_out_of_range_is_named() -> None:
    data = minimal()
    data["patient"]["ecog"] = 7
    assert str(error_for(data)).startswith("/patient/ecog:")


def test_negative_diameter_is_named() -> None:
    data = minimal()
    data["lesions"][0]["measurements"][0]["diameter_mm"] = -3
    assert str(error_for(data)).startswith("/lesions/0/measurements/0/diameter_mm:")


def test_measurement_before_birth_is_named() -> None:
    data = minimal()
    data["lesions"][0]["measurements"][0]["date"] = "1950-05-05"
    error = str(error_for(data))
    assert error.startswith("/lesions/0/measurements/0/date:")
    assert "before the birth date" in error


def test_duplicate_lesion_id_is_named() -> None:
    data = minimal()
    data["lesions"].append(dict(data["lesions"][0]))
    assert str(error_for(data)).startswith("/lesions/1/id: duplicate lesion id 'A'")


def test_wrong_date_format_is_named() -> None:
    data = minimal()
    data["lesions"][0]["measurements"][0]["date"] = "01/02/2024"
    assert str(error_for(data)).startswith("/lesions/0/measurements/0/date:")


def test_unknown_site_is_named() -> None:
    data = minimal()
    data["lesions"][0]["site"] = "lungs"
    assert str(error_for(data)).startswith("/lesions/0/site:")


def test_local_treatment_of_unknown_lesion_is_named() -> None:
    data = minimal()
    data["local_treatments"] = [{"lesion_id": "Z", "modality": "sbrt", "date": "2024-02-01"}]
    assert str(error_for(data)).startswith("/local_treatments/0/lesion_id: unknown lesion id")


def test_malformed_json_says_where() -> None:
    with pytest.raises(CaseInputError, match="malformed JSON at line 1"):
        case_from_json('{"case_id": ')


def test_every_issue_is_listed_not_only_the_first() -> None:
    data = minimal()
    data["patient"]["ecog"] = 9
    data["lesions"][0]["site"] = "moon"
    pointers = {i.pointer for i in error_for(data).issues}
    assert {"/patient/ecog", "/lesions/0/site"} <= pointers


def test_json_schema_exports_the_controlled_vocabularies() -> None:
    schema = case_json_schema()
    assert "liver" in schema["$defs"]["Site"]["enum"]
    assert schema["additionalProperties"] is False
    json.dumps(schema)
