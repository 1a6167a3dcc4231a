"""RECIST 1.1 rules with hand-computed expectations (Eisenhauer et al., Eur J Cancer 2009)."""

from __future__ import annotations

from builders import case, lesion
from oligoguide.model.vocab import (
    IRecistResponse,
    NonTargetResponse,
    OverallResponse,
    TargetResponse,
)
from oligoguide.response import assess_response


def latest(c):  # type: ignore[no-untyped-def]
    return assess_response(c).timepoints[-1]


def test_sum_and_percentages_are_computed_against_baseline_and_nadir() -> None:
    # Baseline 60 + 40 = 100; scan 1: 30 + 20 = 50; scan 2: 36 + 26 = 62.
    tp = assess_response(case([lesion("A", [60, 30, 36]), lesion("B", [40, 20, 26])])).timepoints
    assert [t.sum_mm for t in tp] == [100, 50, 62]
    assert tp[1].change_from_baseline_pct == -50.0
    assert tp[2].baseline_sum_mm == 100
    assert tp[2].nadir_mm == 50
    assert tp[2].change_from_baseline_pct == -38.0
    assert tp[2].change_from_nadir_pct == 24.0


def test_19_percent_growth_is_not_progression() -> None:
    # 100 -> 119 mm: +19% (and +19 mm) is below the 20% threshold: stable disease.
    tp = latest(case([lesion("A", [100, 119])]))
    assert tp.target == TargetResponse.SD
    assert tp.overall == OverallResponse.SD


def test_20_percent_but_only_4_mm_is_not_progression() -> None:
    # 20 -> 24 mm is +20% but only +4 mm: the 5 mm absolute rule is not met.
    tp = latest(case([lesion("A", [20, 24])]))
    assert tp.change_from_nadir_pct == 20.0
    assert tp.target == TargetResponse.SD


def test_20_percent_and_5_mm_is_progression() -> None:
    # 25 -> 30 mm: +20% and +5 mm exactly: PD.
    assert latest(case([lesion("A", [25, 30])])).target == TargetResponse.PD


def test_progression_is_measured_from_the_nadir_not_the_baseline() -> None:
    # 100 -> 50 (PR) -> 62: still 38% below baseline, but +24% / +12 mm over the nadir 50: PD.
    tp = latest(case([lesion("A", [100, 50, 62])]))
    assert tp.change_from_baseline_pct == -38.0
    assert tp.target == TargetResponse.PD
    assert tp.overall == OverallResponse.PD


def test_partial_response_needs_30_percent_decrease_from_baseline() -> None:
    assert latest(case([lesion("A", [100, 70])])).target == TargetResponse.PR
    assert latest(case([lesion("A", [100, 71])])).target == TargetResponse.SD


def test_a_new_lesion_alone_is_progression() -> None:
    c = case([lesion("A", [40, 40]), lesion("N", [12], "lung", target=False, first_scan=1)])
    tp = latest(c)
    assert tp.target == TargetResponse.SD
    assert tp.new_lesions == ("N",)
    assert tp.overall == OverallResponse.PD


def test_an_equivocal_new_lesion_is_not_yet_progression() -> None:
    c = case(
        [
            lesion("A", [40, 40]),
            lesion("N", [6], "lung", target=False, first_scan=1, equivocal=True),
        ]
    )
    assert latest(c).overall == OverallResponse.SD


def test_node_under_10_mm_short_axis_counts_as_normal_for_complete_response() -> None:
    # Target node 20 -> 9 mm short axis and a liver target gone: CR although the sum is 9 mm.
    c = case([lesion("N", [20, 9], "lymph_node", node=True), lesion("A", [30, 0])])
    tp = latest(c)
    assert tp.sum_mm == 9
    assert tp.target == TargetResponse.CR
    assert tp.overall == OverallResponse.CR


def test_node_of_12_mm_short_axis_is_still_pathological_so_not_complete_response() -> None:
    # RECIST 1.1: nodes of 10 to <15 mm are pathological; only <10 mm is normal.
    # 20 + 30 = 50 -> 12 + 0 = 12: -76% is PR, not CR.
    c = case([lesion("N", [20, 12], "lymph_node", node=True), lesion("A", [30, 0])])
    assert latest(c).target == TargetResponse.PR


def test_unequivocal_progression_of_a_non_target_is_progression() -> None:
    c = case(
        [
            lesion("A", [40, 38]),
            lesion("P", ["present", "unequivocal_progression"], "peritoneum", target=False),
        ]
    )
    tp = latest(c)
    assert tp.non_target == NonTargetResponse.PD
    assert tp.overall == OverallResponse.PD


