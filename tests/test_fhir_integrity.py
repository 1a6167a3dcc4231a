"""FHIR integrity (issue 19): nothing in a Bundle is dropped, used or cross-attached silently.

By default a Bundle holding content the reader cannot use (a tumour size whose `focus` points
nowhere or that has no date, a resource about another patient, an unknown `resourceType`, a
resource oligoguide does not read) is refused with the entry's JSON pointer. A lenient import
(`bundle_to_case(..., lenient=True)`, `?lenient=true`, `oligoguide assess --lenient`, CDS Hooks
prefetch) reads what it can and lists every resource or part left out, in the reading and in
the assessment's warnings, saying that the disease state was assessed without it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from case_strategies import cases
from oligoguide.assess import assess
from oligoguide.fhir import (
    BundleReading,
    Disposition,
    assess_reading,
    bundle_to_case,
    case_to_bundle,
)
from oligoguide.fhir import codes as c
from oligoguide.model import case_from_data
from oligoguide.model.errors import CaseInputError, InputIssue
from oligoguide.model.vocab import DiseaseState
from test_fhir_case_v2 import v2_cases

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BRAIN = EXAMPLES / "fhir" / "nsclc_egfr_brain_oligoprogression.json"


def _bundle(path: Path = BRAIN) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _index(bundle: dict[str, Any], lesion: str, day: str | None = None) -> int:
    """The entry of the tumour-size Observation of `lesion` (on `day`, else the last one)."""
    urls = {e.get("fullUrl"): e["resource"] for e in bundle["entry"]}
    found = [
        i
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "Observation"
        and any(x.get("code") == c.TUMOR_SIZE.code for x in e["resource"]["code"]["coding"])
        and urls[e["resource"]["focus"][0]["reference"]]["identifier"][0]["value"] == lesion
        and (day is None or e["resource"]["effectiveDateTime"] == day)
    ]
    return found[-1]


def _pointers(error: pytest.ExceptionInfo[CaseInputError]) -> list[str]:
    return [i.pointer for i in error.value.issues]


def _warned(warnings: tuple[str, ...], *fragments: str) -> bool:
    return any(all(f in w for f in fragments) for w in warnings)


# --- the regression: a dropped measurement changed the state without a word --------------------
def test_the_example_is_oligoprogression_through_brain_lesion_br1() -> None:
    a = assess(bundle_to_case(_bundle()).case)
    assert a.disease_state == DiseaseState.OLIGOPROGRESSION
    assert a.progressing_lesions == ("BR1",)
    assert a.warnings == ()


@pytest.mark.parametrize("broken", ["focus", "date"])
def test_a_tumour_size_that_cannot_be_used_is_refused_with_its_pointer(broken: str) -> None:
    bundle = _bundle()
    k = _index(bundle, "BR1")
    size = bundle["entry"][k]["resource"]
    if broken == "focus":
        size["focus"] = [{"reference": "urn:uuid:no-such-tumour"}]
        where = f"/entry/{k}/resource/focus/0/reference"
    else:
        del size["effectiveDateTime"]
        where = f"/entry/{k}/resource/effectiveDateTime"
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert where in _pointers(error)
    assert "lenient" in str(error.value)


@pytest.mark.parametrize("broken", ["focus", "date"])
def test_a_lenient_import_says_the_state_was_assessed_without_the_dropped_size(
    broken: str,
) -> None:
    """Before: BR1's only size was dropped, its Tumor too, and the state silently became
    oligopersistence. Now the drop is listed in the reading and in the assessment."""
    bundle = _bundle()
    k = _index(bundle, "BR1")
    size = bundle["entry"][k]["resource"]
    if broken == "focus":
        size["focus"] = [{"reference": "urn:uuid:no-such-tumour"}]
    else:
        del size["effectiveDateTime"]
    reading = bundle_to_case(bundle, lenient=True)
    name = f"Observation/{size['id']}"
    dropped = [u for u in reading.unmapped if u.resource == name]
    assert dropped
    assert dropped[0].kind == Disposition.DROPPED
    assert dropped[0].pointer.startswith(f"/entry/{k}/resource/")
    a = assess_reading(reading)
    assert a.disease_state != DiseaseState.OLIGOPROGRESSION  # what the engine could see ...
    assert _warned(a.warnings, name, f"/entry/{k}/resource/")  # ... but it says what it lost
    assert _warned(a.warnings, "disease state")
    assert _warned(a.warnings, "tumour measurements")
    # The Tumor left without a measurement is listed too.
    assert any(u.resource.startswith("BodyStructure/") for u in reading.left_out)


def test_a_strict_reading_of_a_complete_bundle_has_nothing_to_say() -> None:
    reading = bundle_to_case(_bundle())
    assert reading.unmapped == ()
    assert reading.warnings == ()
    assert assess_reading(reading) == assess(reading.case)


# --- another patient's data ------------------------------------------------------------------
def _other_patient(bundle: dict[str, Any], k: int, key: str = "subject") -> None:
    bundle["entry"][k]["resource"][key] = {"reference": "Patient/someone-else"}


def test_an_observation_about_another_patient_is_refused() -> None:
    bundle = _bundle()
    k = _index(bundle, "BR1")
    _other_patient(bundle, k)
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert f"/entry/{k}/resource/subject/reference" in _pointers(error)
    assert "another patient" in str(error.value)


def test_leniently_another_patients_observation_is_never_attached_and_is_listed() -> None:
    bundle = _bundle()
    k = _index(bundle, "P1", "2023-02-20")
    _other_patient(bundle, k)
    reading = bundle_to_case(bundle, lenient=True)
    p1 = next(lesion for lesion in reading.case.lesions if lesion.id == "P1")
    assert "2023-02-20" not in {m.date.isoformat() for m in p1.measurements}
    (item,) = reading.unmapped
    assert item.pointer == f"/entry/{k}/resource/subject/reference"
    assert item.kind == Disposition.DROPPED
    assert _warned(assess_reading(reading).warnings, "another patient")


def test_a_tumour_of_another_patient_takes_its_measurements_with_it_and_says_so() -> None:
    bundle = _bundle()
    tumour = next(
        i
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "BodyStructure"
        and e["resource"]["identifier"][0]["value"] == "BR1"
    )
    _other_patient(bundle, tumour, "patient")
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert f"/entry/{tumour}/resource/patient/reference" in _pointers(error)
    reading = bundle_to_case(bundle, lenient=True)
    assert "BR1" not in {lesion.id for lesion in reading.case.lesions}
    left_out = {u.pointer for u in reading.left_out}
    assert f"/entry/{tumour}/resource/patient/reference" in left_out
    assert f"/entry/{_index(bundle, 'BR1')}/resource/focus/0/reference" in left_out


def test_a_subject_given_by_the_patients_identifier_is_the_patient() -> None:
    bundle = _bundle()
    k = _index(bundle, "P1")
    patient = bundle["entry"][0]["resource"]
    bundle["entry"][k]["resource"]["subject"] = {"identifier": patient["identifier"][0]}
    assert bundle_to_case(bundle).unmapped == ()


# --- resources the reader cannot map ---------------------------------------------------------
def test_an_unknown_resource_type_is_refused_by_pointer_never_a_crash() -> None:
    bundle = _bundle()
    bundle["entry"].append({"resource": {"resourceType": "TumourSizeV9", "id": "x"}})
    bundle["entry"].append({"resource": {"id": "no-type"}})
    last = len(bundle["entry"]) - 1
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert _pointers(error) == [
        f"/entry/{last - 1}/resource/resourceType",
        f"/entry/{last}/resource",
    ]
    reading = bundle_to_case(bundle, lenient=True)
    assert [(u.pointer, u.kind) for u in reading.unmapped] == [
        (f"/entry/{last - 1}/resource/resourceType", Disposition.NOT_USED),
        (f"/entry/{last}/resource", Disposition.NOT_USED),
    ]
    assert reading.case == bundle_to_case(_bundle()).case
    assert _warned(assess_reading(reading).warnings, "TumourSizeV9")


def test_a_resource_oligoguide_does_not_read_is_refused_or_listed() -> None:
    bundle = _bundle()
    subject = bundle["entry"][_index(bundle, "P1")]["resource"]["subject"]
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Observation",
                "id": "karnofsky",
                "status": "final",
                "code": {"coding": [{"system": c.LOINC, "code": "89243-0"}]},
                "subject": subject,
                "valueInteger": 70,
            }
        }
    )
    k = len(bundle["entry"]) - 1
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert _pointers(error) == [f"/entry/{k}/resource"]
    assert "89243-0" in str(error.value)
    (item,) = bundle_to_case(bundle, lenient=True).unmapped
    assert (item.resource, item.kind) == ("Observation/karnofsky", Disposition.NOT_USED)


def test_administrative_resources_and_records_entered_in_error_are_listed_not_refused() -> None:
    bundle = _bundle()
    bundle["entry"].append(
        {"resource": {"resourceType": "Practitioner", "id": "dr", "name": [{"family": "Who"}]}}
    )
    wrong = copy.deepcopy(bundle["entry"][_index(bundle, "P1")]["resource"])
    wrong.update(id="typo", status="entered-in-error", effectiveDateTime="2023-03-01")
    bundle["entry"].append({"fullUrl": "urn:uuid:typo", "resource": wrong})
    reading = bundle_to_case(bundle)  # strict: nothing the engine needed was left out
    assert [(u.resource, u.kind) for u in reading.unmapped] == [
        ("Observation/typo", Disposition.EXCLUDED),
        ("Practitioner/dr", Disposition.EXCLUDED),
    ]
    assert reading.left_out == ()
    warnings = assess_reading(reading).warnings
    assert _warned(warnings, "Observation/typo", "entered-in-error")
    assert _warned(warnings, "Practitioner/dr")


# --- references the reader follows -----------------------------------------------------------
def test_an_administration_whose_request_is_missing_never_becomes_a_regimen() -> None:
    bundle = case_to_bundle(
        case_from_data(
            {
                **json.loads((EXAMPLES / "crc_oligoprogression.json").read_text("utf-8")),
                "schema_version": "2",
            }
        )
    )
    request = next(
        e for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationRequest"
    )
    given = {
        "resourceType": "MedicationAdministration",
        "id": "dose",
        "status": "completed",
        "medicationCodeableConcept": request["resource"]["medicationCodeableConcept"],
        "subject": request["resource"]["subject"],
        "effectiveDateTime": "2023-10-01",
        "request": {"reference": "MedicationRequest/not-in-the-bundle"},
    }
    bundle["entry"].append({"resource": given})
    k = len(bundle["entry"]) - 1
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert f"/entry/{k}/resource/request/reference" in _pointers(error)
    reading = bundle_to_case(bundle, lenient=True)
    assert len(reading.case.systemic_therapies) == len(
        bundle_to_case(case_to_bundle(reading.case)).case.systemic_therapies
    )
    assert all(not t.last_doses for t in reading.case.systemic_therapies)


def test_a_broken_link_to_the_primary_cancer_is_not_read_as_a_metastasis_silently() -> None:
    bundle = _bundle()
    k, tumour = next(
        (i, e["resource"])
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "BodyStructure"
        and e["resource"]["identifier"][0]["value"] == "P1"
    )
    assert bundle_to_case(bundle).case.lesions[0].primary
    j = next(n for n, x in enumerate(tumour["extension"]) if x["url"] == c.EXT_RELATED_CONDITION)
    tumour["extension"][j]["valueReference"] = {"reference": "Condition/gone"}
    where = f"/entry/{k}/resource/extension/{j}/valueReference/reference"
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    assert where in _pointers(error)
    reading = bundle_to_case(bundle, lenient=True)
    assert where in {u.pointer for u in reading.left_out}


# --- property: broken references in valid Bundles --------------------------------------------
def _references(resource: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths (inside a resource) of every `reference` string."""
    found: list[tuple[str | int, ...]] = []
    if isinstance(resource, dict):
        for key, value in resource.items():
            if key == "reference" and isinstance(value, str):
                found.append((*path, key))
            else:
                found += _references(value, (*path, key))
    elif isinstance(resource, list):
        for n, value in enumerate(resource):
            found += _references(value, (*path, n))
    return found


