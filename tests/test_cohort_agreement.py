"""The embedded engine (compiled rules for Parquet, the SQL for CSV) gives the core engine's
answer for every patient."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from cohort_strategies import Tables, by_patient, cohort, disagreements, new_lesion_cohort, write
from oligoguide.cohort import core_engine, embedded
from oligoguide.cohort.inputs import discover
from oligoguide.cohort.synth import generate


def _check(directory: Path, tables: Tables | None = None) -> int:
    """Parquet goes through the compiled rules (forced: these cohorts are small), CSV through
    the SQL; test_cohort_kernel.py checks the two paths give identical results."""
    inputs = discover([directory])
    core = core_engine.screen_table(inputs)
    fast = embedded.screen_table(inputs, threads=2, kernel=True)
    found = disagreements(core, fast)
    assert found == [], repr((found, tables))
    return int(core.num_rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort())
def test_embedded_equals_core_on_random_parquet_cohorts(tables: Tables) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _check(write(tables, Path(scratch)), tables)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort())
def test_embedded_equals_core_on_random_csv_cohorts(tables: Tables) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _check(write(tables, Path(scratch), "csv"), tables)


@pytest.mark.parametrize(("fmt", "seed"), [("parquet", 11), ("csv", 12)])
def test_embedded_equals_core_on_synthetic_cohorts(tmp_path: Path, fmt: str, seed: int) -> None:
    generate(400, seed, tmp_path, fmt)  # type: ignore[arg-type]
    assert _check(tmp_path) >= 400


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_new_lesion_still_present_keeps_the_latest_time_point_pd(
    tmp_path: Path, fmt: str
) -> None:
    """A lesion absent at baseline, seen at a middle time point and still there at the latest is
    PD at the latest (not only where it first appears), unless treated locally since baseline."""
    tables, expected = new_lesion_cohort()
    inputs = discover([write(tables, tmp_path, fmt)])
    core = core_engine.screen_table(inputs)
    assert {k: row["latest_overall"] for k, row in by_patient(core).items()} == expected
    for kernel in (True, False):
        assert disagreements(core, embedded.screen_table(inputs, threads=2, kernel=kernel)) == []
