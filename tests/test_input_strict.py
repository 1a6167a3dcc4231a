"""Issue 19, strict input: every defect found by the hostile-input review has a test here.

Types are taken as given (no `true` -> 1 mm, `"34"` -> 34, `"1"` -> ECOG 1, `"off"` -> false,
Unix integer -> date), duplicate keys are refused, no date lies in the future, sizes are capped,
case ids are plain, implausible values are warned with the plan, and the CLI never prints a
traceback for hostile JSON.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oligoguide.assess import assess
from oligoguide.cli import app
from oligoguide.model import CaseInputError, case_from_data, case_from_json, load_case
from oligoguide.model.io import parse_json_text
from oligoguide.model.limits import (
    MAX_IMAGING_STUDIES,
    MAX_LABS,
    MAX_LESION_GROUPS,
    MAX_LESIONS,
    MAX_MEASUREMENTS,
    MAX_MEASUREMENTS_PER_LESION,
)
from oligoguide.model.plausibility import implausible_lesion_ids, plausibility_warnings
from oligoguide.service import Settings
from oligoguide.service.bodies import MalformedJsonError, parse_json
from oligoguide.service.launch import build_app
from service_helpers import client

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
TODAY = dt.date(2026, 12, 5)
JSON = {"content-type": "application/json"}
LOOPBACK = "http://localhost"  # local mode answers loopback hosts only
runner = CliRunner()


def full_case() -> dict[str, Any]:
    """A case that fills every field of schema version 2, each with a valid value."""
    return {
        "schema_version": "2",
        "case_id": "full-case_1.v2",
        "patient": {"id": "P1", "sex": "female", "birth_date": "1960-03-01", "ecog": 1},
        "cancer": {
            "primary_site": "colorectal",
            "histology": "adenocarcinoma",
            "diagnosis_date": "2021-05-01",
            "stage_at_diagnosis": "IIIB",
            "metastases_timing": "metachronous",
            "sidedness": "left",
            "biomarkers": [
                {"name": "KRAS", "status": "negative", "detail": "wild type", "date": "2021-06-01"}
            ],
        },
        "baseline_date": "2023-01-10",
        "systemic_therapies": [
            {
                "agents": ["FOLFOX", "panitumumab"],
                "classes": ["chemotherapy", "antibody"],
                "line": 1,
                "start": "2023-02-01",
                "end": "2024-06-01",
                "best_response": "PR",
                "last_doses": [{"agent": "panitumumab", "date": "2024-05-20"}],
            }
        ],
        "local_treatments": [
            {
                "lesion_id": "L1",
                "modality": "sbrt",
                "date": "2023-03-01",
                "total_dose_gy": 50,
                "fractions": 5,
            }
        ],
        "lesions": [
            {
                "id": "L1",
                "site": "lung",
                "location": "right upper lobe",
                "is_lymph_node": False,
                "primary": False,
                "lung_zone": "peripheral",
                "adjacent_organs": ["esophagus"],
                "oar_distances": [{"organ": "esophagus", "distance_mm": 12.5}],
                "symptomatic": False,
                "symptoms": ["pain"],
                "sins_score": 3,
                "post_treatment_assessment": {
                    "date": "2024-01-15",
                    "appearance": "fibrosis",
                    "basis": ["CT"],
                    "note": "stable scar",
                },
                "measurable": True,
                "target": True,
                "equivocal": False,
                "measurements": [
                    {
                        "date": "2023-01-10",
                        "diameter_mm": 22,
                        "status": "present",
                        "modality": "CT",
                        "suv_max": 6.5,
                    },
                    {"date": "2024-01-15", "diameter_mm": 14.5},
                ],
            }
        ],
        "imaging": [
            {
                "date": "2023-01-10",
                "modality": "CT",
                "regions": ["chest", "abdomen", "pelvis"],
                "id": "S1",
                "findings": "one lung nodule",
            },
            {"date": "2024-01-15", "modality": "CT", "regions": ["chest"]},
        ],
        "clinically_deteriorating": False,
        "primary_tumour": {"status": "resected", "date": "2021-06-15", "symptoms": ["bleeding"]},
        "prior_treatment_lines": [
            {
                "line": 1,
                "agents": ["capecitabine"],
                "classes": ["chemotherapy"],
                "year": 2021,
                "best_response": "SD",
                "note": "adjuvant",
            }
        ],
        "prior_radiotherapy": [
            {
                "site": "lung",
                "location": "mediastinum",
                "total_dose_gy": 30,
                "fractions": 10,
                "date": "2022-01-01",
                "lesion_ids": ["L1"],
            }
        ],
        "lesion_groups": [
            {
                "id": "G1",
                "site": "lung",
                "location": "bilateral",
                "description": "small nodules",
                "observations": [
                    {"date": "2023-01-10", "count": 4, "status": "present", "modality": "CT"},
                    {"date": "2024-01-15", "count": "multiple", "status": "stable"},
                ],
            }
        ],
        "labs": [{"name": "CEA", "value": 4.5, "unit": "ng/mL", "date": "2024-01-10"}],
        "comorbidities": [
            {"condition": "cirrhosis", "detail": "alcohol", "child_pugh": "A", "date": "2020-01-01"}
        ],
        "surgical_opinions": [
            {
                "date": "2024-01-20",
                "lesion_ids": ["L1"],
                "resectability": "resectable",
                "intent": "curative",
                "note": "wedge",
            }
        ],
        "prior_metastatic_burden": {
            "date": "2022-12-01",
            "polymetastatic": False,
            "lesion_count": 2,
            "note": "two nodules",
        },
        "cytology": [{"specimen": "pleural", "result": "negative", "date": "2023-01-12"}],
        "risk_scores": [{"name": "CRS", "value": "2", "date": "2023-01-12"}],
    }


def scalars(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of a JSON document with its pointer."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from scalars(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from scalars(value, f"{pointer}/{index}")
    else:
        yield pointer, node


def set_at(data: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    *parents, last = pointer.strip("/").split("/")
    node: Any = changed
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return changed


def swaps(value: Any) -> list[Any]:
    """Values of the wrong JSON type that a lax reader would convert into `value`'s type."""
    if isinstance(value, bool):
        return [int(value), str(value).lower(), "on" if value else "off"]
    if isinstance(value, int):  # a float is refused too where an integer is meant (see below)
        return [str(value), True]
    if isinstance(value, float):
        return [str(value), True]
    if isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-":  # a date
        day = dt.date.fromisoformat(value)
        unix = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
        return [unix, str(unix), f"{value}T00:00:00", day.strftime("%d/%m/%Y")]
    if value == "multiple":  # the count of a lesion group: a number is valid there
        return [True, "many"]
    if isinstance(value, str):
        return [7, True]
    return []


