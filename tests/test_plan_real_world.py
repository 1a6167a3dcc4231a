"""The engine on the shapes real cases have (issue 18): one or more tests per cause.

Each expectation is taken from the source named in its comment, not from the engine's output.
"""

from __future__ import annotations

import datetime as dt

from builders import ablative_now as _ablative_now
from builders import case, lesion, scan
from builders import local_lines as _local
from oligoguide.assess import Assessment, assess
from oligoguide.model import case_from_data
from oligoguide.model.vocab import RecommendationCategory


def _lead_action(a: Assessment) -> str | None:
    systemic = [r for r in a.recommendations if r.category == RecommendationCategory.SYSTEMIC]
    return None if not systemic else str(systemic[0].action)


def _codes(a: Assessment) -> set[str]:
    return {str(r.code) for r in a.recommendations if r.code is not None}


def _day(i: int, days: int) -> str:
    return (dt.date.fromisoformat(scan(i)) + dt.timedelta(days=days)).isoformat()


# Cause 1. RECIST 1.1 (Eisenhauer 2009): the studies of one restaging are one time point; a new
# lesion found on any of them is progression at that time point.
def test_a_brain_mri_three_days_before_the_ct_is_the_same_time_point() -> None:
    data = case(
        [
            lesion("L1", [30, 20, 21], site="lung", lung_zone="peripheral"),
            lesion("L2", [18, 12, 12], site="liver"),
        ],
        primary="nsclc",
        therapy=["osimertinib"],
        therapy_class="targeted",
    ).model_dump(mode="json")
    data["lesions"].append(
        {"id": "B1", "site": "brain", "measurements": [{"date": _day(2, -3), "diameter_mm": 8}]}
    )
    data["imaging"] = [
        {"date": scan(0), "modality": "CT", "regions": ["chest", "abdomen", "pelvis"]},
        {"date": scan(1), "modality": "CT", "regions": ["chest", "abdomen", "pelvis"]},
        {"date": _day(2, -3), "modality": "MRI", "regions": ["brain"]},
        {"date": scan(2), "modality": "CT", "regions": ["chest", "abdomen", "pelvis"]},
    ]
    a = assess(case_from_data(data))
    assert len(a.response.timepoints) == 3  # not 4: the MRI joins the CT's time point
    assert a.progressing_lesions == ("B1",)
    assert _local(a, "B1"), "the new brain lesion must get a plan line"
    assert any(e.rule == "timepoint_grouping" for e in a.explanations)


def test_a_new_lesion_not_reimaged_stays_on_the_record() -> None:
    # RECIST 1.1: once unequivocal, a new lesion is progression; not imaging it again does not
    # make it go away (the issue: kept until treated or resolved).
    c = case(
        [
            lesion("L1", [30, 20, 20, 20], site="lung", lung_zone="peripheral"),
            lesion("B1", [9, None], site="brain", target=False, first_scan=2),
        ],
        primary="nsclc",
        therapy=["osimertinib"],
        therapy_class="targeted",
    )
    a = assess(c)
    assert "B1" in a.progressing_lesions
    assert _local(a, "B1")


# Cause 2. De novo synchronous oligometastatic NSCLC: systemic therapy first (FLAURA, ESMO 2023),
# local consolidation after response (Gomez 2016/2019; EORTC, Dingemans 2019).
def test_de_novo_egfr_nsclc_starts_osimertinib_and_defers_local_therapy() -> None:
    c = case(
        [
            lesion("P1", [42], site="lung", primary=True, lung_zone="peripheral"),
            lesion("L2", [15], site="adrenal"),
        ],
        primary="nsclc",
        therapy_start=None,
        cancer={
            "primary_site": "nsclc",
            "diagnosis_date": scan(0),
            "metastases_timing": "synchronous",
            "biomarkers": [{"name": "EGFR", "status": "positive", "detail": "exon 19 deletion"}],
        },
    )
    a = assess(c)
    assert _lead_action(a) == "start"
    assert "osimertinib" in a.bottom_line.lower() or any(
        "osimertinib" in r.text.lower() for r in a.recommendations
    )
    assert not _ablative_now(a)
    assert all(str(r.timing) == "after_systemic_response" for r in _local(a, "L2"))
    assert any(e.rule == "gate.de_novo" for e in a.explanations)  # the assessment says why


