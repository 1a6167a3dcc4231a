"""LQ arithmetic against published worked values, and properties of the formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oligoguide.dose import DoseInputError, bed, cumulative_eqd2, eqd2, isoeffective_total_dose


# Expected values written from the formula and the cited publications, not from code output:
# 54 Gy/3 -> BED10 151.2 (18*3*(1+18/10)); 48 Gy/4 -> 105.6 and 60 Gy/8 -> 105 (Shirata 2012,
# doi 10.1186/1748-717X-7-182); 20 Gy/5 at alpha/beta 3 -> EQD2 20*(4+3)/(2+3) = 28.0.
@pytest.mark.parametrize(
    ("total", "fractions", "expected"),
    [(54, 3, 151.2), (48, 4, 105.6), (60, 8, 105.0), (60, 15, 84.0), (50, 5, 100.0)],
)
def test_bed10_published_values(total: float, fractions: int, expected: float) -> None:
    assert bed(total, fractions, 10) == pytest.approx(expected)


def test_eqd2_20gy_5fx_alpha_beta_3() -> None:
    assert eqd2(20, 5, 3) == pytest.approx(28.0)


def test_eqd2_54gy_3fx_alpha_beta_10() -> None:
    # 151.2 / 1.2 = 126.0
    assert eqd2(54, 3, 10) == pytest.approx(126.0)


def test_isoeffect_known_value() -> None:
    # 2 Gy x 30 at alpha/beta 10: BED 72; in 1 fraction d^2 + 10 d - 720 = 0 -> d = 22.2 (approx.)
    d = (-10 + math.sqrt(100 + 4 * 10 * 72)) / 2
    assert isoeffective_total_dose(60, 30, 1, 10) == pytest.approx(d)


def test_cumulative_eqd2_sums_courses() -> None:
    # 30 Gy/10 at alpha/beta 2: BED 75, EQD2 37.5; 18 Gy/3: BED 72, EQD2 36 -> 73.5
    assert cumulative_eqd2([(30, 10), (18, 3)], 2) == pytest.approx(73.5)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((0, 3, 10), "total_gy"),
        ((-5, 3, 10), "total_gy"),
        ((float("nan"), 3, 10), "total_gy"),
        ((54, 0, 10), "fractions"),
        ((54, -1, 10), "fractions"),
        ((54, 3, 0), "alpha_beta"),
        ((54, 3, -3), "alpha_beta"),
    ],
)
def test_bad_input_names_the_field(args: tuple[float, int, float], field: str) -> None:
    with pytest.raises(DoseInputError) as caught:
        bed(*args)
    assert caught.value.field == field
    assert str(caught.value).startswith(field)


def test_fraction_count_must_be_whole() -> None:
    with pytest.raises(DoseInputError, match="fractions"):
        bed(54, 2.5, 10)  # type: ignore[arg-type]


def test_cumulative_needs_a_course() -> None:
    with pytest.raises(DoseInputError, match="courses"):
        cumulative_eqd2([], 3)


doses = st.floats(min_value=0.1, max_value=30, allow_nan=False)
counts = st.integers(min_value=1, max_value=40)
ratios = st.floats(min_value=0.5, max_value=20, allow_nan=False)


@given(d1=doses, d2=doses, n=counts, ab=ratios)
def test_bed_monotone_in_dose_per_fraction(d1: float, d2: float, n: int, ab: float) -> None:
    low, high = sorted((d1, d2))
    assert bed(low * n, n, ab) <= bed(high * n, n, ab)


@given(n=counts, ab=ratios)
def test_eqd2_of_2gy_fractions_is_physical_dose(n: int, ab: float) -> None:
    assert eqd2(2.0 * n, n, ab) == pytest.approx(2.0 * n)


@given(total=st.floats(min_value=1, max_value=80), n1=counts, n2=counts, ab=ratios)
def test_isoeffect_round_trip(total: float, n1: int, n2: int, ab: float) -> None:
    converted = isoeffective_total_dose(total, n1, n2, ab)
    assert bed(converted, n2, ab) == pytest.approx(bed(total, n1, ab))
    assert isoeffective_total_dose(converted, n2, n1, ab) == pytest.approx(total)
