"""The embedded engine's compiled path gives exactly the SQL's result, row for row and text for
text, and falls back to the SQL (saying why) when the input does not suit it."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_strategies import START, Tables, cohort, write
from oligoguide.cohort import embedded
from oligoguide.cohort.inputs import discover
from oligoguide.cohort.kernel import engine
from oligoguide.cohort.kernel.report import KernelReport
from oligoguide.cohort.synth import generate


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    """Rows in a fixed order: several ids (null, '', spaces only) all come out as a null
    patient_id, so the whole row breaks the tie."""
    return sorted(table.to_pylist(), key=lambda row: json.dumps(row, sort_keys=True))


def _screen(directory: Path, kernel: bool) -> tuple[list[dict[str, Any]], KernelReport]:
    out = directory / f"result-{kernel}.parquet"
    report = embedded.screen_to_file(discover([directory]), out, threads=2, kernel=kernel)
    return _rows(pq.read_table(out)), report


def _same_as_sql(directory: Path) -> KernelReport:
    compiled, report = _screen(directory, kernel=True)
    expected, _ = _screen(directory, kernel=False)
    assert compiled == expected
    return report


def _shuffled_within_patients(tables: Tables, rng: random.Random) -> Tables:
    """Each patient's measurement rows in a random order, patients still contiguous."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in tables["measurements"]:
        groups.setdefault(row["patient_id"], []).append(row)
    rows = []
    for group in groups.values():
        rng.shuffle(group)
        rows += group
    return {**tables, "measurements": rows}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort(), st.sampled_from([None, 1, 3, 7]), st.randoms(use_true_random=False))