def test_target_not_measured_makes_the_time_point_not_evaluable_never_a_silent_pr() -> None:
    # A 40 + B 40 = 80; follow-up measures A only (40): not -50% PR but NE.
    c = case([lesion("A", [40, 40]), lesion("B", [40, None], "lung")])
    tp = latest(c)
    assert tp.target == TargetResponse.NE
    assert tp.overall == OverallResponse.NE
    assert tp.sum_mm is None


def test_progression_can_be_called_with_a_target_unmeasured() -> None:
    # A 40 -> 60 alone already exceeds the nadir sum 80 + 20%? No: 60 < 96. Use A 40 -> 100:
    # 100 >= 80 * 1.2 and +20 mm, so PD whatever B measures.
    c = case([lesion("A", [40, 100]), lesion("B", [40, None], "lung")])
    assert latest(c).target == TargetResponse.PD


def test_complete_target_response_with_non_target_present_is_partial_response() -> None:
    c = case([lesion("A", [30, 0]), lesion("P", ["present", "present"], "bone", target=False)])
    tp = latest(c)
    assert tp.target == TargetResponse.CR
    assert tp.non_target == NonTargetResponse.NON_CR_NON_PD
    assert tp.overall == OverallResponse.PR


def test_non_target_disease_only() -> None:
    c = case([lesion("P", ["present", "present"], "bone", target=False)])
    assert latest(c).overall == OverallResponse.NON_CR_NON_PD


def test_too_small_to_measure_counts_as_5_mm() -> None:
    c = case([lesion("A", [30, "too_small_to_measure"])])
    tp = latest(c)
    assert tp.sum_mm == 5
    assert tp.target == TargetResponse.PR


def test_reappearance_from_zero_nadir_is_progression_by_the_5_mm_rule() -> None:
    c = case([lesion("A", [30, 0, 6])])
    assert latest(c).target == TargetResponse.PD


def test_targets_are_selected_automatically_when_none_flagged() -> None:
    lesions = [lesion(f"L{i}", [20 + i, 20 + i], "liver", target=False) for i in range(4)]
    lesions += [lesion("Q", [9, 9], "lung", target=False)]  # <10 mm: not measurable
    r = assess_response(case(lesions))
    assert set(r.target_ids) == {"L3", "L2"}  # at most 2 per organ, the largest
    assert any("selected automatically" in w for w in r.warnings)


def test_selection_rule_violations_are_warnings_not_errors() -> None:
    lesions = [lesion(f"L{i}", [20, 20], "liver") for i in range(3)]
    lesions += [lesion(f"M{i}", [20, 20], "lung") for i in range(2)]
    lesions += [lesion("S", [8, 8], "bone"), lesion("N", [12, 12], "lymph_node", node=True)]
    warnings = " | ".join(assess_response(case(lesions)).warnings)
    assert "7 target lesions" in warnings
    assert "3 target lesions in liver" in warnings
    assert "S is 8 mm" in warnings
    assert "N is 12 mm (short axis)" in warnings


def test_previously_irradiated_target_is_flagged() -> None:
    c = case(
        [lesion("A", [30, 30])],
        local_treatments=[
            {
                "lesion_id": "A",
                "modality": "sbrt",
                "date": "2023-06-01",
                "total_dose_gy": 54,
                "fractions": 3,
            }
        ],
    )
    r = assess_response(c)
    assert any("previously irradiated" in w for w in r.warnings)
    assert r.lesion("A").irradiated


def test_immunotherapy_first_progression_is_unconfirmed_then_confirmed() -> None:
    # 50 -> 40 -> 60 (PD: +50% / +20 mm): iUPD; -> 66 (+6 mm more): iCPD.
    c = case(
        [lesion("A", [50, 40, 60, 66])], therapy=["pembrolizumab"], therapy_class="immunotherapy"
    )
    tp = assess_response(c).timepoints
    assert tp[2].irecist == IRecistResponse.IUPD
    assert tp[3].irecist == IRecistResponse.ICPD


def test_iupd_without_further_growth_stays_unconfirmed() -> None:
    c = case(
        [lesion("A", [50, 40, 60, 62])], therapy=["pembrolizumab"], therapy_class="immunotherapy"
    )
    assert assess_response(c).timepoints[3].irecist == IRecistResponse.IUPD


def test_clinical_deterioration_confirms_progression_on_immunotherapy() -> None:
    c = case(
        [lesion("A", [50, 40, 60])],
        therapy=["nivolumab"],
        therapy_class="immunotherapy",
        clinically_deteriorating=True,
    )
    assert latest(c).irecist == IRecistResponse.ICPD


def test_no_irecist_label_off_immunotherapy() -> None:
    assert latest(case([lesion("A", [50, 40, 60])])).irecist is None
