"""Pseudonymous case ids for FHIR Bundles without a case identifier: the key hides the patient's
ids, is stable per patient and deployment secret, and no face of the service lets the EHR's
Patient.id or the patient's identifier reach a case id, the audit log or the logs."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from fastapi.testclient import TestClient

from jwt_helpers import ISSUER, FakeEhr
from oligoguide.fhir import bundle_to_case, case_to_bundle
from oligoguide.fhir.case_key import LOCAL_CASE_KEY_SECRET, case_key, patient_key
from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.model import CaseInputError, load_case
from oligoguide.service import CdsIssuer, Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry
from store_support import pg_schema_url, registry, store_url
from test_service_cds import ehr_prefetch, hook_request
from test_ui_http import _sign_in, _upload

__all__ = ["pg_schema_url", "registry", "store_url"]  # fixtures used by the tests below

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
FHIR_ID = "ZZ-FHIRID-4417"  # the EHR's Patient.id: appears nowhere but in the EHR's resources
MRN = "ZZ-MRN-90210"  # the patient's hospital identifier
MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5"
KEY = re.compile(r"^fhir-[0-9a-f]{16}$")
SECRET = b"a deployment secret"


def _patient(bundle: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    return found


def _as_the_ehr_sends_it(data: dict[str, Any], old_id: str, with_mrn: bool) -> dict[str, Any]:
    """This EHR's Patient.id everywhere, its MRN as the only identifier."""
    out: dict[str, Any] = json.loads(json.dumps(data).replace(old_id, FHIR_ID))
    patient = out["patient"] if "patient" in out else _patient(out)
    patient.pop("identifier")
    if with_mrn:
        patient["identifier"] = [{"system": MRN_SYSTEM, "value": MRN}]
    return out


def ehr_bundle(with_mrn: bool = True) -> dict[str, Any]:
    """The example as a Bundle from the EHR: no case identifier (Bundle.identifier)."""
    bundle = case_to_bundle(load_case(EXAMPLE))
    del bundle["identifier"]
    return _as_the_ehr_sends_it(bundle, _patient(bundle)["id"], with_mrn)


def _ehr_prefetch() -> dict[str, Any]:
    prefetch = ehr_prefetch(EXAMPLE)
    return _as_the_ehr_sends_it(prefetch, prefetch["patient"]["id"], with_mrn=True)


def _expected(secret: bytes) -> str:
    return case_key(patient_key(MRN_SYSTEM, MRN), secret)


# --- the key ---------------------------------------------------------------------------------


def test_key_does_not_contain_the_patient_id() -> None:
    for secret in (SECRET, LOCAL_CASE_KEY_SECRET):
        key = case_key(patient_key(None, FHIR_ID), secret)
        assert KEY.match(key)
        assert FHIR_ID not in key
        assert FHIR_ID.lower() not in key


def test_key_is_stable_for_one_patient_and_secret() -> None:
    assert case_key(FHIR_ID, SECRET) == case_key(FHIR_ID, SECRET)
    assert case_key(FHIR_ID) == case_key(FHIR_ID, LOCAL_CASE_KEY_SECRET)  # documented default


def test_key_differs_for_other_secrets_patients_and_systems() -> None:
    keys = {
        case_key(FHIR_ID, SECRET),
        case_key(FHIR_ID, SECRET + b"!"),
        case_key(FHIR_ID, LOCAL_CASE_KEY_SECRET),
        case_key(FHIR_ID + "1", SECRET),
        case_key(patient_key("urn:hospital:a", "123"), SECRET),
        case_key(patient_key("urn:hospital:b", "123"), SECRET),
    }
    assert len(keys) == 6
    with pytest.raises(ValueError, match="empty"):
        case_key(FHIR_ID, b"")
    assert KEY.match(case_key("\ud800", SECRET))  # a lone surrogate hashes, it does not crash


# --- the reader ------------------------------------------------------------------------------


def test_bundle_without_case_identifier_gets_the_keyed_pseudonym() -> None:
    by_default = bundle_to_case(ehr_bundle()).case
    assert by_default.case_id == _expected(LOCAL_CASE_KEY_SECRET)
    keyed = bundle_to_case(ehr_bundle(), case_key_secret=SECRET).case
    assert keyed.case_id == _expected(SECRET)
    assert keyed.patient.id == MRN  # the patient's own id stays the patient's id
    assert FHIR_ID not in keyed.case_id
    assert MRN not in keyed.case_id


def test_patient_without_identifier_is_keyed_by_its_resource_id() -> None:
    case = bundle_to_case(ehr_bundle(with_mrn=False), case_key_secret=SECRET).case
    assert case.case_id == case_key(patient_key("Patient", FHIR_ID), SECRET)
    assert FHIR_ID not in case.case_id