def refused_at(data: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(CaseInputError) as caught:
        case_from_data(data, today=TODAY, **kwargs)
    return [issue.pointer for issue in caught.value.issues]


# -- strict types --------------------------------------------------------------------------------


def test_the_full_case_is_valid() -> None:
    case = case_from_data(full_case(), today=TODAY)
    assert case.lesions[0].measurements[0].diameter_mm == 22


def test_every_scalar_of_the_wrong_type_is_refused_at_its_pointer() -> None:
    """Defect: lax validation turned true into 1 mm, "34" into 34, "1" into ECOG 1, "off" into
    false and Unix integers into dates. Every scalar field, every wrong type: refused, named."""
    data = full_case()
    tried = 0
    for pointer, value in scalars(data):
        if pointer == "/schema_version":
            continue  # a string literal: "2", tried below
        for wrong in swaps(value):
            assert pointer in refused_at(set_at(data, pointer, wrong)), (pointer, wrong)
            tried += 1
    assert tried > 250


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/lesions/0/measurements/1/diameter_mm", True),
        ("/lesions/0/measurements/1/diameter_mm", "34"),
        ("/patient/ecog", "1"),
        ("/patient/ecog", 1.0),
        ("/systemic_therapies/0/line", 1.5),
        ("/lesions/0/target", "off"),
        ("/lesions/0/measurements/1/date", 1705276800),
        ("/schema_version", 2),
        ("/lesion_groups/0/observations/0/count", "4"),
        ("/lesion_groups/0/observations/0/count", True),
        ("/lesion_groups/0/observations/0/count", -1),
        ("/labs/0/value", float("nan")),
        ("/labs/0/value", float("inf")),
    ],
)
def test_the_reported_misreadings_are_refused_with_one_pointer(pointer: str, value: Any) -> None:
    assert refused_at(set_at(full_case(), pointer, value)) == [pointer]


