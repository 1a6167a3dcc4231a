"""No patient data in logs: a real server and the CLI run a case with a distinctive patient id
through every face (CLI, REST, search, CDS Hooks, refused input), and the id never appears in
anything they log or print to stderr, nor in the audit log."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx

from jwt_helpers import ISSUER, FakeEhr
from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.store import Registry
from server_process import oligoguide_command, running_server
from test_service_cds import ehr_prefetch, hook_request

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
PATIENT = "ZZ-PATIENT-7731-QX"  # appears nowhere but in the patient's own record
BIRTH = "1931-07-29"


def _case(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    data["case_id"] = "log-case-1"
    data["patient"]["id"] = PATIENT
    data["patient"]["birth_date"] = BIRTH
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    return data, path


def test_no_patient_identifier_reaches_any_log(tmp_path: Path) -> None:
    data, path = _case(tmp_path)
    ehr = FakeEhr()
    issuers = tmp_path / "issuers.json"
    issuers.write_text(json.dumps([{"iss": ISSUER, "jwks": ehr.jwks}]))
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    stderr = []

    cli = subprocess.run(
        [*oligoguide_command(), "assess", str(path)], capture_output=True, text=True, timeout=120
    )
    assert cli.returncode == 0
    stderr.append(cli.stderr)
    bad = json.loads(path.read_text())
    bad["patient"]["ecog"] = PATIENT  # the identifier in a field that is refused
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    refused = subprocess.run(
        [*oligoguide_command(), "assess", str(tmp_path / "bad.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "/patient/ecog" in refused.stderr
    stderr.append(refused.stderr)

    args = ["--db", db, "--cds-issuers", str(issuers)]
    with (
        running_server(args, tmp_path) as server,
        httpx.Client(base_url=server.url, timeout=60) as api,
    ):
        assert api.post("/v1/assess", json=data).status_code == 200
        assert api.post("/v1/cases", json=data).status_code == 201
        assert api.post("/v1/cases", json=data).status_code == 409
        assert api.get("/v1/cases", params={"q": PATIENT}).json()["total"] == 1
        assert api.get("/v1/cases/log-case-1").status_code == 200
        assert api.get("/v1/cases/log-case-1/report.html").status_code == 200
        assert api.post("/v1/assess", json=bad).status_code == 422
        assert api.put("/v1/cases/log-case-1", json=bad).status_code == 422
        prefetch = ehr_prefetch(path)
        url = f"{server.url}/cds-services/{SERVICE_ID}"
        auth = {"authorization": f"Bearer {ehr.token(url)}"}
        cds = api.post(url, json=hook_request(prefetch), headers=auth)
        assert cds.status_code == 200, cds.text
        replayed = api.post(url, json=hook_request(prefetch), headers=auth)
        assert replayed.status_code == 401
        server.stop()
        stderr.append(server.output())

    for text in stderr:
        assert PATIENT not in text
        assert BIRTH not in text
    with Registry.open(db) as registry:
        audit = registry.audit_log("log-test", limit=500)
        assert audit, "the run was audited"
        # The audit log holds ids only; a case read from FHIR has a keyed pseudonym as its id
        # (tests/test_fhir_case_key.py), so the patient's id is in no row.
        leaks = [row for row in audit if PATIENT in str(row)]
        assert leaks == []
