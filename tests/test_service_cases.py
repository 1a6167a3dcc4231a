"""REST case registry: versioned writes, roles, reports, and the same answer as the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import need
from oligoguide.assess import assess
from oligoguide.model import load_case
from oligoguide.render.pdf import pdf_problem
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry

EXAMPLES = Path(__file__).parent.parent / "examples"
CRC = EXAMPLES / "crc_oligoprogression.json"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    with Registry.open(db) as registry:
        tokens = {
            role: {"authorization": f"Bearer {registry.create_token(role, role)}"}
            for role in ("reader", "clinician", "admin")
        }
    app, registry = build_app(Settings(db_url=db))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, tokens
    registry.close()


def _post(client: TestClient, headers: dict[str, str], path: Path = CRC) -> object:
    return client.post(
        "/v1/cases",
        content=path.read_bytes(),
        headers=headers | {"content-type": "application/json"},
    )


def test_create_read_list_and_assess(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    created = client.post(
        "/v1/cases",
        content=CRC.read_bytes(),
        headers=tokens["clinician"] | {"content-type": "application/json"},
    )
    assert created.status_code == 201
    assert created.headers["location"] == "/v1/cases/crc-oligoprogression-01"
    assert created.json()["version"] == 1
    assert created.json()["assessment"]["disease_state"] == "oligoprogression"
    listed = client.get("/v1/cases", headers=tokens["reader"]).json()
    assert listed["total"] == 1
    assert listed["items"][0]["disease_state"] == "oligoprogression"
    fetched = client.get("/v1/cases/crc-oligoprogression-01", headers=tokens["reader"])
    assert fetched.headers["etag"] == '"1"'
    assert fetched.json()["case_id"] == "crc-oligoprogression-01"
    stored = client.get(
        "/v1/cases/crc-oligoprogression-01/assessments", headers=tokens["reader"]
    ).json()
    assert stored[0]["kb_version"]
    assert len(stored[0]["input_hash"]) == 64


def test_edit_creates_a_version_and_if_match_guards_it(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, tokens = api
    write = tokens["clinician"] | {"content-type": "application/json"}
    client.post("/v1/cases", content=CRC.read_bytes(), headers=write)
    edited = json.loads(CRC.read_text())
    edited["patient"]["ecog"] = 2
    updated = client.put(
        "/v1/cases/crc-oligoprogression-01",
        json=edited,
        headers=tokens["clinician"] | {"if-match": '"1"'},
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    edited["patient"]["ecog"] = 0
    stale = client.put(
        "/v1/cases/crc-oligoprogression-01",
        json=edited,
        headers=tokens["clinician"] | {"if-match": '"1"'},
    )
    assert stale.status_code == 409
    versions = client.get(
        "/v1/cases/crc-oligoprogression-01/versions", headers=tokens["reader"]
    ).json()
    assert [v["version"] for v in versions] == [1, 2]
    first = client.get("/v1/cases/crc-oligoprogression-01?version=1", headers=tokens["reader"])
    assert first.json()["patient"]["ecog"] == 1  # the original is never overwritten


def test_reader_cannot_write_and_anonymous_cannot_read(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, tokens = api
    response = client.post(
        "/v1/cases",
        content=CRC.read_bytes(),
        headers=tokens["reader"] | {"content-type": "application/json"},
    )
    assert response.status_code == 403
    assert client.get("/v1/cases").status_code == 401


def test_unknown_case_is_404_and_duplicate_is_409(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, tokens = api
    assert client.get("/v1/cases/nope", headers=tokens["reader"]).status_code == 404
    write = tokens["clinician"] | {"content-type": "application/json"}
    assert client.post("/v1/cases", content=CRC.read_bytes(), headers=write).status_code == 201
    again = client.post("/v1/cases", content=CRC.read_bytes(), headers=write)
    assert again.status_code == 409


def test_invalid_case_leaves_the_registry_unchanged(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, tokens = api
    bad = json.loads(CRC.read_text())
    bad["lesions"][0]["measurements"][0]["diameter_mm"] = -1
    response = client.post("/v1/cases", json=bad, headers=tokens["clinician"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/lesions/0/measurements/0/diameter_mm"
    assert client.get("/v1/cases", headers=tokens["reader"]).json()["total"] == 0


def test_reports_in_every_format(
    api: tuple[TestClient, dict[str, dict[str, str]]], tmp_path: Path
) -> None:
    client, tokens = api
    client.post(
        "/v1/cases",
        content=CRC.read_bytes(),
        headers=tokens["clinician"] | {"content-type": "application/json"},
    )
    base = "/v1/cases/crc-oligoprogression-01/report"
    as_json = client.get(f"{base}.json", headers=tokens["reader"])
    assert as_json.json()["disease_state"] == "oligoprogression"
    html = client.get(f"{base}.html", headers=tokens["reader"]).text
    assert "<svg" in html
    assert "References" in html
    problem = pdf_problem()
    need(problem is None, f"WeasyPrint's system libraries: {problem}")
    pdf = client.get(f"{base}.pdf", headers=tokens["reader"])
    assert pdf.headers["content-type"] == "application/pdf", pdf.text[:500]
    assert pdf.content.startswith(b"%PDF")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Step 2 - Local treatment" in text


def test_the_cli_and_the_api_give_the_same_decisions(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, tokens = api
    for path in sorted(EXAMPLES.glob("*.json")):
        body = _post(client, tokens["clinician"], path).json()["assessment"]  # type: ignore[attr-defined]
        direct = assess(load_case(path))
        assert body["disease_state"] == direct.disease_state.value
        assert [r["statement_id"] for r in body["recommendations"]] == [
            r.statement_id for r in direct.recommendations
        ]
