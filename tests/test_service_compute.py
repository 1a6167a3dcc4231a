"""REST: stateless endpoints, errors as problem documents, limits and headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oligoguide.assess import assess
from oligoguide.model import load_case
from oligoguide.service import Settings, StartupRefusedError, create_app
from service_helpers import READER, client

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_healthz_is_public_and_names_the_kb_version() -> None:
    response = client(READER).get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["kb_version"]


def test_assess_gives_the_same_decision_as_the_cli_engine() -> None:
    path = EXAMPLES / "crc_oligoprogression.json"
    response = client().post(
        "/v1/assess", content=path.read_bytes(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    body = response.json()
    direct = assess(load_case(path))
    assert body["disease_state"] == direct.disease_state.value
    assert body["progressing_lesions"] == list(direct.progressing_lesions)
    assert [r["statement_id"] for r in body["recommendations"]] == [
        r.statement_id for r in direct.recommendations
    ]


def test_invalid_case_is_a_422_problem_naming_the_field() -> None:
    case = json.loads((EXAMPLES / "crc_oligoprogression.json").read_text())
    case["patient"]["ecog"] = 7
    response = client().post("/v1/assess", json=case)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["pointer"] == "/patient/ecog"


def test_malformed_json_is_a_400_problem() -> None:
    response = client().post(
        "/v1/assess", content=b'{"case_id": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed JSON"


def test_wrong_content_type_is_415() -> None:
    response = client().post("/v1/assess", content=b"x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_oversized_body_is_413() -> None:
    response = client(max_body_bytes=1000).post(
        "/v1/assess",
        content=b"{" + b" " * 5000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_tokens_are_required_once_any_exists() -> None:
    api = client(READER)
    assert api.get("/v1/kb").status_code == 401
    assert api.get("/v1/kb", headers={"authorization": "Bearer nope"}).status_code == 401
    ok = api.get("/v1/kb", headers={"authorization": "Bearer r-token"})
    assert ok.status_code == 200
    assert ok.json()["evidence"] > 0


def test_non_loopback_bind_without_tokens_refuses_to_start() -> None:
    from service_helpers import FakeTokens

    with pytest.raises(StartupRefusedError, match="without authentication"):
        create_app(Settings(host="0.0.0.0"), FakeTokens())


def test_dose_bed_matches_the_published_value() -> None:
    # 54 Gy in 3 fractions at alpha/beta 10: 54 * (1 + 18/10) = 151.2 Gy.
    response = client().post("/v1/dose/bed", json={"total_gy": 54, "fractions": 3})
    assert response.status_code == 200
    assert response.json()["bed_gy"] == 151.2


def test_dose_bad_input_names_the_field() -> None:
    response = client().post("/v1/dose/bed", json={"total_gy": -1, "fractions": 3})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/total_gy"


def test_security_headers_are_set() -> None:
    response = client().get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_rate_limit_answers_429() -> None:
    api = client(rate_limit_per_minute=3)
    codes = [api.get("/healthz").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[-1] == 429


def test_openapi_is_served() -> None:
    assert "/v1/assess" in client().get("/openapi.json").json()["paths"]


def test_ask_returns_a_cited_answer() -> None:
    response = client().post("/v1/ask", json={"question": "What BED do I need for lung SBRT?"})
    assert response.status_code == 200
    body = response.json()
    assert body["references"]
    assert any(s["citations"] for sec in body["answer"]["sections"] for s in sec["sentences"])


def test_ask_refuses_an_empty_question_naming_the_field() -> None:
    response = client().post("/v1/ask", json={"question": ""})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/question"
