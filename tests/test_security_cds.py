"""CDS Hooks safety beyond the JWT: the card must be about the patient the EHR has open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jwt_helpers import ISSUER, FakeEhr
from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.service import CdsIssuer, Settings
from oligoguide.service.launch import build_app
from service_helpers import LOCAL
from test_service_cds import URL, ehr_prefetch, hook_request


@pytest.fixture
def cds(tmp_path: Path) -> Iterator[tuple[TestClient, FakeEhr]]:
    ehr = FakeEhr()
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'r.sqlite3'}",
        cds_issuers=(CdsIssuer(iss=ISSUER, jwks=ehr.jwks),),
    )
    app, registry = build_app(settings)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        yield client, ehr
    registry.close()


def test_a_prefetch_of_another_patient_is_refused(cds: tuple[TestClient, FakeEhr]) -> None:
    client, ehr = cds
    body = hook_request(ehr_prefetch())  # the prefetch is patient EX-CRC-01
    body["context"]["patientId"] = "SOMEONE-ELSE"
    response = client.post(
        f"/cds-services/{SERVICE_ID}",
        json=body,
        headers={"authorization": f"Bearer {ehr.token(URL)}"},
    )
    assert 400 <= response.status_code < 500
    assert "cards" not in response.json()


def test_a_prefetch_of_the_open_patient_is_answered(cds: tuple[TestClient, FakeEhr]) -> None:
    client, ehr = cds
    response = client.post(
        f"/cds-services/{SERVICE_ID}",
        json=hook_request(ehr_prefetch()),
        headers={"authorization": f"Bearer {ehr.token(URL)}"},
    )
    assert response.status_code == 200
    assert response.json()["cards"]