# Cause 3. ECOG 3-4: outside the trials of ablative therapy (SABR-COMET ECOG 0-1); supportive care.
def test_ecog_3_gets_supportive_care_and_no_ablation() -> None:
    c = case(
        [lesion("L1", [20, 14, 22], site="liver"), lesion("L2", [15, 10, 10], site="lung")],
        patient={"id": "P1", "birth_date": "1950-01-01", "ecog": 3},
    )
    a = assess(c)
    assert _lead_action(a) == "best_supportive_care"
    assert not _ablative_now(a)
    assert _local(a, "L1"), "every progressing lesion keeps a line (treat if symptomatic)"


def test_ecog_2_carries_a_caution() -> None:
    c = case(
        [lesion("L1", [20, 14, 22], site="liver"), lesion("L2", [15, 10, 10], site="lung")],
        patient={"id": "P1", "birth_date": "1950-01-01", "ecog": 2},
    )
    a = assess(c)
    assert any(r.rule == "caution.ecog_2" for r in a.recommendations)


# Cause 4. iRECIST (Seymour 2017): unconfirmed progression on immunotherapy is confirmed 4-8 weeks
# later before any change, unless the patient deteriorates.
def test_iupd_defers_ablation_and_keeps_the_immunotherapy() -> None:
    c = case(
        [
            lesion("L1", [30, 20, 26], site="lung", lung_zone="peripheral"),
            lesion("L2", [None, None, 12], site="adrenal", target=False),
        ],
        primary="melanoma",
        therapy=["pembrolizumab"],
        therapy_class="immunotherapy",
    )
    a = assess(c)
    assert _lead_action(a) == "continue"
    assert not _ablative_now(a)
    assert "confirmatory_scan" in _codes(a)


# PCWG3 (Scher 2016): new bone lesions on the first scan after starting therapy may be flare.
def test_prostate_new_bone_lesions_on_the_first_scan_are_possible_flare() -> None:
    c = case(
        [
            lesion("L1", [20, 18], site="lymph_node", node=True),
            lesion("B1", [None, 10], site="bone", target=False),
            lesion("B2", [None, 8], site="bone", target=False),
        ],
        primary="prostate",
        therapy=["enzalutamide"],
        therapy_class="hormonal",
    )
    a = assess(c)
    assert not _ablative_now(a)
    assert _lead_action(a) == "continue"


# Cause 5. COLLISION enrolled liver metastases up to 3 cm: ablation is not offered above that,
# as lead or as alternative.
def test_no_thermal_ablation_for_a_4_cm_liver_lesion_even_as_alternative() -> None:
    c = case([lesion("L1", [30, 25, 42], site="liver"), lesion("L2", [20, 15, 15], site="lung")])
    a = assess(c)
    for r in _local(a, "L1"):
        assert "rfa" not in {str(m) for m in (r.modality, *r.alternatives)}
        assert "mwa" not in {str(m) for m in (r.modality, *r.alternatives)}
    assert any(e.rule == "filter.modality_limits" and e.lesion_id == "L1" for e in a.explanations)


# Cause 6. Bevacizumab: the label's 28 days, about 6 weeks before hepatectomy in practice.
def test_bevacizumab_close_to_surgery_is_flagged() -> None:
    c = case(
        [lesion("L1", [20, 14, 22], site="liver"), lesion("L2", [15, 10, 10], site="lung")],
        therapy=["FOLFOX", "bevacizumab"],
    )
    data = c.model_dump(mode="json")
    data["systemic_therapies"][0]["last_doses"] = [{"agent": "bevacizumab", "date": _day(2, -10)}]
    a = assess(case_from_data(data))
    assert any(r.rule == "caution.antivegf_surgery" for r in a.recommendations)


