"""Organ-at-risk checks and re-irradiation, with limits from the published tables."""

from __future__ import annotations

import pytest

from oligoguide.dose import DoseInputError, DosePoint, PriorCourse, check_constraints


def point(organ: str, metric: str, value: float) -> DosePoint:
    return DosePoint(organ=organ, metric=metric, value_gy=value)


def test_pass_and_fail_against_tg101() -> None:
    report = check_constraints(
        54, 3, [point("stomach", "D10cc", 20), point("spinal_cord", "Dmax", 21.9)]
    )
    stomach, cord = report.results
    assert (stomach.status, stomach.limit_gy, stomach.source) == (
        "fail",
        16.5,
        "benedict_2010_tg101",
    )
    assert (cord.status, cord.limit_gy) == ("pass", 21.9)  # equal to the limit passes
    assert not report.all_passed
    assert report.bed10 == pytest.approx(151.2)


def test_all_pass() -> None:
    report = check_constraints(None, 5, [point("esophagus", "D5cc", 19.0)])
    assert report.all_passed
    assert report.bed10 is None


def test_fraction_count_without_published_limit() -> None:
    report = check_constraints(48, 4, [point("stomach", "D10cc", 5)])
    (result,) = report.results
    assert result.status == "no_sourced_limit"
    assert result.limit_gy is None
    assert not report.all_passed


def test_unverified_limit_is_surfaced() -> None:
    report = check_constraints(54, 3, [point("lung", "CV1500cc", 8)])
    assert report.unverified_limits == ("lung CV1500cc (3 fx)",)


def test_reirradiation_thecal_sac_cumulative_eqd2() -> None:
    # 30 Gy/10 earlier (EQD2 37.5 at alpha/beta 2) + 18 Gy/3 now (EQD2 36) = 73.5 > 70 Gy (HyTEC)
    prior = PriorCourse(fractions=10, months_since=12, points=(point("thecal_sac", "Dmax", 30),))
    report = check_constraints(27, 3, [point("thecal_sac", "Dmax", 18)], [prior])
    (result,) = report.results
    assert result.status == "pass"  # within the single-course limit of 20.3 Gy
    assert result.reirradiation
    assert report.reirradiation
    assert result.cumulative_eqd2_gy == pytest.approx(73.5)
    assert result.cumulative_limit_eqd2_gy == 70.0
    assert result.cumulative_status == "fail"
    assert result.cumulative_source == "sahgal_2019_hytec_cord"
    assert not report.all_passed


def test_reirradiation_within_cumulative_limit_with_short_interval() -> None:
    # 20 Gy/5 earlier: BED 20*(1+4/2) = 60, EQD2 30; 9 Gy/3 now: BED 9*2.5 = 22.5, EQD2 11.25
    prior = PriorCourse(fractions=5, months_since=3, points=(point("thecal_sac", "Dmax", 20),))
    report = check_constraints(24, 3, [point("thecal_sac", "Dmax", 9)], [prior])
    (result,) = report.results
    assert result.cumulative_eqd2_gy == pytest.approx(41.25)
    assert result.cumulative_status == "pass"
    assert any("3 months" in c for c in result.cautions)


def test_reirradiation_without_sourced_cumulative_limit() -> None:
    prior = PriorCourse(fractions=25, points=(point("esophagus", "Dmax", 50),))
    report = check_constraints(50, 5, [point("esophagus", "Dmax", 30)], [prior])
    (result,) = report.results
    assert result.reirradiation
    assert result.cumulative_status == "no_sourced_limit"
    assert result.alpha_beta_gy == 3.0
    assert not report.all_passed


def test_prior_dose_to_other_metric_flags_reirradiation_only() -> None:
    prior = PriorCourse(fractions=10, points=(point("stomach", "Dmax", 30),))
    report = check_constraints(50, 5, [point("stomach", "D10cc", 10)], [prior])
    (result,) = report.results
    assert result.reirradiation
    assert result.cumulative_eqd2_gy is None
    assert report.cautions  # the unmatched prior point is reported


@pytest.mark.parametrize(
    ("points", "field"),
    [
        ([point("spleen", "Dmax", 3)], "/points/0/organ"),
        ([point("stomach", "D0.5cc", 20)], "/points/0/metric"),
    ],
)
def test_unknown_organ_or_metric(points: list[DosePoint], field: str) -> None:
    with pytest.raises(DoseInputError) as caught:
        check_constraints(50, 5, points)
    assert caught.value.field == field


def test_bad_fractions_and_empty_points() -> None:
    with pytest.raises(DoseInputError, match="fractions"):
        check_constraints(50, 0, [point("stomach", "Dmax", 3)])
    with pytest.raises(DoseInputError, match="points"):
        check_constraints(50, 5, [])
