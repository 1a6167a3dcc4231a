"""The case form: inputs named by JSON pointer, blank rows dropped, errors placed at the input."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from oligoguide.model import CaseInputError, case_from_data
from oligoguide.model.errors import InputIssue
from oligoguide.service.ui import case_form as cf


def _form(*pairs: tuple[str, str]) -> FormData:
    return FormData(list(pairs))


def test_form_becomes_case_json_with_blank_rows_dropped() -> None:
    data = cf.parse_form(
        _form(
            ("csrf_token", "t"),
            ("/case_id", " c1 "),
            ("/patient/id", "P1"),
            ("/patient/sex", ""),
            ("/cancer/primary_site", "colorectal"),
            ("/cancer/biomarkers/0/name", ""),
            ("/cancer/biomarkers/1/name", "KRAS"),
            ("/cancer/biomarkers/1/status", "negative"),
            ("/systemic_therapies/0/agents", "FOLFOX,  panitumumab ,"),
            ("/systemic_therapies/0/classes", "chemotherapy"),
            ("/systemic_therapies/0/classes", "antibody"),
            ("/systemic_therapies/0/start", "2023-02-01"),
            ("/lesions/0/id", ""),
            ("/lesions/2/id", "L1"),
            ("/lesions/2/site", "liver"),
            ("/lesions/2/target", "true"),
            ("/lesions/2/measurements/0/date", ""),
            ("/lesions/2/measurements/4/date", "2023-01-20"),
            ("/lesions/2/measurements/4/diameter_mm", "34"),
        )
    )
    assert data == {
        "case_id": "c1",
        "patient": {"id": "P1"},
        "cancer": {
            "primary_site": "colorectal",
            "biomarkers": [{"name": "KRAS", "status": "negative"}],
        },
        "systemic_therapies": [
            {
                "agents": ["FOLFOX", "panitumumab"],
                "classes": ["chemotherapy", "antibody"],
                "start": "2023-02-01",
            }
        ],
        "lesions": [
            {
                "id": "L1",
                "site": "liver",
                "target": "true",
                "measurements": [{"date": "2023-01-20", "diameter_mm": "34"}],
            }
        ],
    }
    case = case_from_data(data, text_values=True)  # the model reads the strings, strictly
    assert case.lesions[0].measurements[0].diameter_mm == 34.0
    assert case.lesions[0].target is True


def test_hostile_names_are_ignored() -> None:
    data = cf.parse_form(
        _form(
            ("/lesions/99999/id", "x"),
            ("/a/b/c/d/e/f/g", "deep"),
            ("//patient", "empty segment"),
            ("patient/id", "no slash"),
            ("/" + "x" * 200, "long"),
        )
    )
    assert data == {}


def test_round_trip_keeps_what_was_typed() -> None:
    data = {
        "patient": {"ecog": "seven"},
        "systemic_therapies": [{"agents": ["A", "B"], "classes": ["targeted"]}],
    }
    values = cf.flatten(data)
    assert values == {
        "/patient/ecog": "seven",
        "/systemic_therapies/0/agents": "A, B",
        "/systemic_therapies/0/classes": ["targeted"],
    }


def test_errors_of_the_model_land_on_their_input() -> None:
    data = cf.parse_form(
        _form(
            ("/case_id", "c"),
            ("/patient/id", "P"),
            ("/patient/ecog", "7"),
            ("/cancer/primary_site", "nsclc"),
            ("/lesions/0/id", "L1"),
            ("/lesions/0/site", "lung"),
            ("/lesions/0/measurements/0/date", "2024-01-01"),
            ("/lesions/0/measurements/0/diameter_mm", "20"),
            ("/lesions/0/measurements/1/date", "2024-04-01"),
            ("/lesions/0/measurements/1/diameter_mm", "-1"),
            ("/lesions/0/measurements/2/date", "2024-05-01"),
        )
    )
    with pytest.raises(CaseInputError) as caught:
        case_from_data(data, text_values=True)
    placed = cf.place_errors(caught.value.issues, cf.row_counts(data))
    assert "less than or equal to 4" in placed.at["/patient/ecog"][0]
    assert "greater than or equal to 0" in placed.at["/lesions/0/measurements/1/diameter_mm"][0]
    # A measurement with neither diameter nor status: the model names the row, shown at the row.
    assert "Diameter (mm) or status" in placed.at["/lesions/0/measurements/2"][0]
    anchors = [anchor for anchor, _, _ in placed.summary]
    assert "f-lesions-0-measurements-1-diameter_mm" in anchors


def test_errors_without_an_input_go_to_the_nearest_shown_part() -> None:
    rows = cf.Rows(biomarkers=1, therapies=1, lesions=1, measurements=(1,))
    issues = [
        InputIssue("/schema_version", "bad"),
        InputIssue("/lesions/0/colour", "unknown field"),
        InputIssue("", "a case must be a JSON object"),
    ]
    placed = cf.place_errors(issues, rows)
    assert placed.at[""] == ["Schema version: bad", "a case must be a JSON object"]
    assert placed.at["/lesions/0"] == ["Lesion 1: colour: unknown field"]


@pytest.mark.parametrize(
    ("pointer", "words"),
    [
        ("/lesions/0/measurements/1/diameter_mm", "Lesion 1, measurement 2: Diameter (mm)"),
        ("/patient/ecog", "Patient: ECOG"),
        ("/cancer/biomarkers/2/status", "Cancer, biomarker 3: Status"),
        ("/systemic_therapies/0/start", "Therapy 1: Start"),
        ("/case_id", "Case ID"),
        ("", "The case"),
    ],
)
def test_pointers_are_described_in_words(pointer: str, words: str) -> None:
    assert cf.describe(pointer) == words
