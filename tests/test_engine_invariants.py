"""The engine on arbitrary valid cases: it never raises and its safety invariants always hold."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from case_strategies import cases
from oligoguide.assess import assess
from oligoguide.model import CaseInputError, case_from_data
from oligoguide.model.vocab import (
    DiseaseState,
    LocalModality,
    RecommendationCategory,
    SystemicAction,
)

ABLATIVE = set(LocalModality) - {LocalModality.OBSERVATION}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engine_invariants_hold_on_any_valid_case(data: dict[str, Any]) -> None:
    try:
        case = case_from_data(data)
    except CaseInputError:
        return  # the generator can produce a contradiction (e.g. absent with a size); fine
    a = assess(case)
    ids = {lesion.id for lesion in case.lesions}
    assert set(a.progressing_lesions) <= ids
    if a.disease_state == DiseaseState.OLIGOPROGRESSION:
        assert 1 <= len(a.progressing_lesions) <= 5
        assert all(r.action != SystemicAction.SWITCH for r in a.recommendations)
    if a.disease_state == DiseaseState.POLYPROGRESSION:
        assert not [
            r
            for r in a.recommendations
            if r.category == RecommendationCategory.LOCAL_THERAPY and r.modality in ABLATIVE
        ]
    if a.disease_state == DiseaseState.INSUFFICIENT_DATA:
        assert a.missing_data
    refs = {r.id: r for r in a.references}
    for rec in a.recommendations:
        assert rec.citations
        assert all(refs[c].doi or refs[c].pmid for c in rec.citations)
        if rec.modality in (LocalModality.SBRT, LocalModality.SRS):
            assert rec.dose is not None or "dose not sized here" in rec.text
        assert rec.lesion_id is None or rec.lesion_id in ids