def test_a_date_object_from_our_own_adapters_still_works() -> None:
    data = set_at(full_case(), "/lesions/0/measurements/1/date", dt.date(2024, 1, 15))
    assert case_from_data(data, today=TODAY).lesions[0].measurements[1].date == dt.date(2024, 1, 15)
    with_time = set_at(data, "/lesions/0/measurements/1/date", dt.datetime(2024, 1, 15))
    assert refused_at(with_time) == ["/lesions/0/measurements/1/date"]


def test_json_text_and_parsed_data_are_read_the_same() -> None:
    text = json.dumps(full_case())
    assert case_from_json(text, today=TODAY) == case_from_data(json.loads(text), today=TODAY)
    bad = json.dumps(set_at(full_case(), "/patient/ecog", "1"))
    with pytest.raises(CaseInputError, match=r"^/patient/ecog: "):
        case_from_json(bad, today=TODAY)


def test_form_text_is_read_strictly() -> None:
    """A web form sends text: "34" is a number there, but "34 mm", "yes" and "1.0" for an
    integer are still refused."""
    data = set_at(full_case(), "/lesions/0/measurements/1/diameter_mm", "34")
    data = set_at(data, "/patient/ecog", "2")
    data = set_at(data, "/lesions/0/target", "false")
    data = set_at(data, "/lesion_groups/0/observations/0/count", "4")
    case = case_from_data(data, today=TODAY, text_values=True)
    assert case.lesions[0].measurements[1].diameter_mm == 34.0
    assert (case.patient.ecog, case.lesions[0].target) == (2, False)
    assert case.lesion_groups[0].observations[0].count == 4
    for pointer, wrong in [
        ("/lesions/0/measurements/1/diameter_mm", "34 mm"),
        ("/lesions/0/measurements/1/diameter_mm", "nan"),
        ("/patient/ecog", "1.0"),
        ("/lesions/0/target", "yes"),
        ("/lesions/0/measurements/1/date", "1705276800"),
    ]:
        assert pointer in refused_at(set_at(data, pointer, wrong), text_values=True), wrong


def test_a_list_whose_items_are_all_invalid_is_not_also_called_empty() -> None:
    data = set_at(
        full_case(), "/lesions/0/measurements", [{"date": "2024-01-15", "diameter_mm": "9"}]
    )
    assert refused_at(data) == ["/lesions/0/measurements/0/diameter_mm"]


# -- duplicate keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('{"case_id": "a", "case_id": "b"}', ""),
        ('{"patient": {"id": "P1", "ecog": 0, "ecog": 3}}', "/patient"),
        (
            '{"lesions": [{"id": "L1"}, {"id": "L2", "site": "lung", "site": "liver"}]}',
            "/lesions/1",
        ),
    ],
)
def test_a_duplicate_key_is_refused_with_the_pointer_of_its_object(text: str, pointer: str) -> None:
    """Defect: the last of two equal keys silently won."""
    with pytest.raises(CaseInputError) as caught:
        parse_json_text(text)
    assert caught.value.issues[0].pointer == pointer
    assert "duplicate key" in caught.value.issues[0].message
    with pytest.raises(MalformedJsonError) as service:
        parse_json(text.encode())
    assert service.value.pointer == pointer


