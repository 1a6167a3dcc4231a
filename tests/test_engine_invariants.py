"""The engine on arbitrary valid cases: it never raises and its safety invariants always hold."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from case_strategies import cases
from case_strategies_v2 import v2_cases
from oligoguide.assess import Assessment, assess
from oligoguide.model import CaseInputError, case_from_data
from oligoguide.model.vocab import (
    ABLATIVE_MODALITIES,
    DiseaseState,
    Intent,
    LocalModality,
    RecommendationCategory,
    SystemicAction,
    Timing,
)


def _ablative(a: Assessment) -> list[Any]:
    """Local lines meant to destroy a lesion (palliative radiotherapy for symptoms is not)."""
    return [
        r
        for r in a.recommendations
        if r.category == RecommendationCategory.LOCAL_THERAPY
        and r.modality in ABLATIVE_MODALITIES
        and r.intent != Intent.PALLIATIVE
    ]


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
        assert not _ablative(a)
    if a.disease_state == DiseaseState.INSUFFICIENT_DATA:
        assert a.missing_data
    refs = {r.id: r for r in a.references}
    for rec in a.recommendations:
        assert rec.citations
        assert all(refs[c].doi or refs[c].pmid for c in rec.citations)
        if rec.modality in (LocalModality.SBRT, LocalModality.SRS):
            assert rec.dose is not None or "dose not sized here" in rec.text
        assert rec.lesion_id is None or rec.lesion_id in ids


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v2_cases())
def test_engine_invariants_hold_on_any_valid_v2_case(data: dict[str, Any]) -> None:
    """Every v2 item present or not (groups, symptoms, primary status, drugs...): the engine
    never raises, and the gates of issue 18 hold."""
    try:
        case = case_from_data(data)
    except CaseInputError:
        return
    a = assess(case)
    ecog = case.patient.ecog
    if ecog is not None and ecog >= 3:
        assert all(str(r.timing) not in ("now", "urgent") for r in _ablative(a) if r.lesion_id)
    if a.disease_state == DiseaseState.POLYPROGRESSION:
        assert not _ablative(a)
    local = [r for r in a.recommendations if r.category == RecommendationCategory.LOCAL_THERAPY]
    assert all(r.timing is not None for r in local)
    urgent = [i for i, r in enumerate(local) if r.timing == Timing.URGENT]
    assert urgent == list(range(len(urgent)))  # emergencies lead the plan
    thermal = {LocalModality.RFA, LocalModality.MWA, LocalModality.CRYOABLATION}
    for r in local:
        offered = {r.modality, *r.alternatives} & thermal
        t = next((x for x in a.lesions if x.id == r.lesion_id), None)
        if offered and t is not None and t.site == "liver":
            # COLLISION enrolled liver metastases up to 3 cm: every alternative obeys it
            assert t.latest_mm is not None
            assert t.latest_mm <= 30