# Cause 7. An intact colorectal primary is managed by its own guideline (ESMO mCRC 2023).
def test_intact_rectal_primary_is_not_sbrt_as_one_more_lesion() -> None:
    c = case(
        [
            lesion("P1", [40, 38, 50], site="colorectum", primary=True),
            lesion("L1", [20, 15, 15], site="liver"),
        ],
        primary_tumour={"status": "in_situ", "lesion_id": "P1", "symptoms": ["bleeding"]},
    )
    a = assess(c)
    assert all(str(r.modality) != "sbrt" for r in _local(a, "P1"))
    assert _local(a, "P1")


# Cause 8. Suspected cord compression is an emergency and leads the plan (Patchell 2005, NICE).
def test_cord_compression_leads_the_plan() -> None:
    c = case(
        [
            lesion("S1", [15, 15, 22], site="spine", symptoms=["spinal_cord_compression"]),
            lesion("L1", [20, 15, 15], site="liver"),
        ]
    )
    a = assess(c)
    first_local = next(
        r for r in a.recommendations if r.category == RecommendationCategory.LOCAL_THERAPY
    )
    assert first_local.lesion_id == "S1"
    assert str(first_local.timing) == "urgent"
    assert a.bottom_line.startswith("URGENT")
    assert "spine_mri" in _codes(a)


def test_painful_bone_lesion_gets_palliative_rt_even_in_polyprogression() -> None:
    lesions = [lesion(f"L{i}", [15, 12, 20], site="liver") for i in range(6)]
    lesions.append(lesion("B1", [12, 12, 12], site="bone", target=False, symptoms=["pain"]))
    a = assess(case(lesions))
    assert a.disease_state == "polyprogression"
    lines = _local(a, "B1")
    assert lines
    assert str(lines[0].modality) == "conventional_rt"


def test_leptomeningeal_disease_gets_neuraxis_imaging_and_no_srs() -> None:
    c = case(
        [
            lesion("L1", [20, 15, 15], site="lung", lung_zone="peripheral"),
            lesion("M1", [None, None, "present"], site="leptomeninges", target=False),
        ],
        primary="breast",
    )
    a = assess(c)
    assert {"neuraxis_mri", "csf_cytology"} <= _codes(a)
    assert all(str(r.modality) != "srs" for r in _local(a, "M1"))


# Cause 9. Ultracentral lesions: never the peripheral 1-3 fraction schedules (Timmerman 2006;
# HILUS, Lindberg 2021).
def test_ultracentral_lung_lesion_gets_no_short_schedule_and_a_caution() -> None:
    c = case(
        [
            lesion("L1", [20, 14, 22], site="lung", lung_zone="ultracentral"),
            lesion("L2", [20, 15, 15], site="liver"),
        ]
    )
    a = assess(c)
    for r in _local(a, "L1"):
        assert r.dose is None or r.dose.fractions >= 8
    assert any(r.rule == "caution.ultracentral" for r in a.recommendations)


# Cause 10. Work-up: vertebral lesions get spine MRI; CRC gets CEA; liver resection gets FLR.
def test_work_up_covers_spine_marker_and_liver_remnant() -> None:
    c = case([lesion("L1", [20, 14, 22], site="liver"), lesion("S1", [15, 15, 15], site="spine")])
    codes = _codes(assess(c))
    assert {"spine_mri", "tumour_markers", "future_liver_remnant"} <= codes


# Cause 11. Oligopersistence: consolidation lesion by lesion, surgery first where resectable.
def test_oligopersistence_gets_lesion_by_lesion_consolidation() -> None:
    c = case(
        [lesion("L1", [40, 25, 24], site="liver"), lesion("L2", [30, 20, 19], site="liver")],
        surgical_opinions=[{"resectability": "resectable", "intent": "curative"}],
    )
    a = assess(c)
    assert a.disease_state == "oligopersistence"
    assert str(_local(a, "L1")[0].modality) == "surgery"


