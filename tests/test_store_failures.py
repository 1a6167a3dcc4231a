"""The registry under failure: read-only databases, a full disk, unreachable servers, bad URLs,
and concurrent writers that must lose nothing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import URL

from builders import lesion
from oligoguide.store import Registry, StoreError, StoreUnavailable, VersionConflict
from store_support import (
    make_case,
    pg_schema_url,
    registry,
    store_url,
    with_pg_options,
)

__all__ = ["pg_schema_url", "registry", "store_url"]  # fixtures used by the tests below


def _sqlite_url(path: Path) -> URL:
    return URL.create("sqlite", database=str(path))


def _read_only_sqlite(path: Path) -> URL:
    return URL.create("sqlite", database=f"file:{path}", query={"mode": "ro", "uri": "true"})


def test_read_only_sqlite_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite3"
    with Registry.open(_sqlite_url(path)) as writable:
        writable.create_case(make_case(), "alice")
    with pytest.raises(StoreUnavailable, match="read-only") as caught:
        Registry.open(_read_only_sqlite(path))
    assert caught.value.reason == "read_only"
    with Registry.open(_sqlite_url(path)) as again:
        assert again.get_case("case-1", "alice").case == make_case()
        assert again.integrity_check("admin") == []


def test_fresh_read_only_sqlite_is_refused_before_anything_is_created(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    with pytest.raises(StoreUnavailable, match="read-only"):
        Registry.open(_read_only_sqlite(path))
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == []


def test_read_only_postgresql_is_a_clear_error(pg_schema_url: URL) -> None:
    Registry.open(pg_schema_url).close()
    options = pg_schema_url.query["options"]
    assert isinstance(options, str)
    read_only = with_pg_options(pg_schema_url, options, "-cdefault_transaction_read_only=on")
    with pytest.raises(StoreUnavailable, match="read-only") as caught:
        Registry.open(read_only)
    assert caught.value.reason == "read_only"


def test_full_disk_is_a_clear_error_and_not_corruption(tmp_path: Path) -> None:
    with Registry.open(_sqlite_url(tmp_path / "registry.sqlite3")) as registry:
        registry.create_case(make_case(), "alice")
        engine = registry._engine
        with engine.connect() as connection:
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()

        @event.listens_for(engine, "connect")
        def _cap(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        engine.dispose()  # new connections get the cap: the "disk" is now full
        lesions = [lesion(f"L{i}", [10.0 + i % 50, 12.0], location="x" * 150) for i in range(200)]
        big = make_case("case-2", lesions=lesions)
        with pytest.raises(StoreUnavailable, match="disk is full") as caught:
            registry.create_case(big, "alice")
        assert caught.value.reason == "disk_full"
        with pytest.raises(StoreUnavailable):
            registry.update_case("case-1", big.model_copy(update={"case_id": "case-1"}), "a")

        event.remove(engine, "connect", _cap)
        engine.dispose()
        assert registry.integrity_check("admin") == []
        assert registry.get_case("case-1", "alice").version == 1
        assert registry.list_cases("alice").total == 1


def test_unreachable_postgresql_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="cannot be reached") as caught:
        Registry.open("postgresql://nobody:secret-pw@127.0.0.1:1/none")
    assert caught.value.reason == "unreachable"
    assert "secret-pw" not in str(caught.value)


@pytest.mark.parametrize("url", ["mysql://h/db", "postgresql://[bad", "   "])
def test_unsupported_or_malformed_url(url: str) -> None:
    with pytest.raises(StoreError):
        Registry.open(url)


def test_newer_schema_than_the_program_is_refused(store_url: URL) -> None:
    Registry.open(store_url).close()
    with Registry.open(store_url) as registry, registry._engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StoreUnavailable, match="newer oligoguide") as caught:
        Registry.open(store_url)
    assert caught.value.reason == "schema"


WRITES_PER_THREAD = 15


def test_concurrent_writers_lose_nothing(store_url: URL) -> None:
    """Two threads, each with its own Registry (own engine and pool, as two processes would),
    create cases and edit one shared case without a version check: every write is kept."""
    with Registry.open(store_url) as first:
        first.create_case(make_case("shared"), "setup")
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with Registry.open(store_url) as registry:
                barrier.wait()
                for i in range(WRITES_PER_THREAD):
                    registry.create_case(make_case(f"{name}-{i}"), name)
                    edit = make_case("shared", diameter=100 + i + (0.5 if name == "b" else 0))
                    registry.update_case("shared", edit, name)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Registry.open(store_url) as registry:
        assert registry.list_cases("check").total == 1 + 2 * WRITES_PER_THREAD
        versions = registry.case_versions("shared", "check")
        assert [v.version for v in versions] == list(range(1, 2 + 2 * WRITES_PER_THREAD))
        assert sorted(v.created_by for v in versions[1:]) == ["a"] * 15 + ["b"] * 15
        assert registry.integrity_check("admin") == []


def test_concurrent_edits_with_expected_version_have_one_winner(store_url: URL) -> None:
    with Registry.open(store_url) as registry:
        registry.create_case(make_case(), "setup")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def editor(diameter: float) -> None:
        with Registry.open(store_url) as registry:
            barrier.wait()
            try:
                registry.update_case("case-1", make_case(diameter=diameter), "x", 1)
                outcomes.append("saved")
            except VersionConflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=editor, args=(d,)) for d in (50.0, 60.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    with Registry.open(store_url) as registry:
        assert len(registry.case_versions("case-1", "check")) == 2


def test_one_registry_shared_by_threads(registry: Registry) -> None:
    def work(offset: int) -> None:
        for i in range(10):
            registry.create_case(make_case(f"t{offset}-{i}"), f"thread-{offset}")
            registry.list_cases("reader")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert registry.list_cases("check").total == 30