def test_compiled_path_equals_the_sql_on_random_cohorts(
    tables: Tables, row_group_size: int | None, rng: random.Random
) -> None:
    """Random cohorts (about 10% malformed patients), with row groups that split patients and
    rows in any order inside a patient: every result row equals the SQL engine's."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = write(
            _shuffled_within_patients(tables, rng), Path(scratch), "parquet", row_group_size
        )
        report = _same_as_sql(directory)
        assert report.fallback is None
        assert report.compiled_patients + report.sql_patients == len(
            {r["patient_id"] for t in tables.values() for r in t}
        )


def _patient(pid: str | None, *, lesion: str = "L1") -> Tables:
    import datetime as dt

    return {
        "measurements": [
            {
                "patient_id": pid,
                "lesion_id": lesion,
                "site": "liver",
                "is_lymph_node": False,
                "target": True,
                "date": START + dt.timedelta(days=day),
                "diameter_mm": size,
                "status": None,
            }
            for day, size in ((0, 30.0), (90, 20.0), (180, 31.0))
        ],
        "patients": [
            {
                "patient_id": pid,
                "primary_site": "colorectal",
                "ecog": 1,
                "therapy_agents": "agent",
                "therapy_class": "chemotherapy",
                "therapy_start": START,
            }
        ],
        "local_treatments": [],
    }


def _merge(*parts: Tables) -> Tables:
    merged: Tables = {"measurements": [], "patients": [], "local_treatments": []}
    for part in parts:
        for name, rows in part.items():
            merged[name] += rows
    return merged


def test_odd_ids_and_patients_without_measurements_go_to_the_sql(tmp_path: Path) -> None:
    only_in_patients = _patient("P-only-patient-row")
    only_in_patients["measurements"] = []
    only_treated = {
        "measurements": [],
        "patients": [],
        "local_treatments": [
            {"patient_id": "P-only-treatment", "lesion_id": "L1", "modality": "sbrt", "date": START}
        ],
    }
    tables = _merge(
        _patient("P1"),
        _patient(None),
        _patient(" P2"),
        _patient("   "),
        _patient(""),
        only_in_patients,
        only_treated,
        _patient("P3"),
    )
    report = _same_as_sql(write(tables, tmp_path, row_group_size=2))
    assert report.fallback is None
    assert report.compiled_patients == 2  # P1 and P3; everyone else is worded by the SQL
    rows, _ = _screen(tmp_path, kernel=True)
    assert {r["patient_id"] for r in rows} >= {"P1", "P3", " P2", "P-only-treatment", None}


@pytest.mark.parametrize("row_group_size", [None, 1])
def test_interleaved_patients_fall_back_to_the_sql(
    tmp_path: Path, row_group_size: int | None
) -> None:
    """P1 comes back after P2: in the same batch, or (one row per row group) a later one."""
    tables = _merge(_patient("P1"), _patient("P2"))
    rows = tables["measurements"]
    tables["measurements"] = [rows[0], rows[3], rows[1], rows[4], rows[2], rows[5]]
    report = _same_as_sql(write(tables, tmp_path, row_group_size=row_group_size))
    assert report.fallback == "a patient's measurement rows are not contiguous"


def test_an_interleaved_id_without_a_patient_row_is_screened_whole_by_the_sql(
    tmp_path: Path,
) -> None:
    """An id with no patient row goes to the SQL with all its rows, wherever they are."""
    orphan = _patient("P-no-row")
    orphan["patients"] = []
    tables = _merge(orphan, _patient("P1"), _patient("P2"))
    rows = tables["measurements"]
    tables["measurements"] = [rows[0], *rows[3:6], rows[1], *rows[6:], rows[2]]
    report = _same_as_sql(write(tables, tmp_path, row_group_size=2))
    assert report == KernelReport(2, 1)


def test_csv_input_is_screened_by_the_sql(tmp_path: Path) -> None:
    report = _same_as_sql(write(_patient("P1"), tmp_path, "csv"))
    assert report.fallback == "the measurements are CSV"


def test_string_dates_are_screened_by_the_sql(tmp_path: Path) -> None:
    """A date column stored as text is cast (and checked) by the SQL, not streamed."""
    write(_patient("P1"), tmp_path)
    path = tmp_path / "measurements.parquet"
    table = pq.read_table(path)
    pq.write_table(table.set_column(5, "date", table.column("date").cast(pa.string())), path)
    report = _same_as_sql(tmp_path)
    assert report.fallback == "measurements.parquet: column date is string"


def test_too_many_rejected_rows_fall_back_to_the_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "SUBSET_ROW_LIMIT", 2)
    report = _same_as_sql(write(_merge(_patient("P1"), _patient(None)), tmp_path))
    assert report.fallback == "more than 2 rows need the SQL"


def test_synthetic_cohort_in_several_files(tmp_path: Path) -> None:
    generate(400, 7, tmp_path)
    measurements = pq.read_table(tmp_path / "measurements.parquet")
    half = measurements.num_rows // 2
    pq.write_table(
        measurements.slice(0, half), tmp_path / "measurements.parquet", row_group_size=1000
    )
    pq.write_table(measurements.slice(half), tmp_path / "measurements_2.parquet")
    report = _same_as_sql(tmp_path)
    assert report.fallback is None
    assert report.compiled_patients > 300


def test_small_cohorts_default_to_the_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(_patient("P1"), tmp_path)
    out = tmp_path / "result.parquet"
    report = embedded.screen_to_file(discover([tmp_path]), out)
    assert report.fallback == "3 measurement rows: below 250,000 the SQL alone is as fast"
    monkeypatch.setattr(embedded, "KERNEL_MIN_ROWS", 3)
    assert embedded.screen_to_file(discover([tmp_path]), out) == KernelReport(1, 0)


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    """No status, target or is_lymph_node column: read as missing, as the SQL reads them."""
    write(_merge(_patient("P1"), _patient("P2", lesion="L7")), tmp_path)
    path = tmp_path / "measurements.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["status", "target", "is_lymph_node"]), path)
    report = _same_as_sql(tmp_path)
    assert report == KernelReport(2, 0)


def test_without_numba_the_sql_screens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "numba" else found(name, *a)
    )
    write(_patient("P1"), tmp_path)
    report = embedded.screen_to_file(discover([tmp_path]), tmp_path / "r.parquet", kernel=True)
    assert report.fallback == "numba is not installed (pip install 'oligoguide[cohort]')"


def test_an_empty_patient_table(tmp_path: Path) -> None:
    """Found by the property test: no patient row at all (every patient goes to the SQL)."""
    tables = _patient("P1")
    tables["patients"] = []
    report = _same_as_sql(write(tables, tmp_path))
    assert report == KernelReport(0, 1)
    rows, _ = _screen(tmp_path, kernel=True)
    assert rows[0]["data_problems"] == ["no row in the patient table"]


def test_a_run_restores_the_allocators(tmp_path: Path) -> None:
    """The run's allocation policy (kernel/allocator.py) ends with the run."""
    before = pa.default_memory_pool().backend_name
    write(_patient("P1"), tmp_path)
    embedded.screen_to_file(discover([tmp_path]), tmp_path / "r.parquet", kernel=True)
    assert pa.default_memory_pool().backend_name == before


def test_progressing_lesions_and_organs_come_out_sorted(tmp_path: Path) -> None:
    """The rules emit lesions in file order (L2 before L10); the result lists them as the SQL's
    array_sort does (byte order: 'L10' < 'L2') and each organ once, by name."""
    tables = _patient("P1", lesion="L2")
    for lesion, site in (("L10", "liver"), ("L3", "lung")):
        rows = _patient("P1", lesion=lesion)["measurements"]
        tables["measurements"] += [{**row, "site": site} for row in rows]
    report = _same_as_sql(write(tables, tmp_path))
    assert report == KernelReport(1, 0)
    (row,) = _screen(tmp_path, kernel=True)[0]
    assert row["progressing_lesions"] == ["L10", "L2", "L3"]
    assert row["progressing_organs"] == ["liver", "lung"]
