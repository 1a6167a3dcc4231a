"""FHIR Bulk Data NDJSON goes through the FHIR adapter's own reader: an export of the example cases
screens, patient by patient, as `assess` assesses each case; what cannot be read is reported in
the result, never dropped."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

pytest.importorskip("fhir.resources")
pytest.importorskip("duckdb")

from cohort_strategies import COMPARED
from oligoguide.assess import assess
from oligoguide.cohort import api
from oligoguide.cohort.case_tables import current_therapy
from oligoguide.cohort.fhir_export import synth_export, write_export
from oligoguide.cohort.fhir_ndjson import convert
from oligoguide.cohort.result_row import assessed_row
from oligoguide.cohort.synth import generate
from oligoguide.model import Case, load_case
from oligoguide.model.case import Lesion, Measurement

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
Resource = dict[str, Any]


def _export(cases: list[Case], folder: Path, seed: int = 7) -> dict[str, Case]:
    """The cases as a Bulk Data export, each file's lines shuffled (a server exports in no
    particular order); returns each case by the id of its Patient resource."""
    by_id = {case.case_id: case for case in cases}
    by_patient = {
        patient: by_id[case_id] for patient, case_id in write_export(cases, folder).items()
    }
    rng = random.Random(seed)
    for path in sorted(folder.glob("*.ndjson")):
        lines = path.read_text().splitlines(keepends=True)
        rng.shuffle(lines)
        path.write_text("".join(lines))
    return by_patient


def _ndjson(path: Path, resources: list[Resource], extra: str = "") -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in resources) + extra)


def _screen(folder: Path, engine: api.Engine = "embedded") -> tuple[dict[str | None, Any], str]:
    out = folder.parent / f"{folder.name}-{engine}.parquet"
    run = api.screen([folder], out, engine=engine)
    rows = {row["patient_id"]: row for row in pq.read_table(out).to_pylist()}
    return rows, run.note or ""


@pytest.mark.parametrize("engine", ["embedded", "core"])
def test_export_of_the_examples_screens_as_assess(tmp_path: Path, engine: api.Engine) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    cases = _export([load_case(path) for path in EXAMPLES], folder)
    rows, note = _screen(folder, engine)
    assert set(rows) == set(cases)
    for patient, case in cases.items():
        expected = assessed_row(patient, assess(case))
        assert {k: rows[patient][k] for k in COMPARED} == {k: expected[k] for k in COMPARED}, (
            case.case_id
        )
    assert f"{len(cases)} patient(s) read, 0 could not be read" in note


def test_each_example_keeps_its_rows(tmp_path: Path) -> None:
    """Lesions, measurements, treatments and the current therapy come through the adapter."""
    folder = tmp_path / "export"
    folder.mkdir()
    cases = _export([load_case(path) for path in EXAMPLES], folder)
    tables = convert(sorted(folder.glob("*.ndjson")), tmp_path / "tables").inputs
    read = {
        name: pq.read_table(files.paths[0]).to_pylist() for name, files in tables.tables.items()
    }
    for patient, case in cases.items():
        measured = [r for r in read["measurements"] if r["patient_id"] == patient]
        assert len(measured) == sum(len(lesion.measurements) for lesion in case.lesions)
        treated = [r for r in read["local_treatments"] if r["patient_id"] == patient]
        assert len(treated) == len(case.local_treatments)
        (row,) = [r for r in read["patients"] if r["patient_id"] == patient]
        assert row["primary_site"] == case.cancer.primary_site.value
        therapy = current_therapy(case)
        assert row["therapy_start"] == (therapy.start if therapy else None)


def _patient_with_size(unit: str) -> list[Resource]:
    patient = {"reference": "Patient/p9"}
    return [
        {"resourceType": "Patient", "id": "p9"},
        {
            "resourceType": "Condition",
            "id": "c9",
            "subject": patient,
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "C50.9"}]},
        },
        {
            "resourceType": "BodyStructure",
            "id": "b9",
            "patient": patient,
            "identifier": [{"value": "L1"}],
            "location": {"coding": [{"system": "http://snomed.info/sct", "code": "10200004"}]},
        },
        {
            "resourceType": "Observation",
            "id": "o9",
            "status": "final",
            "subject": patient,
            "focus": [{"reference": "BodyStructure/b9"}],
            "effectiveDateTime": "2024-02-01",
            "code": {"coding": [{"system": "http://loinc.org", "code": "21889-1"}]},
            "component": [
                {
                    "code": {"coding": [{"system": "http://loinc.org", "code": "33728-7"}]},
                    "valueQuantity": {"value": 1.2, "unit": unit, "code": unit},
                }
            ],
        },
    ]


def test_unreadable_patient_and_bad_line_are_reported_not_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    cases = _export([load_case(EXAMPLES[0])], folder)
    # a second patient whose tumour size is in inches, and a line that is not JSON
    _ndjson(folder / "More.ndjson", _patient_with_size("[in_i]"), extra="{not json\n")
    rows, note = _screen(folder)
    assert set(rows) == {*cases, "p9", None}
    bad = rows["p9"]
    assert bad["disease_state"] == "insufficient_data"
    assert bad["progressing_count"] is None
    (problem,) = bad["data_problems"]
    assert problem.startswith("FHIR resources could not be read: Observation/o9/component/0/")
    assert "'[in_i]' is not one of mm, cm" in problem
    assert any("More.ndjson line 5: not JSON" in p for p in rows[None]["data_problems"])
    assert "1 could not be read" in note
    assert "1 line(s) not a FHIR resource" in note


def test_shared_medication_is_found_by_reference(tmp_path: Path) -> None:
    """A MedicationRequest naming its drug by reference to a Medication (which belongs to no
    patient) gets the drug, and so the therapy, from that Medication."""
    folder = tmp_path / "export"
    folder.mkdir()
    resources = _patient_with_size("cm")
    resources += [
        {
            "resourceType": "Medication",
            "id": "m1",
            "code": {"text": "letrozole"},
        },
        {
            "resourceType": "MedicationRequest",
            "id": "r9",
            "status": "active",
            "intent": "order",
            "subject": {"reference": "Patient/p9"},
            "authoredOn": "2024-01-15",
            "medicationReference": {"reference": "Medication/m1"},
        },
    ]
    _ndjson(folder / "All.ndjson", resources)
    tables = convert([folder / "All.ndjson"], tmp_path / "tables").inputs
    (row,) = pq.read_table(tables.tables["patients"].paths[0]).to_pylist()
    assert row["therapy_agents"] == "letrozole"
    assert row["therapy_class"] == "hormonal"
    assert str(row["therapy_start"]) == "2024-01-15"
    (measured,) = pq.read_table(tables.tables["measurements"].paths[0]).to_pylist()
    assert measured["diameter_mm"] == 12.0  # 1.2 cm


def test_what_the_tables_cannot_hold_rejects_the_patient_by_name(tmp_path: Path) -> None:
    """An equivocal new lesion is not progression until confirmed (RECIST 1.1, new lesions), and a
    declared measurability overrides the size rule: the tables hold neither, so such a patient is
    rejected with the reason instead of being screened as if the flag were not there."""
    case = load_case(EXAMPLES[1])
    latest = max(m.date for lesion in case.lesions for m in lesion.measurements)
    new = Lesion(
        id="NEW1",
        site="liver",
        equivocal=True,
        measurements=(Measurement(date=latest, diameter_mm=12.0),),
    )
    equivocal = case.model_copy(update={"case_id": "equivocal", "lesions": (*case.lesions, new)})
    small = Lesion(
        id="SMALL",
        site="lung",
        measurable=True,
        measurements=tuple(
            Measurement(date=m.date, diameter_mm=6.0) for m in case.lesions[0].measurements
        ),
    )
    declared = case.model_copy(update={"case_id": "declared", "lesions": (*case.lesions, small)})
    folder = tmp_path / "export"
    folder.mkdir()
    cases = _export([equivocal, declared], folder)
    rows, note = _screen(folder)
    by_case = {cases[patient].case_id: row for patient, row in rows.items()}
    for case_id, reason in [
        ("equivocal", "lesion NEW1 is an equivocal new lesion"),
        ("declared", "lesion SMALL is declared measurable, against its baseline size"),
    ]:
        row = by_case[case_id]
        assert row["disease_state"] == "insufficient_data"
        (problem,) = row["data_problems"]
        assert problem.startswith("FHIR record holds what the cohort tables cannot: ")
        assert reason in problem
    assert "2 hold what the tables cannot" in note


def test_synthetic_export_screens_as_its_tables(tmp_path: Path) -> None:
    """`synth --format fhir` and `synth` with the same seed are one cohort: through FHIR every
    well-formed patient screens as from the tables (malformed ones have no FHIR form)."""
    export = synth_export(120, 5, tmp_path / "export")
    generate(120, 5, tmp_path / "tables")
    from_tables, _ = _screen(tmp_path / "tables")
    from_fhir, note = _screen(tmp_path / "export")
    assert export.patients + export.left_out == 120
    assert export.patients > 100
    assert set(from_fhir) == set(export.case_ids)
    for patient, case_id in export.case_ids.items():
        got = {k: from_fhir[patient][k] for k in COMPARED}
        assert got == {k: from_tables[case_id][k] for k in COMPARED}, case_id
    assert f"{export.patients} patient(s) read, 0 could not be read" in note


def test_worker_processes_write_what_one_process_writes(tmp_path: Path) -> None:
    export = synth_export(60, 9, tmp_path / "export")
    files = sorted(export.out.glob("*.ndjson"))
    serial = convert(files, tmp_path / "one", workers=1)
    parallel = convert(files, tmp_path / "two", workers=2)
    assert parallel.report == serial.report
    for name, table in serial.inputs.tables.items():
        assert pq.read_table(parallel.inputs.tables[name].paths[0]).equals(
            pq.read_table(table.paths[0])
        ), name
