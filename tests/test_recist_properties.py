"""Property tests of the RECIST arithmetic (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oligoguide.model import case_from_data
from oligoguide.model.vocab import TargetResponse
from oligoguide.response import assess_response
from oligoguide.response.arithmetic import is_progression, percent_change

sizes = st.floats(min_value=0, max_value=300, allow_nan=False).map(lambda x: round(x, 1))


@given(sizes, sizes)
def test_progression_needs_both_20_percent_and_5_mm(nadir: float, value: float) -> None:
    expected = value - nadir >= 5 and (nadir == 0 or value >= nadir * 1.2 - 1e-9)
    assert is_progression(value, nadir) == expected


@given(sizes.filter(lambda x: x > 0), sizes)
def test_percent_change_sign_matches_direction(reference: float, value: float) -> None:
    pct = percent_change(value, reference)
    assert pct is not None
    assert (pct > 0) == (round((value - reference) / reference * 100, 1) > 0)


def _case(series: list[list[float]]) -> dict:  # type: ignore[type-arg]
    dates = [f"2024-0{i + 1}-01" for i in range(len(series[0]))]
    return {
        "case_id": "p",
        "patient": {"id": "p"},
        "cancer": {"primary_site": "other"},
        "lesions": [
            {
                "id": f"L{i}",
                "site": "liver" if i < 2 else "lung",
                "target": True,
                "measurements": [
                    {"date": d, "diameter_mm": v} for d, v in zip(dates, s, strict=True)
                ],
            }
            for i, s in enumerate(series)
        ],
    }


lesion_series = st.lists(st.lists(sizes, min_size=3, max_size=3), min_size=1, max_size=4)


@given(lesion_series)
def test_sum_is_the_sum_of_targets_and_order_does_not_matter(series: list[list[float]]) -> None:
    forward = assess_response(case_from_data(_case(series))).timepoints
    backward = assess_response(case_from_data(_case(series[::-1]))).timepoints
    for i, tp in enumerate(forward):
        assert tp.sum_mm is not None
        assert abs(tp.sum_mm - sum(s[i] for s in series)) < 1e-6
    assert [t.target for t in forward] == [t.target for t in backward]


@given(lesion_series)
def test_nadir_is_the_running_minimum_of_earlier_sums(series: list[list[float]]) -> None:
    tps = assess_response(case_from_data(_case(series))).timepoints
    sums = [sum(s[i] for s in series) for i in range(3)]
    assert tps[1].nadir_mm is not None
    assert abs(tps[1].nadir_mm - sums[0]) < 1e-6
    assert tps[2].nadir_mm is not None
    assert abs(tps[2].nadir_mm - min(sums[:2])) < 1e-6
    if is_progression(sums[2], min(sums[:2])):
        assert tps[2].target == TargetResponse.PD
