"""CDS Hooks 2.0.1 models and cards: spec invariants and oligoguide's indicator policy."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError

pytest.importorskip("fhir.resources")

from oligoguide.assess import assess
from oligoguide.fhir import bundle_to_case, case_to_bundle
from oligoguide.fhir.cds_hooks import (
    PATIENT_VIEW_SERVICE,
    REQUIRED_PREFETCH,
    Card,
    CdsRequest,
    CdsResponse,
    FeedbackRequest,
    Source,
    assessment_to_cards,
    card_indicator,
    discovery,
    missing_prefetch,
    prefetch_to_bundle,
    shorten,
)
from oligoguide.model import load_case

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = sorted(EXAMPLES.glob("*.json"))
REPORT = "https://oligoguide.example/v1/cases/x/report.html"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cards_respect_the_spec_and_name_the_kb(path: Path) -> None:
    a = assess(load_case(path))
    cards = assessment_to_cards(a, REPORT)
    CdsResponse(cards=cards)  # validates as a response
    for card in cards:
        assert 0 < len(card.summary) <= 140
        assert card.indicator in {"info", "warning"}  # critical is reserved for never-events
        assert card.source.label == f"oligoguide {a.kb_version}"
        assert card.uuid
        assert uuid.UUID(card.uuid)
        assert card.links
        assert str(card.links[0].url) == REPORT
    assert cards[0].detail
    assert a.bottom_line in cards[0].detail


def test_indicator_by_state() -> None:
    by_case = {p.stem: card_indicator(assess(load_case(p))) for p in CASES}
    assert by_case["breast_polyprogression"] == "warning"
    assert by_case["renal_single_scan"] == "warning"  # insufficient data


def test_summary_is_shortened_at_a_word() -> None:
    text = "word " * 60
    short = shorten(text)
    assert len(short) <= 140
    assert short.endswith("…")
    with pytest.raises(ValidationError):
        Card(summary="x" * 141, indicator="info", source=Source(label="oligoguide"))
    with pytest.raises(ValidationError):
        Card.model_validate(
            {"summary": "ok", "indicator": "hard-stop", "source": {"label": "oligoguide"}}
        )


def test_discovery_lists_patient_view_with_prefetch() -> None:
    services = discovery().model_dump(exclude_none=True)["services"]
    assert services[0]["hook"] == "patient-view"
    assert services[0]["id"] == PATIENT_VIEW_SERVICE.id
    prefetch = services[0]["prefetch"]
    assert prefetch["patient"] == "Patient/{{context.patientId}}"
    assert "code=http://loinc.org|21889-1" in prefetch["tumorSizes"]
    assert set(REQUIRED_PREFETCH) <= set(prefetch)


def test_request_model_rules() -> None:
    good = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": "p1"},
    }
    CdsRequest.model_validate(good)
    with pytest.raises(ValidationError):
        CdsRequest.model_validate({**good, "hookInstance": "not-a-uuid"})
    auth = {
        "access_token": "t",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds",
    }
    with pytest.raises(ValidationError):  # fhirAuthorization needs fhirServer
        CdsRequest.model_validate({**good, "fhirAuthorization": auth})


def test_feedback_model() -> None:
    FeedbackRequest.model_validate(
        {
            "feedback": [
                {
                    "card": str(uuid.uuid4()),
                    "outcome": "overridden",
                    "overrideReason": {"reason": {"code": "patient-preference"}},
                    "outcomeTimestamp": "2024-05-13T10:00:00Z",
                }
            ]
        }
    )
    with pytest.raises(ValidationError):
        FeedbackRequest.model_validate(
            {"feedback": [{"card": "x", "outcome": "ignored", "outcomeTimestamp": "t"}]}
        )


def test_prefetch_to_bundle_round_trips_through_the_reader() -> None:
    native = load_case(EXAMPLES / "nsclc_egfr_brain_oligoprogression.json")
    resources = [e["resource"] for e in case_to_bundle(native)["entry"]]
    # Real EHRs answer with "Type/id" references; prefetch values are searchset Bundles.
    prefetch = {
        "patient": next(r for r in resources if r["resourceType"] == "Patient"),
        "conditions": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in resources if r["resourceType"] == "Condition"],
        },
        "everything": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in resources],
        },
        "ecog": None,
    }
    bundle = prefetch_to_bundle(prefetch)
    assert len(bundle["entry"]) == len(resources)
    # The references inside are urn:uuid ones; map them to Type/id as an EHR would.
    ids = {r["id"]: f"{r['resourceType']}/{r['id']}" for r in resources}
    text = __import__("json").dumps(bundle)
    for rid, target in ids.items():
        text = text.replace(f"urn:uuid:{rid}", target)
    reading = bundle_to_case(__import__("json").loads(text))
    assert reading.case.lesions == native.lesions
    assert assess(reading.case).disease_state == assess(native).disease_state
    assert missing_prefetch(prefetch) == ["tumors", "tumorSizes"]