def test_a_duplicate_key_is_a_400_problem_naming_the_object() -> None:
    body = EXAMPLE.read_text().replace('"ecog": 1', '"ecog": 1, "ecog": 3', 1)
    response = client().post("/v1/assess", content=body.encode(), headers=JSON)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert "duplicate key 'ecog'" in problem["detail"]
    assert "/patient" in response.text


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pointer",
    [
        "/lesions/0/measurements/1/date",
        "/imaging/1/date",
        "/systemic_therapies/0/start",
        "/systemic_therapies/0/end",
        "/systemic_therapies/0/last_doses/0/date",
        "/labs/0/date",
        "/local_treatments/0/date",
        "/lesion_groups/0/observations/1/date",
        "/cytology/0/date",
        "/patient/birth_date",
    ],
)
def test_a_date_in_the_future_is_refused_at_its_pointer(pointer: str) -> None:
    """Defect: dates after today were accepted (a year typed 2062 for 2026 changes which therapy
    was running)."""
    data = full_case()
    if pointer == "/systemic_therapies/0/start":
        data = set_at(data, "/systemic_therapies/0/end", None)
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    assert pointer in refused_at(set_at(data, pointer, future))
    today_itself = set_at(data, pointer, TODAY.isoformat())
    if pointer != "/patient/birth_date":
        case_from_data(today_itself, today=TODAY)


def test_a_therapy_started_after_the_last_scan_is_legitimate() -> None:
    data = set_at(full_case(), "/systemic_therapies/0/start", "2024-03-01")
    data = set_at(data, "/systemic_therapies/0/end", None)
    data = set_at(data, "/systemic_therapies/0/last_doses/0/date", "2024-03-10")
    assert case_from_data(data, today=TODAY).systemic_therapies[0].start == dt.date(2024, 3, 1)


def test_today_defaults_to_the_local_date() -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CaseInputError, match="in the future"):
        case_from_data(set_at(full_case(), "/labs/0/date", tomorrow))


def test_a_stored_case_is_read_again_under_the_rules_it_was_stored_with() -> None:
    """Nothing already stored is lost: an id stored before the id rule, or a date that was not
    in the future on the server that stored it, is still readable from the registry."""
    data = set_at(full_case(), "/case_id", "MRN 12/34")
    data = set_at(data, "/labs/0/date", "2027-01-01")
    assert case_from_data(data, stored=True).case_id == "MRN 12/34"


# -- caps ----------------------------------------------------------------------------------------


def _lesion(index: int, dates: list[str]) -> dict[str, Any]:
    return {
        "id": f"X{index}",
        "site": "liver",
        "measurements": [{"date": d, "diameter_mm": 12} for d in dates],
    }


def _dates(n: int) -> list[str]:
    return [(dt.date(2000, 1, 1) + dt.timedelta(days=7 * i)).isoformat() for i in range(n)]


def test_caps_are_generous_for_real_cases_and_refuse_beyond() -> None:
    """Defect: a case with thousands of lesions or studies blocked the server."""
    base = full_case()
    at_cap = set_at(base, "/lesions", [_lesion(i, _dates(2)) for i in range(MAX_LESIONS)])
    at_cap = set_at(at_cap, "/local_treatments", [])
    at_cap = set_at(at_cap, "/prior_radiotherapy", [])
    at_cap = set_at(at_cap, "/surgical_opinions", [])
    assert len(case_from_data(at_cap, today=TODAY).lesions) == MAX_LESIONS
    over: dict[str, Any] = {
        "/lesions": [_lesion(i, _dates(2)) for i in range(MAX_LESIONS + 1)],
        "/lesions/0/measurements": [
            {"date": d, "diameter_mm": 10} for d in _dates(MAX_MEASUREMENTS_PER_LESION + 1)
        ],
        "/imaging": [
            {"date": d, "modality": "CT", "regions": ["chest"]}
            for d in _dates(MAX_IMAGING_STUDIES + 1)
        ],
        "/lesion_groups": [
            {
                "id": f"G{i}",
                "site": "lung",
                "observations": [{"date": "2024-01-15", "count": 1, "status": "present"}],
            }
            for i in range(MAX_LESION_GROUPS + 1)
        ],
        "/labs": [
            {"name": "CEA", "value": 1, "unit": "ng/mL", "date": "2024-01-10"}
            for _ in range(MAX_LABS + 1)
        ],
    }
    for pointer, items in over.items():
        assert refused_at(set_at(base, pointer, items)) == [pointer], pointer


