"""Issue 19: every mutated input is refused with its pointer or assessed with a warning that
names it; never a silent change (a plan from misread data is the worst failure)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from case_strategies_v2 import v2_cases
from misread_outcome import outcome
from mutations import MUTATIONS
from oligoguide.model import CaseInputError, case_from_data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v2_cases(), st.sampled_from(sorted(MUTATIONS)), st.integers(0, 10_000))
def test_a_mutated_case_is_refused_or_warned_never_read_silently(
    data: dict[str, Any], name: str, seed: int
) -> None:
    try:
        case_from_data(data)
    except CaseInputError:
        return  # only mutations of valid cases say something
    mutated = MUTATIONS[name](data, seed)
    if mutated is None:
        return
    text, pointer = mutated
    kind, detail = outcome(text, pointer)
    assert kind != "silent", (name, pointer, detail)
