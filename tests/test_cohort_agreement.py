"""The embedded engine (compiled rules for Parquet, the SQL for CSV) gives the core engine's
answer for every patient."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from cohort_strategies import Tables, cohort, disagreements, write
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