def test_the_measurements_of_a_whole_case_are_capped() -> None:
    per_lesion = MAX_MEASUREMENTS_PER_LESION
    lesions = [_lesion(i, _dates(per_lesion)) for i in range(MAX_MEASUREMENTS // per_lesion + 1)]
    data = {
        "case_id": "c",
        "patient": {"id": "p"},
        "cancer": {"primary_site": "nsclc"},
        "lesions": lesions,
    }
    with pytest.raises(CaseInputError, match=f"at most {MAX_MEASUREMENTS} per case"):
        case_from_data(data, today=TODAY)


def test_too_many_lesions_is_a_422_at_the_service() -> None:
    data = json.loads(EXAMPLE.read_text())
    data["lesions"] += [_lesion(i, ["2023-01-20"]) for i in range(MAX_LESIONS)]
    response = client().post("/v1/assess", json=data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/lesions"


# -- case ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case_id",
    [
        "a/b",
        "a?b",
        "a#b",
        "a..b",
        "..",
        ".hidden",
        "-rf",
        "a b",
        "tab\there",
        "nul\x00",
        "zoë",
        "病例",
        "x" * 101,
        "",
    ],
)
def test_a_case_id_outside_the_documented_set_is_refused_at_case_id(case_id: str) -> None:
    """Defect: a non-Latin-1 id gave a 500 after the case was stored."""
    assert refused_at(set_at(full_case(), "/case_id", case_id)) == ["/case_id"]


@pytest.mark.parametrize("case_id", ["c", "crc-oligoprogression-01", "A_1.2", "9" * 100])
def test_plain_case_ids_are_accepted(case_id: str) -> None:
    assert case_from_data(set_at(full_case(), "/case_id", case_id), today=TODAY).case_id == case_id


def test_a_non_latin1_case_id_is_a_422_and_nothing_is_stored(tmp_path: Path) -> None:
    app_, registry = build_app(Settings(db_url=f"sqlite:///{tmp_path / 'r.sqlite3'}"))
    data = json.loads(EXAMPLE.read_text())
    data["case_id"] = "случай-1"
    with TestClient(app_, base_url=LOOPBACK, raise_server_exceptions=False) as api:
        response = api.post("/v1/cases", json=data)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["pointer"] == "/case_id"
        assert api.get("/v1/cases").json()["items"] == []
    registry.close()


# -- plausibility --------------------------------------------------------------------------------


def _series(*points: tuple[str, float | None, str | None]) -> list[dict[str, Any]]:
    rows = []
    for day, mm, status in points:
        row: dict[str, Any] = {"date": day}
        if mm is not None:
            row["diameter_mm"] = mm
        if status is not None:
            row["status"] = status
        rows.append(row)
    return rows


def _with_lesion_series(*points: tuple[str, float | None, str | None]) -> dict[str, Any]:
    data = json.loads(EXAMPLE.read_text())
    data["lesions"][0]["measurements"] = _series(*points)
    return data


def _warned(data: dict[str, Any]) -> list[str]:
    return [w.pointer for w in plausibility_warnings(case_from_data(data, today=TODAY))]


def test_a_lesion_over_200_mm_is_warned() -> None:
    data = _with_lesion_series(("2023-01-20", 40, None), ("2023-04-20", 250, None))
    assert _warned(data) == ["/lesions/0/measurements/1/diameter_mm"]
    assert _warned(_with_lesion_series(("2023-01-20", 40, None), ("2023-04-20", 200, None))) == []


def test_growth_too_fast_between_two_scans_is_warned() -> None:
    # 12 -> 40 mm in 21 days: more than doubling and +28 mm
    fast = _with_lesion_series(("2023-01-20", 12, None), ("2023-02-10", 40, None))
    assert _warned(fast) == ["/lesions/0/measurements/1/diameter_mm"]
    # the same growth over 8 weeks, or doubling of a small lesion: plausible
    slow = _with_lesion_series(("2023-01-20", 12, None), ("2023-03-20", 40, None))
    small = _with_lesion_series(("2023-01-20", 6, None), ("2023-02-10", 14, None))
    assert _warned(slow) == _warned(small) == []


def test_growth_is_checked_across_a_scan_in_between() -> None:
    # 10 -> 18 -> 35 mm within 21 days: no consecutive pair qualifies, the first and last do
    data = _with_lesion_series(
        ("2023-01-20", 10, None), ("2023-01-30", 18, None), ("2023-02-10", 35, None)
    )
    assert _warned(data) == ["/lesions/0/measurements/2/diameter_mm"]


def test_a_large_lesion_vanishing_within_two_weeks_is_warned_unless_treated() -> None:
    gone = _with_lesion_series(("2023-01-20", 35, None), ("2023-01-30", None, "absent"))
    assert _warned(gone) == ["/lesions/0/measurements/1"]
    zero = _with_lesion_series(("2023-01-20", 35, None), ("2023-01-30", 0, None))
    assert _warned(zero) == ["/lesions/0/measurements/1"]
    later = _with_lesion_series(("2023-01-20", 35, None), ("2023-03-30", None, "absent"))
    assert _warned(later) == []
    resected = copy.deepcopy(gone)
    lesion_id = resected["lesions"][0]["id"]
    resected["local_treatments"] = [
        {"lesion_id": lesion_id, "modality": "surgery", "date": "2023-01-25"}
    ]
    assert _warned(resected) == []


def test_a_patient_older_than_110_is_warned() -> None:
    data = json.loads(EXAMPLE.read_text())
    data["patient"]["birth_date"] = "1900-01-01"
    assert _warned(data) == ["/patient/birth_date"]
    data["patient"]["birth_date"] = "1920-01-01"
    assert _warned(data) == []


def test_implausible_values_reach_the_assessment_warnings_and_name_the_lesion() -> None:
    """Defect: implausible cases produced a confident plan with no word about the data."""
    data = _with_lesion_series(("2023-01-20", 12, None), ("2023-02-10", 40, None))
    data["patient"]["birth_date"] = "1900-01-01"
    case = case_from_data(data, today=TODAY)
    result = assess(case, today=TODAY)
    lesion_id = data["lesions"][0]["id"]
    assert result.implausible_lesions == (lesion_id,)
    implausible = [w for w in result.warnings if w.startswith("Implausible input at ")]
    assert len(implausible) == 2
    assert "/lesions/0/measurements/1/diameter_mm" in implausible[0]
    assert "/patient/birth_date" in implausible[1]
    assert implausible_lesion_ids(plausibility_warnings(case)) == (lesion_id,)
    assert assess(load_case(EXAMPLE), today=TODAY).implausible_lesions == ()


# -- the CLI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'{"case_id": "\xff\xfe"}', "not UTF-8"),
        (b'{"case_id": ' + b"9" * 5000 + b"}", "integer of 5000 digits"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"case_id": 1e999}', "out of range"),
        (b'{"case_id": "a", "case_id": "b"}', "duplicate key"),
    ],
)
@pytest.mark.parametrize("command", [["assess"], ["dose", "check"]])
def test_hostile_json_is_one_error_line_and_exit_2(
    tmp_path: Path, raw: bytes, why: str, command: list[str]
) -> None:
    """Defect: invalid UTF-8, 5,000-digit integers and deep nesting printed a traceback."""
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    result = runner.invoke(app, [*command, str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert why in lines[0]
    assert "Traceback" not in result.output


def test_dose_check_reads_its_plan_strictly(tmp_path: Path) -> None:
    """`"fractions": true` is not one fraction."""
    path = tmp_path / "plan.json"
    plan = {
        "fractions": True,
        "points": [{"organ": "spinal_cord", "metric": "Dmax", "value_gy": 10}],
    }
    path.write_text(json.dumps(plan))
    result = runner.invoke(app, ["dose", "check", str(path)])
    assert result.exit_code == 2
    assert "/fractions" in result.stderr
