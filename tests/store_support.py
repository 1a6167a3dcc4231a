"""Shared plumbing of the store tests: one registry per test, on SQLite and on PostgreSQL.

PostgreSQL tests each get a fresh schema (dropped afterwards) on the server named by
OLIGOGUIDE_TEST_PG_URL; without it they skip locally and fail in CI (see conftest.need).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url

from builders import case, lesion
from conftest import need
from oligoguide.model import Case
from oligoguide.store import Registry

BACKENDS = ["sqlite", "postgresql"]
PG_ENV = "OLIGOGUIDE_TEST_PG_URL"


def pg_base_url() -> URL:
    need(bool(os.environ.get(PG_ENV)), "PostgreSQL not configured (OLIGOGUIDE_TEST_PG_URL)")
    return make_url(os.environ[PG_ENV])


def with_pg_options(url: URL, *options: str) -> URL:
    return url.update_query_dict({"options": " ".join(options)})


@pytest.fixture
def pg_schema_url() -> Iterator[URL]:
    """A URL whose search_path is a fresh, empty schema; the schema is dropped afterwards."""
    base = pg_base_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield with_pg_options(base, f"-csearch_path={schema}")
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A URL of an empty registry database, once per backend."""
    if request.param == "sqlite":
        return URL.create("sqlite", database=str(tmp_path / "registry.sqlite3"))
    url: URL = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def registry(store_url: URL) -> Iterator[Registry]:
    with Registry.open(store_url) as opened:
        yield opened


def make_case(
    case_id: str = "case-1",
    diameter: float = 20.0,
    lesions: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Case:
    """A small valid case whose content changes with `diameter`."""
    return case(
        lesions or [lesion("L1", [30.0, diameter]), lesion("L2", [15.0, 12.0], site="lung")],
        case_id=case_id,
        patient={"id": "PATIENT-SECRET-42", "birth_date": "1958-03-14"},
        **extra,
    )