def test_patient_without_any_id_is_refused_rather_than_sharing_a_key() -> None:
    bundle = ehr_bundle(with_mrn=False)
    del _patient(bundle)["id"]
    with pytest.raises(CaseInputError) as caught:
        bundle_to_case(bundle, case_key_secret=SECRET)
    assert caught.value.issues[0].pointer == "/identifier"


def test_a_bundle_identifier_is_kept_so_round_trips_are_unchanged() -> None:
    native = load_case(EXAMPLE)
    assert bundle_to_case(case_to_bundle(native), case_key_secret=SECRET).case == native


# --- the registry's secret -------------------------------------------------------------------


def test_deployment_secret_is_made_once_and_survives_restarts(
    registry: Registry, store_url: Any
) -> None:
    secret = registry.case_key_secret()
    assert len(secret) == 32
    assert registry.case_key_secret() == secret
    with Registry.open(store_url) as restarted:  # another process, or after a restart
        assert restarted.case_key_secret() == secret
    made = registry.audit_log("test", target_type="secret")
    assert [(e.action, e.target_id, e.outcome) for e in made] == [
        ("create_secret", "fhir_case_key", "ok")
    ]


def test_processes_racing_to_make_the_secret_agree(registry: Registry, store_url: Any) -> None:
    start = threading.Barrier(4)
    opened = [Registry.open(store_url) for _ in range(4)]

    def first_use(r: Registry) -> bytes:
        start.wait()
        return r.case_key_secret()

    try:
        with ThreadPoolExecutor(4) as pool:
            found = set(pool.map(first_use, opened))
    finally:
        for r in opened:
            r.close()
    assert found == {registry.case_key_secret()}
    assert len(registry.audit_log("test", target_type="secret")) == 1


# --- the service -----------------------------------------------------------------------------


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, Registry, dict[str, str], FakeEhr]]:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    with Registry.open(db) as setup:
        tokens = {role: setup.create_token(f"{role}-1", role) for role in ("clinician", "admin")}
    ehr = FakeEhr()
    settings = Settings(db_url=db, cds_issuers=(CdsIssuer(iss=ISSUER, jwks=ehr.jwks),))
    app, reg = build_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, reg, tokens, ehr
    reg.close()


def _cds(client: TestClient, ehr: FakeEhr, prefetch: dict[str, Any], patient_id: str) -> Any:
    url = f"http://127.0.0.1:8000/cds-services/{SERVICE_ID}"
    body = hook_request(prefetch)
    body["context"]["patientId"] = patient_id
    return client.post(
        f"/cds-services/{SERVICE_ID}",
        json=body,
        headers={"authorization": f"Bearer {ehr.token(url)}"},
    )


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as raw:
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: raw.execute(f"SELECT * FROM {t}").fetchall() for t in tables}


def test_service_stores_fhir_cases_under_the_pseudonym_only(
    service: tuple[TestClient, Registry, dict[str, str], FakeEhr],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, reg, tokens, ehr = service
    caplog.set_level("DEBUG")
    fhir = {
        "authorization": f"Bearer {tokens['clinician']}",
        "content-type": "application/fhir+json",
    }
    body = json.dumps(ehr_bundle())

    created = client.post("/v1/cases", content=body, headers=fhir)
    assert created.status_code == 201, created.text
    key = created.json()["case_id"]
    assert key == _expected(reg.case_key_secret())
    assert created.headers["location"] == f"/v1/cases/{key}"
    # The same patient again (REST, stateless assess, CDS Hooks, UI import): the same case.
    assert client.post("/v1/cases", content=body, headers=fhir).status_code == 409
    assessed = client.post("/v1/assess", content=body, headers=fhir)
    assert assessed.json()["case_id"] == key
    wrong = _cds(client, ehr, _ehr_prefetch(), key)  # the guard compares the EHR's real ids
    assert wrong.status_code == 400
    card = _cds(client, ehr, _ehr_prefetch(), FHIR_ID)
    assert card.status_code == 200, card.text
    assert card.json()["cards"][0]["links"][0]["url"].endswith(f"/ui/cases/{key}")
    csrf = _sign_in(client, tokens["clinician"])
    imported = _upload(client, csrf, body.encode(), "bundle.json")
    assert imported.status_code == 409
    assert key in imported.text

    rows = _rows(tmp_path / "registry.sqlite3")
    assert [r[0] for r in rows["cases"]] == [key]
    assert FHIR_ID not in repr(rows)  # in no row of any table
    audit = reg.audit_log("test", limit=500)
    assert audit, "the run was audited"
    assert not [e for e in audit if FHIR_ID in repr(e) or MRN in repr(e)]
    for table, held in rows.items():  # the MRN only as the case's own patient id, by design
        if table not in ("cases", "case_versions"):
            assert MRN not in repr(held), table
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert FHIR_ID not in logged
    assert MRN not in logged
