"""The Spark engine runs the same SQL text and gives the embedded engine's answer (local[2])."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import need

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from cohort_strategies import Tables, by_patient, cohort, disagreements, new_lesion_cohort, write
from oligoguide.cohort import embedded
from oligoguide.cohort.inputs import discover
from oligoguide.cohort.schema import RESULT_SCHEMA
from oligoguide.cohort.synth import generate


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    need(shutil.which("java") is not None, "Java 17 is needed for the Spark engine")
    pyspark = pytest.importorskip("pyspark")
    assert pyspark is not None
    from oligoguide.cohort.spark import session

    session_ = session("local[2]", shuffle_partitions=2)
    yield session_
    session_.stop()


def _spark_table(spark: Any, directory: Path) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    from oligoguide.cohort.spark import screen_frame

    rows = [
        row.asDict(recursive=True) for row in screen_frame(spark, discover([directory])).collect()
    ]
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)


def test_spark_equals_embedded_on_a_synthetic_cohort(spark: Any, tmp_path: Path) -> None:
    generate(150, 21, tmp_path, "csv")
    expected = embedded.screen_table(discover([tmp_path]))
    actual = _spark_table(spark, tmp_path)
    assert disagreements(expected, actual) == []
    assert actual.num_rows == expected.num_rows >= 150


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort(max_patients=30))
def test_spark_equals_embedded_on_random_cohorts(spark: Any, tables: Tables) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = write(tables, Path(scratch))
        expected = embedded.screen_table(discover([directory]))
        assert disagreements(expected, _spark_table(spark, directory)) == []


def test_spark_keeps_a_persisting_new_lesion_pd(spark: Any, tmp_path: Path) -> None:
    tables, expected = new_lesion_cohort()
    actual = _spark_table(spark, write(tables, tmp_path, "csv"))
    assert {k: row["latest_overall"] for k, row in by_patient(actual).items()} == expected
