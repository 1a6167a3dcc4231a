"""Schemathesis against the service's own OpenAPI, in process (ASGI, no network): zero 5xx over
every generated request, valid and invalid, on every operation. Bounded: a few examples per
operation, with a clinician token so the requests reach the handlers behind authentication.

Routes that read their body by hand (/v1/assess, /v1/cases) declare no body schema, so the
bodies they get are fuzzed here as well, from the case strategies (valid and broken)."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from case_strategies import cases
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry

EXAMPLES = Path(__file__).parent.parent / "examples"
_DB = Path(tempfile.mkdtemp(prefix="oligoguide-fuzz-")) / "registry.sqlite3"
with Registry.open(f"sqlite:///{_DB}") as _registry:
    TOKEN = _registry.create_token("fuzz", "clinician", actor="fuzz")
APP, REGISTRY = build_app(
    Settings(db_url=f"sqlite:///{_DB}", examples_dir=EXAMPLES, rate_limit_per_minute=1_000_000)
)
AUTH = {"authorization": f"Bearer {TOKEN}"}

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
FEW = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FEW
def test_no_operation_answers_5xx(case: schemathesis.Case[Any]) -> None:
    response = case.call(headers=AUTH)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    )


BODY_ROUTES = [("POST", "/v1/assess"), ("POST", "/v1/cases"), ("PUT", "/v1/cases/fuzz")]
CONTENT_TYPES = ["application/json", "application/fhir+json", "text/plain", "application/xml"]


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    valid = draw(cases())
    kind = draw(st.sampled_from(["valid", "broken", "json", "bytes"]))
    if kind == "valid":
        return json.dumps(valid).encode()
    if kind == "broken":
        data: dict[str, Any] = copy.deepcopy(valid)
        key = draw(st.sampled_from(sorted(data)))
        data[key] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=20), st.just([{}])))
        return json.dumps(data).encode()
    if kind == "json":
        return json.dumps(draw(st.from_type(dict[str, int | str | None]))).encode()
    return draw(st.binary(max_size=200))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(BODY_ROUTES), st.sampled_from(CONTENT_TYPES), bodies())
def test_hand_read_bodies_never_give_5xx(route: tuple[str, str], kind: str, body: bytes) -> None:
    method, path = route
    with TestClient(APP, raise_server_exceptions=False) as client:
        response = client.request(method, path, content=body, headers=AUTH | {"content-type": kind})
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 422:
        assert all("pointer" in e for e in response.json().get("errors", []))


def teardown_module() -> None:
    REGISTRY.close()
