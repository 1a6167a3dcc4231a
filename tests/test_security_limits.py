"""Request limits and safe parsing over HTTP: size limits with or without Content-Length, rate
limits per client, JSON only (XML refused, never parsed), hostile JSON refused with a 400."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.service.auth import Caller, Role
from service_helpers import client

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
JSON = {"content-type": "application/json"}
XXE = b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]><case>&e;</case>'


def _chunks(total: int, size: int = 64_000) -> Iterator[bytes]:
    yield b'{"pad": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}'


@pytest.mark.parametrize("path", ["/v1/assess", "/v1/dose/bed", f"/cds-services/{SERVICE_ID}"])
def test_a_chunked_body_over_the_limit_is_413_without_content_length(path: str) -> None:
    api = client(max_body_bytes=10_000, cds_allow_unauthenticated=True)
    response = api.post(path, content=_chunks(200_000), headers=JSON)
    assert response.status_code == 413
    assert response.json()["title"] == "Request body too large"


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    api = client(max_body_bytes=10_000)
    response = api.post("/v1/assess", content=b"{" + b" " * 20_000 + b"}", headers=JSON)
    assert response.status_code == 413


def test_a_body_at_the_limit_is_read() -> None:
    body = EXAMPLE.read_bytes()
    assert (
        client(max_body_bytes=len(body)).post("/v1/assess", content=body, headers=JSON).is_success
    )


def test_rate_limit_is_per_token_and_answers_a_problem_with_retry_after() -> None:
    tokens = {
        "tok-a-123456789": Caller("a", Role.READER),
        "tok-b-987654321": Caller("b", Role.READER),
    }
    api = client(tokens, rate_limit_per_minute=3)
    a = {"authorization": "Bearer tok-a-123456789"}
    b = {"authorization": "Bearer tok-b-987654321"}
    assert [api.get("/v1/kb", headers=a).status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/v1/kb", headers=a)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert api.get("/v1/kb", headers=b).status_code == 200  # another client is not starved


@pytest.mark.parametrize("kind", ["application/xml", "text/xml", "application/fhir+xml"])
def test_xml_bodies_are_refused_with_415(kind: str) -> None:
    response = client().post("/v1/assess", content=XXE, headers={"content-type": kind})
    assert response.status_code == 415
    assert "root:" not in response.text


def test_xml_sent_as_json_is_malformed_json_not_parsed_xml() -> None:
    response = client().post("/v1/assess", content=XXE, headers=JSON)
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed JSON"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"[" * 100_000, "nested too deeply"),  # was a 500 (RecursionError)
        (b'{"case_id": ' + b"9" * 5000 + b"}", "integer"),  # was a 500 (ValueError)
        (b'{"case_id": NaN}', "NaN"),
        (b'{"case_id": -Infinity}', "Infinity"),
        (b"\xff\xfe\x00", ""),
    ],
)
@pytest.mark.parametrize("kind", ["application/json", "application/fhir+json"])
def test_hostile_json_is_a_400_problem(raw: bytes, why: str, kind: str) -> None:
    response = client().post("/v1/assess", content=raw, headers={"content-type": kind})
    assert response.status_code == 400, response.text
    assert response.json()["title"] == "Malformed JSON"
    assert why in response.json()["detail"]


def test_hostile_json_to_cds_hooks_is_a_400_problem() -> None:
    api = client(cds_allow_unauthenticated=True)
    response = api.post(f"/cds-services/{SERVICE_ID}", content=b"[" * 100_000, headers=JSON)
    assert response.status_code == 400
