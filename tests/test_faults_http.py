"""Faults seen through HTTP: a full disk or a read-only database is a 503 problem (never a 500,
never corruption), and a knowledge base that fails validation stops start-up with a clear
message instead of serving part of the knowledge."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.engine import URL

from oligoguide.knowledge import KnowledgeBaseError, default_knowledge_base
from oligoguide.knowledge.loader import KB_DIR_ENV, configured_data_dir, default_data_dir
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry
from server_process import running_server
from service_helpers import LOCAL
from store_support import pg_schema_url, store_url

__all__ = ["pg_schema_url", "store_url"]  # fixtures used below

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
PACKAGED_KB = Path(str(default_data_dir()))


def _case(case_id: str, lesions: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    data["case_id"] = case_id
    template = data["lesions"][0]
    for i in range(lesions):  # a case big enough to need new database pages
        data["lesions"].append(template | {"id": f"X{i}", "location": "x" * 150, "target": False})
    return data


@pytest.fixture
def api(store_url: URL) -> Iterator[tuple[TestClient, Registry]]:
    app, registry = build_app(Settings(db_url=store_url.render_as_string(hide_password=False)))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        yield client, registry
    registry.close()


def _assert_503_problem(response: Any, reason_words: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == "Registry unavailable"
    assert reason_words in body["detail"]
    assert "Traceback" not in response.text


def test_full_disk_is_a_503_problem_and_loses_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    app, registry = build_app(Settings(db_url=db))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        assert client.post("/v1/cases", json=_case("before")).status_code == 201
        engine = registry._engine
        with engine.connect() as connection:
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()

        def cap(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(engine, "connect", cap)
        engine.dispose()  # from now on the "disk" is full
        _assert_503_problem(client.post("/v1/cases", json=_case("big", 190)), "disk is full")
        event.remove(engine, "connect", cap)
        engine.dispose()
        listed = client.get("/v1/cases").json()
        assert [item["case_id"] for item in listed["items"]] == ["before"]
    assert registry.integrity_check("fault-test") == []
    registry.close()


def _make_read_only(registry: Registry, dialect: str) -> Any:
    statement = (
        "PRAGMA query_only = ON"
        if dialect == "sqlite"
        else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
    )

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if dialect != "sqlite":
            dbapi_connection.commit()

    event.listen(registry._engine, "connect", read_only)
    registry._engine.dispose()
    return read_only


def test_a_database_turned_read_only_is_a_503_problem_and_fails_closed(
    api: tuple[TestClient, Registry],
) -> None:
    client, registry = api
    assert client.post("/v1/cases", json=_case("before")).status_code == 201
    hook = _make_read_only(registry, registry._engine.dialect.name)
    try:
        _assert_503_problem(client.post("/v1/cases", json=_case("after")), "read-only")
        edit = _case("before") | {"clinically_deteriorating": True}
        _assert_503_problem(client.put("/v1/cases/before", json=edit), "read-only")
        # Reads write their audit line: a registry that cannot record who read refuses to.
        _assert_503_problem(client.get("/v1/cases/before"), "read-only")
    finally:
        event.remove(registry._engine, "connect", hook)
        registry._engine.dispose()
    assert client.get("/v1/cases/before").json()["case_id"] == "before"
    assert registry.integrity_check("fault-test") == []
    assert [v.version for v in registry.case_versions("before", "fault-test")] == [1]


def test_a_read_only_database_refuses_start_up_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite3"
    Registry.open(f"sqlite:///{path}").close()
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    with running_server(["--db", read_only], tmp_path, ready=False) as server:
        assert server.process.wait(timeout=60) == 2
        output = server.output()
    assert "read-only" in output
    assert "Traceback" not in output


# -- the knowledge base at start-up ------------------------------------------------------------


@pytest.fixture
def broken_kb(tmp_path: Path) -> Path:
    """A copy of the packaged base in which one statement cites evidence that does not exist."""
    copy = tmp_path / "kb"
    shutil.copytree(PACKAGED_KB, copy)
    statements = sorted((copy / "statements").glob("*.yaml"))[0]
    text_ = statements.read_text(encoding="utf-8")
    marker = "  evidence: ["
    assert marker in text_
    statements.write_text(text_.replace(marker, marker + "no_such_evidence, ", 1), "utf-8")
    return copy


@pytest.fixture
def fresh_kb_cache() -> Iterator[None]:
    default_knowledge_base.cache_clear()
    yield
    default_knowledge_base.cache_clear()  # the next test loads the packaged base again


def test_kb_dir_defaults_to_the_packaged_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KB_DIR_ENV, raising=False)
    assert Path(str(configured_data_dir())) == PACKAGED_KB


@pytest.mark.usefixtures("fresh_kb_cache")
def test_a_valid_kb_dir_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(PACKAGED_KB, tmp_path / "kb")
    monkeypatch.setenv(KB_DIR_ENV, str(tmp_path / "kb"))
    kb = default_knowledge_base()
    assert kb.version
    assert len(kb.statements) > 0


@pytest.mark.usefixtures("fresh_kb_cache")
def test_an_invalid_kb_stops_the_app_from_being_built(
    broken_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KB_DIR_ENV, str(broken_kb))
    with pytest.raises(KnowledgeBaseError, match="unknown evidence 'no_such_evidence'"):
        build_app(Settings(db_url=f"sqlite:///{tmp_path / 'r.sqlite3'}"))


def test_an_invalid_kb_stops_oligoguide_serve_with_a_clear_message(
    broken_kb: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    with running_server(
        ["--db", db], tmp_path, {KB_DIR_ENV: str(broken_kb)}, ready=False
    ) as server:
        assert server.process.wait(timeout=60) == 2
        output = server.output()
    assert "error: knowledge base invalid" in output
    assert "no_such_evidence" in output
    assert "Traceback" not in output
    assert "serving at" not in output


@pytest.mark.parametrize("query", ["version=9223372036854775808", "version=99999999999999999999"])
def test_a_version_beyond_64_bits_is_a_400_problem_not_a_500(
    api: tuple[TestClient, Registry], query: str
) -> None:
    """Found by Schemathesis: the driver's OverflowError escaped as a 500."""
    client, _ = api
    assert client.post("/v1/cases", json=_case("c1")).status_code == 201
    for path in (f"/v1/cases/c1?{query}", f"/v1/cases/c1/report.json?{query}"):
        response = client.get(path)
        assert response.status_code == 400, (path, response.text)
    assert client.get("/v1/cases?offset=9223372036854775808").status_code == 400