# Cause 13. A lesion abutting the duodenum: the organ's limit takes priority (UK consensus).
def test_abutting_duodenum_states_the_organ_priority() -> None:
    c = case(
        [
            lesion("L1", [20, 14, 22], site="adrenal", adjacent_organs=["duodenum"]),
            lesion("L2", [20, 15, 15], site="liver"),
        ]
    )
    a = assess(c)
    assert any(r.rule == "caution.oar_priority" for r in a.recommendations)
    # TG-101 (Benedict 2010): duodenum point maximum 12.4 Gy in 1, 22.2 in 3, 32 Gy in 5 fractions
    line = _local(a, "L1")[0]
    assert "duodenum" in line.rationale
    assert "32 Gy in 5 fx" in line.rationale
    assert "priority over target coverage" in line.rationale


# Grouped lesions count as many (ESTRO/EORTC: oligometastatic means up to 5 lesions).
def test_an_uncounted_progressing_group_makes_polyprogression() -> None:
    c = case([lesion("L1", [20, 15, 15], site="liver")])
    data = c.model_dump(mode="json")
    data["lesion_groups"] = [
        {
            "id": "G1",
            "site": "lung",
            "description": "innumerable nodules",
            "observations": [
                {"date": scan(1), "count": "multiple", "status": "present"},
                {"date": scan(2), "count": "multiple", "status": "progressing"},
            ],
        }
    ]
    a = assess(case_from_data(data))
    assert a.disease_state == "polyprogression"
    assert "G1" in a.progressing_lesions


# RECIST 1.1 (Eisenhauer 2009): a lesion not present at baseline that appears later is a new
# lesion (patient-level PD); one present at baseline that disappears and returns is not (RECIST
# FAQ).
def test_a_lesion_recorded_absent_at_baseline_that_appears_is_new() -> None:
    c = case(
        [
            lesion("L1", [30, 20, 20], site="liver"),
            lesion("B7", ["absent", "absent", "present"], site="bone", target=False),
        ],
        primary="prostate",
        therapy=["enzalutamide"],
        therapy_class="hormonal",
    )
    a = assess(c)
    assert a.response.timepoints[-1].new_lesions == ("B7",)
    assert str(a.response.timepoints[-1].overall) == "PD"
    assert "B7" in a.progressing_lesions


def test_a_lesion_present_at_baseline_that_returns_is_not_new() -> None:
    c = case(
        [
            lesion("L1", [30, 20, 20], site="liver"),
            lesion("N1", ["present", "absent", "present"], site="bone", target=False),
        ]
    )
    a = assess(c)
    assert a.response.timepoints[-1].new_lesions == ()


# RECIST 1.1: progression is not undone at the next scan while the new lesion is still there.
def test_an_untreated_new_lesion_keeps_the_next_time_point_pd() -> None:
    c = case(
        [
            lesion("L1", [30, 20, 20, 20], site="liver"),
            lesion("A1", [None, None, 12, 13], site="adrenal", target=False, first_scan=0),
        ]
    )
    a = assess(c)
    last = a.response.timepoints[-1]
    assert str(last.overall) == "PD"
    assert last.new_lesions_persisting == ("A1",)


# iRECIST (Seymour 2017, Table 2): after iUPD from a new lesion, growth of the new lesions by
# >=5 mm in sum at the next assessment confirms progression (iCPD).
def test_new_lesion_growth_after_iupd_confirms_progression() -> None:
    c = case(
        [
            lesion("L1", [30, 20, 20, 20], site="lung", lung_zone="peripheral"),
            lesion("A1", [None, None, 12, 21], site="adrenal", target=False),
        ],
        primary="nsclc",
        therapy=["pembrolizumab"],
        therapy_class="immunotherapy",
    )
    a = assess(c)
    rows = a.response.timepoints
    assert str(rows[-2].irecist) == "iUPD"
    assert str(rows[-1].irecist) == "iCPD"
    assert not a.confirmation_required


