"""Cohort inputs: malformed rows are reported per patient, the CLI contract, FHIR NDJSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from typer.testing import CliRunner

from cohort_strategies import START, disagreements, write
from oligoguide.cli import app
from oligoguide.cohort import core_engine, embedded
from oligoguide.cohort.inputs import CohortInputError, discover
from oligoguide.cohort.sqltext import screen_sql, split_ctes


def _row(
    pid: str, lesion: str, scan: int, size: float | None, **extra: object
) -> dict[str, object]:
    return {
        "patient_id": pid,
        "lesion_id": lesion,
        "site": "liver",
        "is_lymph_node": False,
        "target": True,
        "date": START + dt.timedelta(days=90 * scan),
        "diameter_mm": size,
        "status": None,
        **extra,
    }


def _patient(pid: str, **extra: object) -> dict[str, object]:
    return {
        "patient_id": pid,
        "primary_site": "colorectal",
        "therapy_agents": "FOLFOX",
        "therapy_class": "chemotherapy",
        "therapy_start": START,
        **extra,
    }


def _cohort(tmp_path: Path) -> Path:
    measurements = [
        # P1: oligoprogression, L2 grows 10 -> 16 mm (+60%, +6 mm) while L1 shrinks
        _row("P1", "L1", 0, 30.0),
        _row("P1", "L1", 1, 28.0),
        _row("P1", "L2", 0, 10.0),
        _row("P1", "L2", 1, 16.0),
        # P2: a negative diameter: rejected, never silently dropped
        _row("P2", "L1", 0, 20.0),
        _row("P2", "L1", 1, -3.0),
        # P3: measurements but no patient row
        _row("P3", "L1", 0, 20.0),
        _row("P3", "L1", 1, 21.0),
    ]
    tables = {
        "measurements": measurements,
        "patients": [_patient("P1"), _patient("P2"), _patient("P4")],
        "local_treatments": [],
    }
    return write(tables, tmp_path / "cohort")


@pytest.mark.parametrize("kernel", [True, False], ids=["compiled", "sql"])
def test_results_name_each_problem_and_keep_every_patient(tmp_path: Path, kernel: bool) -> None:
    inputs = discover([_cohort(tmp_path)])
    result = embedded.screen_table(inputs, kernel=kernel)
    rows = {r["patient_id"]: r for r in result.to_pylist()}
    assert set(rows) == {"P1", "P2", "P3", "P4"}
    assert rows["P1"]["disease_state"] == "oligoprogression"
    assert rows["P1"]["progressing_lesions"] == ["L2"]
    assert rows["P1"]["progressing_organs"] == ["liver"]
    assert rows["P1"]["latest_overall"] == "SD"  # sum 40 -> 44 mm: +10%, below PD
    assert rows["P2"]["disease_state"] == "insufficient_data"
    assert rows["P2"]["progressing_count"] is None
    assert any("outside 0-500" in p for p in rows["P2"]["data_problems"])
    assert rows["P3"]["data_problems"] == ["no row in the patient table"]
    assert rows["P4"]["disease_state"] == "insufficient_data"  # no measurements at all
    assert rows["P4"]["latest_overall"] is None
    assert disagreements(core_engine.screen_table(inputs), result) == []


@pytest.mark.parametrize("kernel", [True, False], ids=["compiled", "sql"])
def test_ids_are_taken_literally_and_padded_or_blank_ids_are_reported(
    tmp_path: Path, kernel: bool
) -> None:
    # " P1" is not silently merged with "P1" (that would be a guess about identity): it is its
    # own patient, rejected with the padding named; a spaces-only id counts as no id at all.
    measurements = [
        _row("P1", "L1", 0, 30.0),
        _row("P1", "L1", 1, 28.0),
        _row(" P1", "L1", 1, 50.0),
        _row("   ", "L1", 0, 20.0),
    ]
    tables = {
        "measurements": measurements,
        "patients": [_patient("P1"), _patient(" P1")],
        "local_treatments": [],
    }
    inputs = discover([write(tables, tmp_path / "cohort")])
    embedded_rows = embedded.screen_table(inputs, kernel=kernel)
    rows = {r["patient_id"]: r for r in embedded_rows.to_pylist()}
    assert set(rows) == {"P1", " P1", None}
    assert rows["P1"]["latest_overall"] == "SD"
    assert rows["P1"]["data_problems"] == []
    assert rows[" P1"]["disease_state"] == "insufficient_data"
    assert "patient_id ' P1' has leading or trailing spaces" in rows[" P1"]["data_problems"]
    assert "rows without a patient_id" in rows[None]["data_problems"]
    assert disagreements(core_engine.screen_table(inputs), embedded_rows) == []


def test_missing_tables_and_columns_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CohortInputError, match="no measurements table"):
        discover([tmp_path])
    directory = _cohort(tmp_path)
    (directory / "patients.parquet").unlink()
    with pytest.raises(CohortInputError, match="no patients table"):
        discover([directory])


def test_the_sql_text_splits_into_its_ctes() -> None:
    ctes, final = split_ctes(screen_sql("spark"))
    assert [name for name, _ in ctes][:2] == ["mrow", "prow"]
    assert final.startswith("SELECT")


def test_cli_synth_then_screen(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["synth", "--patients", "60", "--seed", "3", "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    out = tmp_path / "results.parquet"
    result = runner.invoke(app, ["screen", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "oligoprogression" in result.output
    assert "below 250,000 the SQL alone is as fast" in result.output
    assert pq.read_table(out).num_rows >= 59
    forced = runner.invoke(app, ["screen", str(tmp_path), "--out", str(out), "--kernel"])
    assert forced.exit_code == 0, forced.output
    assert "compiled rules:" in forced.output


def test_cli_synth_fhir_then_screen(tmp_path: Path) -> None:
    runner = CliRunner()
    export = tmp_path / "export"
    args = ["synth", "--patients", "30", "--seed", "3", "--format", "fhir", "--out", str(export)]
    made = runner.invoke(app, args)
    assert made.exit_code == 0, made.output
    assert "as FHIR Bulk Data NDJSON" in made.output
    assert (export / "Patient.ndjson").exists()
    out = tmp_path / "results.parquet"
    files = [str(p) for p in sorted(export.glob("*.ndjson"))]
    result = runner.invoke(app, ["screen", *files, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 could not be read" in result.output
    patients = len((export / "Patient.ndjson").read_text().splitlines())
    assert pq.read_table(out).num_rows == patients


def test_cli_synth_unknown_format_names_the_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--format", "xml", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "--format" in result.output


def test_cli_screen_bad_input_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["screen", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def _ndjson(path: Path, resources: list[dict[str, object]]) -> None:
    path.write_text("\n".join(json.dumps(r) for r in resources) + "\n")


def test_fhir_bulk_ndjson(tmp_path: Path) -> None:
    patient = {"reference": "Patient/p1"}
    _ndjson(tmp_path / "Patient.ndjson", [{"resourceType": "Patient", "id": "p1"}])
    _ndjson(
        tmp_path / "Condition.ndjson",
        [
            {
                "resourceType": "Condition",
                "subject": patient,
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "C18.7"}]},
            }
        ],
    )
    # mCODE: one request per agent, a regimen tied together by groupIdentifier
    _ndjson(
        tmp_path / "MedicationRequest.ndjson",
        [
            {
                "resourceType": "MedicationRequest",
                "status": "active",
                "intent": "order",
                "subject": patient,
                "authoredOn": "2022-01-03",
                "groupIdentifier": {"value": "regimen-1"},
                "medicationCodeableConcept": {"text": agent},
            }
            for agent in ("FOLFOX", "bevacizumab")
        ],
    )
    bodies = [
        {
            "resourceType": "BodyStructure",
            "id": f"b{i}",
            "patient": patient,
            "identifier": [{"value": f"L{i}"}],
            "location": {"coding": [{"system": "http://snomed.info/sct", "code": "10200004"}]},
        }
        for i in (1, 2)
    ]
    _ndjson(tmp_path / "BodyStructure.ndjson", bodies)

    def size(body: str, day: str, mm: float, unit: str = "mm") -> dict[str, object]:
        return {
            "resourceType": "Observation",
            "status": "final",
            "subject": patient,
            "focus": [{"reference": f"BodyStructure/{body}"}],
            "effectiveDateTime": f"{day}T10:00:00Z",
            "code": {"coding": [{"system": "http://loinc.org", "code": "21889-1"}]},
            "component": [
                {
                    "code": {"coding": [{"system": "http://loinc.org", "code": "33728-7"}]},
                    "valueQuantity": {"value": mm, "unit": unit, "code": unit},
                }
            ],
        }

    _ndjson(
        tmp_path / "Observation.ndjson",
        [
            size("b1", "2022-01-03", 3.0, "cm"),
            size("b1", "2022-04-03", 29.0),
            size("b2", "2022-01-03", 10.0),
            size("b2", "2022-04-03", 17.0),
        ],
    )
    out = tmp_path / "r.parquet"
    result = CliRunner().invoke(app, ["screen", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = pq.read_table(out).to_pylist()
    assert row["disease_state"] == "oligoprogression"
    assert row["progressing_lesions"] == ["L2"]
