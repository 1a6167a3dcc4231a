"""kill -9 of a real server during concurrent writes: every acknowledged write survives, on SQLite
and PostgreSQL, and the database passes its integrity check after the restart."""

from __future__ import annotations

import copy
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import URL

from oligoguide.store import Registry
from server_process import running_server
from store_support import pg_schema_url, store_url

__all__ = ["pg_schema_url", "store_url"]  # fixtures used below

EXAMPLE = json.loads(
    (Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json").read_text()
)
WRITERS = 4
MAX_WRITES_PER_WRITER = 150  # bounded even if the kill came late
MIN_ACKS_BEFORE_KILL = 24
LOAD_SECONDS_BEFORE_KILL = 1.5


def case_json(case_id: str, diameter: float = 19.0) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(EXAMPLE)
    data["case_id"] = case_id
    data["lesions"][0]["measurements"][-1]["diameter_mm"] = diameter
    return data


class Load:
    """Writers creating their own cases and editing one shared case, until told to stop."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.lock = threading.Lock()
        self.acked_creates: dict[str, str] = {}  # case id -> content hash
        self.acked_edits: dict[int, str] = {}  # version of "shared" -> content hash
        self.refused: list[tuple[int, str]] = []
        self.stop = threading.Event()

    def writer(self, n: int) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30.0) as client:
            for i in range(MAX_WRITES_PER_WRITER):
                if self.stop.is_set():
                    return
                try:
                    if i % 3 == 2:
                        diameter = 20.0 + n + i / 1000
                        response = client.put(
                            "/v1/cases/shared", json=case_json("shared", diameter)
                        )
                    else:
                        response = client.post("/v1/cases", json=case_json(f"w{n}-{i}"))
                except httpx.TransportError:
                    return  # the server died under us: this write was never acknowledged
                body = response.json()
                with self.lock:
                    if response.status_code == 201:
                        self.acked_creates[body["case_id"]] = body["content_hash"]
                    elif response.status_code == 200:
                        self.acked_edits[body["version"]] = body["content_hash"]
                    else:
                        self.refused.append((response.status_code, response.text[:200]))

    def acked(self) -> int:
        with self.lock:
            return len(self.acked_creates) + len(self.acked_edits)


def test_kill_9_during_concurrent_writes_loses_no_acknowledged_write(
    store_url: URL, tmp_path: Path
) -> None:
    db = store_url.render_as_string(hide_password=False)
    with running_server(["--db", db], tmp_path) as server:
        created = httpx.post(f"{server.url}/v1/cases", json=case_json("shared"), timeout=30)
        assert created.status_code == 201, created.text
        load = Load(server.url)
        threads = [threading.Thread(target=load.writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        started = time.monotonic()
        while time.monotonic() < deadline and (
            load.acked() < MIN_ACKS_BEFORE_KILL
            or time.monotonic() - started < LOAD_SECONDS_BEFORE_KILL
        ):
            time.sleep(0.05)
        server.kill9()  # mid-load: writers have requests in flight
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
    assert load.refused == []
    assert load.acked() >= MIN_ACKS_BEFORE_KILL

    with (
        running_server(["--db", db], tmp_path) as again,
        httpx.Client(base_url=again.url, timeout=30) as client,
    ):
        for case_id, content_hash in load.acked_creates.items():
            versions = client.get(f"/v1/cases/{case_id}/versions")
            assert versions.status_code == 200, (case_id, versions.text)
            assert versions.json()[0]["content_hash"] == content_hash
            assessments = client.get(f"/v1/cases/{case_id}/assessments").json()
            assert assessments, f"{case_id}: acknowledged with its assessment, found none"
        shared = {
            v["version"]: v["content_hash"] for v in client.get("/v1/cases/shared/versions").json()
        }
        for version, content_hash in load.acked_edits.items():
            assert shared.get(version) == content_hash, version
        assert sorted(shared) == list(range(1, len(shared) + 1))  # no gap, no duplicate

    with Registry.open(db) as registry:
        assert registry.integrity_check("fault-test") == []


def test_a_killed_server_restarts_on_the_same_database(tmp_path: Path) -> None:
    """The SQLite WAL left by a kill -9 (no checkpoint, no clean close) is recovered on open."""
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    with running_server(["--db", db], tmp_path) as server:
        assert (
            httpx.post(f"{server.url}/v1/cases", json=case_json("c1"), timeout=30).status_code
            == 201
        )
        server.kill9()
    assert (tmp_path / "registry.sqlite3-wal").exists()
    with running_server(["--db", db], tmp_path) as again:
        listed = httpx.get(f"{again.url}/v1/cases", timeout=30).json()
        assert [item["case_id"] for item in listed["items"]] == ["c1"]