# Cause 6 (TKIs): the evidence on pausing osimertinib around RT is retrospective (Mu 2023, Jia
# 2021): the plan says the question is open rather than silently ignoring it.
def test_osimertinib_with_lung_sbrt_carries_the_interaction_caution() -> None:
    c = case(
        [
            lesion("L1", [20, 14, 22], site="lung", lung_zone="peripheral"),
            lesion("L2", [20, 15, 15], site="liver"),
        ],
        primary="nsclc",
        therapy=["osimertinib"],
        therapy_class="targeted",
    )
    a = assess(c)
    assert any(r.rule == "caution.targeted_drug_with_rt" for r in a.recommendations)


def test_time_points_are_grouped_once() -> None:
    # Studies on days 0 and 25 form one time point (dated day 25); day 50 is the next one. A
    # second grouping of the re-dated studies (25 and 50) would wrongly merge them.
    data = case([lesion("L1", [20])], therapy_start=None).model_dump(mode="json")
    data["lesions"][0]["measurements"] = [
        {"date": "2025-01-01", "diameter_mm": 20},
        {"date": "2025-01-26", "diameter_mm": 20},
        {"date": "2025-02-20", "diameter_mm": 40},
    ]
    a = assess(case_from_data(data))
    assert [str(t.date) for t in a.response.timepoints] == ["2025-01-26", "2025-02-20"]
    assert a.progressing_lesions == ("L1",)


def test_a_lesion_treated_since_baseline_is_followed_from_its_treatment_not_as_new() -> None:
    # lesions.py restarts a treated lesion's nadir at its treatment; the patient-level RECIST
    # label must agree with that (no PD from a lesion with no progressing status).
    c = case(
        [
            lesion("L1", [30, 20, 20], site="liver"),
            lesion("N1", [0, 6, 6], site="lung", target=False),
        ],
        local_treatments=[{"lesion_id": "N1", "modality": "sbrt", "date": _day(1, 5)}],
    )
    a = assess(c)
    assert str(a.response.timepoints[-1].overall) != "PD"
    assert "N1" not in a.progressing_lesions


# Issue 19: a plan never rests confidently on a value that looks misread (model.plausibility).
def test_an_implausible_growth_defers_ablation_and_says_why() -> None:
    data = case(
        [lesion("L1", [20, 14, 14], site="liver"), lesion("L2", [15, 10, 10], site="lung")]
    ).model_dump(mode="json")
    data["lesions"][0]["measurements"].append({"date": _day(2, 10), "diameter_mm": 90})
    data["lesions"][1]["measurements"].append({"date": _day(2, 10), "diameter_mm": 10})
    a = assess(case_from_data(data))
    assert a.implausible_lesions == ("L1",)
    assert all(str(r.timing) != "now" for r in _local(a, "L1"))
    assert any(r.rule == "caution.implausible_measurement" for r in a.recommendations)


# Found by the FHIR property test: a locally recurrent colorectal primary in polyprogression
# raised the safety guard (curative surgery offered while the disease progresses widely).
def test_recurrent_primary_in_polyprogression_is_treated_for_symptoms_only() -> None:
    data = case(
        [
            lesion("P1", [30, 30, 32], site="colorectum", primary=True),
            lesion("L1", [12, 12, 12], site="liver"),
        ],
        primary_tumour={"status": "locally_recurrent", "lesion_id": "P1"},
    ).model_dump(mode="json")
    data["lesion_groups"] = [
        {
            "id": "G1",
            "site": "lung",
            "observations": [
                {"date": scan(1), "count": "multiple", "status": "present"},
                {"date": scan(2), "count": "multiple", "status": "progressing"},
            ],
        }
    ]
    a = assess(case_from_data(data))
    assert a.disease_state == "polyprogression"
    line = _local(a, "P1")[0]
    assert str(line.modality) == "observation"
    assert str(line.timing) == "if_symptomatic"