def _set(resource: Any, path: tuple[str | int, ...], value: str) -> None:
    for key in path[:-1]:
        resource = resource[key]
    resource[path[-1]] = value


def _read(bundle: dict[str, Any], lenient: bool) -> tuple[BundleReading | None, list[InputIssue]]:
    try:
        return bundle_to_case(bundle, lenient=lenient), []
    except CaseInputError as error:
        return None, error.issues


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(cases(), v2_cases()), st.data())
def test_property_a_broken_reference_is_refused_by_pointer_or_listed(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    native = case_from_data(data)
    bundle = case_to_bundle(native)
    links = [
        (k, path) for k, e in enumerate(bundle["entry"]) for path in _references(e["resource"])
    ]
    assume(links)
    k, path = draw.draw(st.sampled_from(links))
    target = draw.draw(st.sampled_from(["urn:uuid:dangling", "Patient/someone-else"]))
    _set(bundle["entry"][k]["resource"], path, target)
    inside = f"/entry/{k}/resource/"
    where = inside + "/".join(map(str, path))
    strict, refusal = _read(copy.deepcopy(bundle), lenient=False)
    if strict is None:
        assert any(i.pointer.startswith(inside) for i in refusal), refusal
    lenient, refusal = _read(bundle, lenient=True)
    if lenient is None:
        # Not even a lenient reading can go on (the primary cancer was another patient's):
        # refused, naming the broken reference.
        assert strict is None
        assert where in {i.pointer for i in refusal}, refusal
        return
    if strict is not None:
        # Accepted strictly: the reference was not one the reader follows, nothing changed.
        assert strict.case == lenient.case == native
        assert strict.unmapped == ()
        return
    # Refused strictly; leniently the broken reference itself is listed with its pointer, and
    # the warnings (which `assess_reading` puts first in the assessment's) say that the disease
    # state was assessed without what was left out.
    assert where in {u.pointer for u in lenient.left_out}
    assert _warned(lenient.warnings, where)
    assert _warned(lenient.warnings, "disease state")


# --- the faces: REST, CLI, CDS Hooks ----------------------------------------------------------
def _broken_brain_bundle() -> tuple[dict[str, Any], int]:
    bundle = _bundle()
    k = _index(bundle, "BR1")
    bundle["entry"][k]["resource"]["focus"] = [{"reference": "urn:uuid:no-such-tumour"}]
    return bundle, k


FHIR_JSON = {"content-type": "application/fhir+json"}


def test_rest_refuses_by_default_and_lists_when_lenient() -> None:
    pytest.importorskip("fastapi")
    from service_helpers import client

    bundle, k = _broken_brain_bundle()
    api = client()
    refused = api.post("/v1/assess", content=json.dumps(bundle), headers=FHIR_JSON)
    assert refused.status_code == 422, refused.text
    pointers = [e["pointer"] for e in refused.json()["errors"]]
    assert f"/entry/{k}/resource/focus/0/reference" in pointers
    answered = api.post("/v1/assess?lenient=true", content=json.dumps(bundle), headers=FHIR_JSON)
    assert answered.status_code == 200, answered.text
    warnings = answered.json()["warnings"]
    assert any(f"/entry/{k}/resource/focus/0/reference" in w for w in warnings)
    assert any("disease state" in w for w in warnings)


def test_rest_case_store_keeps_the_warnings_with_the_saved_assessment(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from oligoguide.service import Settings
    from oligoguide.service.launch import build_app

    bundle, k = _broken_brain_bundle()
    app, registry = build_app(Settings(db_url=f"sqlite:///{tmp_path / 'r.sqlite3'}"))
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as api:
        refused = api.post("/v1/cases", content=json.dumps(bundle), headers=FHIR_JSON)
        assert refused.status_code == 422, refused.text
        saved = api.post("/v1/cases?lenient=true", content=json.dumps(bundle), headers=FHIR_JSON)
        assert saved.status_code == 201, saved.text
        body = saved.json()
        assert any(f"/entry/{k}/resource/" in w for w in body["assessment"]["warnings"])
        stored = api.get(f"/v1/cases/{body['case_id']}/assessments").json()
        assert any(f"/entry/{k}/resource/" in w for w in stored[-1]["assessment"]["warnings"])
        # a report made later re-assesses the stored case: the import warnings stay with it
        report = api.get(f"/v1/cases/{body['case_id']}/report.json").json()
        assert any(f"/entry/{k}/resource/" in w for w in report["warnings"])
        html = api.get(f"/v1/cases/{body['case_id']}/report.html").text
        assert "FHIR Bundle read leniently" in html
    registry.close()


def test_cli_assess_reads_a_bundle_strictly_or_leniently(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from oligoguide.cli.app import app

    bundle, k = _broken_brain_bundle()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(app, ["assess", str(path)])
    assert refused.exit_code == 2
    assert f"/entry/{k}/resource/focus/0/reference" in refused.output
    answered = runner.invoke(app, ["assess", str(path), "--lenient", "--format", "json"])
    assert answered.exit_code == 0, answered.output
    warnings = json.loads(answered.stdout)["warnings"]
    assert any(f"/entry/{k}/resource/focus/0/reference" in w for w in warnings)
    clean = tmp_path / "clean.json"
    clean.write_text(BRAIN.read_text("utf-8"), encoding="utf-8")
    ok = runner.invoke(app, ["assess", str(clean), "--format", "json"])
    assert json.loads(ok.stdout)["disease_state"] == "oligoprogression"


def test_cds_hooks_prefetch_is_read_leniently_and_the_card_says_what_was_left_out() -> None:
    pytest.importorskip("fastapi")
    from oligoguide.fhir.cds_hooks import SERVICE_ID
    from service_helpers import client

    bundle, k = _broken_brain_bundle()
    resources = _as_an_ehr_sends_them(bundle)
    patient = resources[0]
    size = resources[k]
    prefetch = {
        "patient": patient,
        "conditions": _searchset([r for r in resources if r["resourceType"] == "Condition"]),
        "tumors": _searchset([r for r in resources if r["resourceType"] == "BodyStructure"]),
        "tumorSizes": _searchset([r for r in resources if r["resourceType"] == "Observation"]),
        "imagingStudies": _searchset(
            [r for r in resources if r["resourceType"] in ("ImagingStudy", "DiagnosticReport")]
        ),
        "medicationRequests": _searchset(
            [r for r in resources if r["resourceType"] == "MedicationRequest"]
        ),
    }
    body = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": patient["id"]},
        "prefetch": prefetch,
    }
    response = client(cds_allow_unauthenticated=True).post(f"/cds-services/{SERVICE_ID}", json=body)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert cards[0]["indicator"] == "warning"
    assert f"Observation/{size['id']}" in cards[0]["detail"]
    record = [card for card in cards if "left out" in card["summary"]]
    assert record
    assert record[0]["indicator"] == "warning"
    assert f"Observation/{size['id']}" in record[0]["detail"]


def _as_an_ehr_sends_them(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The Bundle's resources with "Type/id" references, as an EHR answers a prefetch."""
    text = json.dumps(bundle)
    for entry in bundle["entry"]:
        r = entry["resource"]
        text = text.replace(f"urn:uuid:{r['id']}", f"{r['resourceType']}/{r['id']}")
    return [e["resource"] for e in json.loads(text)["entry"]]


def _searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


# --- JSON types: the R4B models convert, the reader does not ---------------------------------
@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("extension/{target}/valueBoolean", "false"),  # would have read as true
        ("component/0/valueQuantity/value", "8"),
        ("effectiveDateTime", 20230220),
    ],
)
def test_a_primitive_of_the_wrong_json_type_is_refused_by_pointer(where: str, value: Any) -> None:
    bundle = _bundle()
    k = _index(bundle, "P1")
    tumour = next(
        i
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "BodyStructure"
        and e["resource"]["identifier"][0]["value"] == "P1"
    )
    if where.startswith("extension"):
        ext = bundle["entry"][tumour]["resource"]["extension"]
        j = next(n for n, x in enumerate(ext) if x["url"] == c.EXT_TARGET)
        where, k = where.format(target=j), tumour
    node: Any = bundle["entry"][k]["resource"]
    *path, last = where.split("/")
    for key in path:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    for lenient in (False, True):  # malformed FHIR JSON, not content to leave out
        with pytest.raises(CaseInputError) as error:
            bundle_to_case(bundle, lenient=lenient)
        assert _pointers(error) == [f"/entry/{k}/resource/{where}"]


def test_a_search_warning_in_a_prefetch_is_listed_never_dropped() -> None:
    from oligoguide.fhir.cds_hooks import prefetch_to_bundle

    resources = _as_an_ehr_sends_them(_bundle())
    outcome = {
        "resourceType": "OperationOutcome",
        "id": "cut",
        "issue": [{"severity": "warning", "code": "too-costly", "diagnostics": "first 50 only"}],
    }
    search = _searchset(resources)
    search["entry"].append({"resource": outcome, "search": {"mode": "outcome"}})
    bundle = prefetch_to_bundle({"patient": resources[0], "everything": search})
    reading = bundle_to_case(bundle, lenient=True)
    assert [(u.resource, u.kind) for u in reading.unmapped] == [
        ("OperationOutcome/cut", Disposition.EXCLUDED)
    ]
    assert _warned(reading.warnings, "OperationOutcome/cut")


def test_a_case_refusal_names_the_entry_it_was_read_from() -> None:
    bundle = _bundle()
    tumours = [
        i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "BodyStructure"
    ]
    first = bundle["entry"][tumours[0]]["resource"]["identifier"][0]["value"]
    bundle["entry"][tumours[1]]["resource"]["identifier"][0]["value"] = first
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle, lenient=True)
    (issue,) = error.value.issues
    assert issue.pointer == f"/entry/{tumours[1]}/resource"
    assert "duplicate lesion id" in issue.message
    assert "/lesions/1/id" in issue.message


def test_a_reference_to_a_name_two_entries_share_is_never_resolved_to_either() -> None:
    bundle = _bundle()
    k = _index(bundle, "BR1")
    tumour_url = bundle["entry"][k]["resource"]["focus"][0]["reference"]
    condition = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition")
    condition["fullUrl"] = tumour_url  # a Bundle that names two resources alike
    with pytest.raises(CaseInputError) as error:
        bundle_to_case(bundle)
    issues = {i.pointer: i.message for i in error.value.issues}
    assert "names two entries" in issues[f"/entry/{k}/resource/focus/0/reference"]
