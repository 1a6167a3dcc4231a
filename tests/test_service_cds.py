"""CDS Hooks over HTTP: discovery, patient-view with prefetch or FHIR access, JWT, feedback."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from jwt_helpers import ISSUER, FakeEhr
from oligoguide.assess import assess
from oligoguide.fhir import case_to_bundle
from oligoguide.fhir.case_key import case_key, patient_key
from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.fhir.codes import PATIENT_ID_SYSTEM
from oligoguide.model import load_case
from oligoguide.service import CdsIssuer, Settings
from oligoguide.service.launch import build_app
from oligoguide.service.state import service_state
from oligoguide.store import Registry
from service_helpers import LOCAL

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
URL = f"http://127.0.0.1:8000/cds-services/{SERVICE_ID}"
FHIR_BASE = "https://fhir.example.org/r4"


def _searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def ehr_prefetch(path: Path = EXAMPLE) -> dict[str, Any]:
    """The example case as an EHR would prefetch it: searchsets with Type/id references."""
    bundle = case_to_bundle(load_case(path))
    text = json.dumps(bundle)
    for entry in bundle["entry"]:
        r = entry["resource"]
        text = text.replace(f"urn:uuid:{r['id']}", f"{r['resourceType']}/{r['id']}")
    resources = [e["resource"] for e in json.loads(text)["entry"]]

    def of(kind: str) -> list[dict[str, Any]]:
        return [r for r in resources if r["resourceType"] == kind]

    sizes = [r for r in of("Observation") if "21889-1" in json.dumps(r.get("code"))]
    rest = [
        r
        for r in resources
        if r["resourceType"] not in ("Patient", "Condition", "BodyStructure") and r not in sizes
    ]
    return {
        "patient": of("Patient")[0],
        "conditions": _searchset(of("Condition")),
        "tumors": _searchset(of("BodyStructure")),
        "tumorSizes": _searchset(sizes),
        "procedures": _searchset(rest),
    }


def hook_request(prefetch: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """A patient-view call for the patient the prefetch is about (its FHIR resource id)."""
    patient_id = (prefetch or {}).get("patient", {}).get("id", "unknown-patient")
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": patient_id},
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body | extra


@pytest.fixture(scope="module")
def ehr() -> FakeEhr:
    return FakeEhr()


@pytest.fixture
def api(tmp_path: Path, ehr: FakeEhr) -> Iterator[tuple[TestClient, Registry]]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'r.sqlite3'}",
        cds_issuers=(CdsIssuer(iss=ISSUER, jwks=ehr.jwks),),
    )
    app, registry = build_app(settings)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        yield client, registry
    registry.close()


def auth(ehr: FakeEhr, url: str = URL) -> dict[str, str]:
    return {"authorization": f"Bearer {ehr.token(url)}"}


def test_discovery_is_public(api: tuple[TestClient, Registry]) -> None:
    client, _ = api
    services = client.get("/cds-services").json()["services"]
    assert services[0]["id"] == SERVICE_ID
    assert services[0]["hook"] == "patient-view"


def test_patient_view_gives_the_same_decision_as_the_engine(
    api: tuple[TestClient, Registry], ehr: FakeEhr
) -> None:
    client, registry = api
    response = client.post(
        URL.removeprefix("http://127.0.0.1:8000"),
        json=hook_request(ehr_prefetch()),
        headers=auth(ehr),
    )
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    direct = assess(load_case(EXAMPLE))
    assert "oligoprogression" in cards[0]["summary"].lower()
    assert all(len(c["summary"]) <= 140 for c in cards)
    assert cards[0]["indicator"] == "warning"
    assert cards[0]["source"]["label"] == f"oligoguide {direct.kb_version}"
    # The case id is a keyed pseudonym of the patient, never the patient's id.
    key = case_key(patient_key(PATIENT_ID_SYSTEM, "EX-CRC-01"), registry.case_key_secret())
    assert cards[0]["links"][0]["url"].endswith(f"/ui/cases/{key}")
    stored = registry.assessments(key, "test")
    assert stored[-1].disease_state == direct.disease_state.value


def test_missing_prefetch_without_fhir_access_is_412(
    api: tuple[TestClient, Registry], ehr: FakeEhr
) -> None:
    client, _ = api
    prefetch = ehr_prefetch()
    del prefetch["tumorSizes"]
    response = client.post(
        f"/cds-services/{SERVICE_ID}", json=hook_request(prefetch), headers=auth(ehr)
    )
    assert response.status_code == 412
    assert "tumorSizes" in response.json()["detail"]


def test_missing_prefetch_is_fetched_when_fhir_access_is_granted(
    api: tuple[TestClient, Registry], ehr: FakeEhr
) -> None:
    client, _ = api
    full = ehr_prefetch()
    asked: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        assert request.headers["authorization"] == "Bearer ehr-access-token"
        return httpx.Response(200, json=full["tumorSizes"])

    service_state_of(client).http = httpx.Client(transport=httpx.MockTransport(fhir_server))
    prefetch = {k: v for k, v in full.items() if k != "tumorSizes"}
    body = hook_request(
        prefetch,
        fhirServer=FHIR_BASE,
        fhirAuthorization={
            "access_token": "ehr-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "oligoguide",
        },
    )
    response = client.post(f"/cds-services/{SERVICE_ID}", json=body, headers=auth(ehr))
    assert response.status_code == 200, response.text
    assert asked
    patient_id = full["patient"]["id"]
    assert asked[0].startswith(f"{FHIR_BASE}/Observation?patient={patient_id}")


def service_state_of(client: TestClient) -> Any:
    class _Req:
        app = client.app

    return service_state(_Req())  # type: ignore[arg-type]


def test_calls_without_a_valid_jwt_are_401(api: tuple[TestClient, Registry], ehr: FakeEhr) -> None:
    client, _ = api
    path = f"/cds-services/{SERVICE_ID}"
    assert client.post(path, json=hook_request(ehr_prefetch())).status_code == 401
    wrong_aud = auth(ehr, "http://127.0.0.1:8000/cds-services/other")
    assert (
        client.post(path, json=hook_request(ehr_prefetch()), headers=wrong_aud).status_code == 401
    )
    headers = auth(ehr)
    assert client.post(path, json=hook_request(ehr_prefetch()), headers=headers).status_code == 200
    replayed = client.post(path, json=hook_request(ehr_prefetch()), headers=headers)
    assert replayed.status_code == 401
    assert "replayed" in replayed.json()["detail"]


def test_unknown_service_is_404(api: tuple[TestClient, Registry], ehr: FakeEhr) -> None:
    client, _ = api
    url = "http://127.0.0.1:8000/cds-services/nope"
    response = client.post("/cds-services/nope", json=hook_request(None), headers=auth(ehr, url))
    assert response.status_code == 404


def test_feedback_is_recorded_in_the_audit_log(
    api: tuple[TestClient, Registry], ehr: FakeEhr
) -> None:
    client, registry = api
    url = f"{URL}/feedback"
    body = {
        "feedback": [
            {"card": "card-1", "outcome": "accepted", "outcomeTimestamp": "2026-11-23T10:00:00Z"},
            {
                "card": "card-2",
                "outcome": "overridden",
                "outcomeTimestamp": "2026-11-23T10:01:00Z",
                "overrideReason": {
                    "reason": {
                        "code": "patient-refused",
                        "system": "https://oligoguide.org/CodeSystem/x",
                    }
                },
            },
        ]
    }
    response = client.post(
        f"/cds-services/{SERVICE_ID}/feedback", json=body, headers=auth(ehr, url)
    )
    assert response.status_code == 200
    actions = [e.action for e in registry.audit_log("test")]
    assert "cds_feedback_accepted" in actions
    assert "cds_feedback_overridden" in actions
