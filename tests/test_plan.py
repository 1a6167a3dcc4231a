"""Worked cases for the plan. Expectations come from the cited sources, not from the code:

- oligoprogression: local therapy to every progressing lesion, continue systemic therapy
  (CURB, Tsai 2024; ASTRO/ESTRO 2023; ESMO mCRC 2023; Weickhardt 2012 for TKIs);
- polyprogression: change systemic therapy, no ablative-only plan;
- brain: SRS for 1-4 metastases, never WBRT first (ASTRO 2022, Gondi; ASCO-SNO-ASTRO 2022);
  RTOG 90-05 single-fraction doses 24 Gy (<=20 mm), 18 Gy (21-30 mm);
- lung SBRT at BED10 >= 100 Gy (Onishi 2004);
- liver: resection first, ablation or SBRT otherwise (ESMO mCRC 2023, CLOCC);
- driver-positive NSCLC on a TKI: continue the TKI, re-biopsy / ctDNA at progression;
- breast: CURB showed no PFS benefit, so an option with a caveat and a trial offer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import case, lesion, scan
from oligoguide.assess import Assessment, assess
from oligoguide.model import load_case
from oligoguide.model.vocab import (
    DiseaseState,
    LocalModality,
    RecommendationCategory,
    SystemicAction,
    Timing,
    WorkupCode,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.models import Recommendation
from oligoguide.plan.safety import PlanSafetyError, check_plan

EXAMPLES = Path(__file__).parent.parent / "examples"
NSCLC_EGFR = {
    "primary_site": "nsclc",
    "diagnosis_date": "2023-10-01",
    "biomarkers": [
        {"name": "EGFR", "status": "positive", "detail": "L858R"},
        {"name": "ALK", "status": "negative"},
    ],
}
BRAIN_MRI_AT_LAST_SCAN = [{"date": scan(2), "modality": "MRI", "regions": ["brain"]}]


def recs(a: Assessment, category: RecommendationCategory) -> list[Recommendation]:
    return [r for r in a.recommendations if r.category == category]


def local_for(a: Assessment, lesion_id: str) -> list[Recommendation]:
    return [r for r in recs(a, RecommendationCategory.LOCAL_THERAPY) if r.lesion_id == lesion_id]


def workup_codes(a: Assessment) -> set[WorkupCode | None]:
    return {r.code for r in recs(a, RecommendationCategory.WORKUP)}


def test_colorectal_oligoprogression_treats_each_lesion_and_continues_therapy() -> None:
    a = assess(load_case(EXAMPLES / "crc_oligoprogression.json"))
    systemic = recs(a, RecommendationCategory.SYSTEMIC)
    assert [r.action for r in systemic] == [SystemicAction.CONTINUE]
    assert systemic[0].statement_id == "crc_oligoprogression_mdt"
    # Liver L2 (19 mm): resection first; ablation is an alternative at <= 3 cm; SBRT otherwise.
    liver = local_for(a, "L2")
    assert liver[0].modality == LocalModality.SURGERY
    assert LocalModality.MWA in liver[0].alternatives
    assert any(r.modality == LocalModality.SBRT for r in liver[1:])
    # Lung L5: SBRT at BED10 >= 100 Gy.
    (lung,) = local_for(a, "L5")
    assert lung.modality == LocalModality.SBRT
    assert lung.dose is not None
    assert lung.dose.bed10 >= 100
    assert WorkupCode.MDT_REVIEW in workup_codes(a)
    assert "Continue FOLFOX + panitumumab" in a.bottom_line


def test_polyprogression_switches_therapy_and_never_proposes_local_only_treatment() -> None:
    a = assess(load_case(EXAMPLES / "breast_polyprogression.json"))
    assert a.disease_state == DiseaseState.POLYPROGRESSION
    assert [r.action for r in recs(a, RecommendationCategory.SYSTEMIC)] == [SystemicAction.SWITCH]
    assert recs(a, RecommendationCategory.LOCAL_THERAPY) == []


def _brain_case(sizes: list[float], **extra: object) -> Assessment:
    lesions = [lesion("P", [30, 20, 20], "lung", primary=True)]
    lesions += [
        lesion(f"B{i}", [s], "brain", target=False, first_scan=2) for i, s in enumerate(sizes)
    ]
    return assess(
        case(
            lesions,
            primary="nsclc",
            therapy=["carboplatin", "pemetrexed"],
            imaging=BRAIN_MRI_AT_LAST_SCAN,
            cancer={
                "primary_site": "nsclc",
                "diagnosis_date": "2023-10-01",
                "biomarkers": [
                    {"name": "EGFR", "status": "negative"},
                    {"name": "ALK", "status": "negative"},
                ],
            },
            **extra,
        )
    )


def test_one_to_three_brain_metastases_get_srs_never_wbrt() -> None:
    a = _brain_case([8, 25, 12])
    brain = [
        r
        for r in recs(a, RecommendationCategory.LOCAL_THERAPY)
        if r.lesion_id and r.lesion_id.startswith("B")
    ]
    assert {r.modality for r in brain} == {LocalModality.SRS}
    assert all(r.modality != LocalModality.WBRT for r in a.recommendations)
    doses = {r.lesion_id: r.dose for r in brain}
    # RTOG 90-05: up to 20 mm 24 Gy single fraction; 21-30 mm 18 Gy single fraction.
    assert doses["B0"] is not None
    assert (doses["B0"].total_gy, doses["B0"].fractions) == (24, 1)
    assert doses["B1"] is not None
    assert doses["B1"].total_gy / doses["B1"].fractions <= 18


def test_brain_metastasis_over_4_cm_goes_to_surgery() -> None:
    a = _brain_case([45])
    (rec,) = local_for(a, "B0")
    assert rec.modality == LocalModality.SURGERY


def test_srs_without_a_diameter_says_what_is_missing() -> None:
    lesions = [
        lesion("P", [30, 20, 20], "lung", primary=True),
        lesion("B0", ["present"], "brain", target=False, first_scan=2),
    ]
    a = assess(
        case(
            lesions,
            primary="nsclc",
            imaging=BRAIN_MRI_AT_LAST_SCAN,
            cancer=NSCLC_EGFR | {"biomarkers": []},
        )
    )
    (srs,) = local_for(a, "B0")
    assert srs.dose is None
    assert "dose not sized here" in srs.text
    assert any("B0" in m.item and "diameter" in m.item for m in a.missing_data)


def test_egfr_nsclc_on_osimertinib_keeps_the_tki_and_looks_for_resistance() -> None:
    a = assess(load_case(EXAMPLES / "nsclc_egfr_brain_oligoprogression.json"))
    assert a.disease_state == DiseaseState.OLIGOPROGRESSION
    actions = [r.action for r in recs(a, RecommendationCategory.SYSTEMIC)]
    assert actions == [SystemicAction.CONTINUE]
    assert SystemicAction.SWITCH not in actions
    assert {WorkupCode.REBIOPSY, WorkupCode.CTDNA} <= workup_codes(a)
    (srs,) = local_for(a, "BR1")
    assert srs.modality == LocalModality.SRS


def test_single_progressing_lesion_on_tki_is_never_a_switch() -> None:
    lesions = [
        lesion("P", [40, 20, 20], "lung", primary=True),
        lesion("A", [15, 10, 17], "adrenal", target=False),
    ]
    a = assess(
        case(
            lesions,
            primary="nsclc",
            therapy=["osimertinib"],
            therapy_class="targeted",
            cancer=NSCLC_EGFR,
            imaging=BRAIN_MRI_AT_LAST_SCAN,
        )
    )
    assert a.progressing_lesions == ("A",)
    assert all(r.action != SystemicAction.SWITCH for r in a.recommendations)


def test_brain_mri_is_requested_for_nsclc_when_not_recent() -> None:
    lesions = [
        lesion("P", [40, 20, 20], "lung", primary=True),
        lesion("A", [15, 10, 17], "adrenal", target=False),
    ]
    without = assess(
        case(
            lesions,
            primary="nsclc",
            therapy=["osimertinib"],
            therapy_class="targeted",
            cancer=NSCLC_EGFR,
        )
    )
    assert WorkupCode.BRAIN_MRI in workup_codes(without)
    with_mri = assess(
        case(
            lesions,
            primary="nsclc",
            therapy=["osimertinib"],
            therapy_class="targeted",
            cancer=NSCLC_EGFR,
            imaging=BRAIN_MRI_AT_LAST_SCAN,
        )
    )
    assert WorkupCode.BRAIN_MRI not in workup_codes(with_mri)


def test_nsclc_without_driver_status_lists_it_as_missing() -> None:
    lesions = [lesion("P", [40, 20, 20], "lung"), lesion("A", [15, 10, 17], "adrenal")]
    a = assess(
        case(
            lesions,
            primary="nsclc",
            cancer={"primary_site": "nsclc", "diagnosis_date": "2023-10-01"},
        )
    )
    assert any("biomarkers" in m.item for m in a.missing_data)


def test_poor_performance_status_gives_a_caution_not_ablative_therapy() -> None:
    lesions = [lesion("H", [30, 20, 28]), lesion("P", [20, 15, 15], "lung")]
    a = assess(case(lesions, patient={"id": "P1", "ecog": 3}))
    # SABR-COMET enrolled ECOG 0-1: at ECOG 3 no ablative line; each progressing lesion keeps a
    # line that treats it only if it causes symptoms, and supportive care leads.
    local = recs(a, RecommendationCategory.LOCAL_THERAPY)
    assert local
    assert all(r.modality == "observation" for r in local)
    assert all(r.timing == "if_symptomatic" for r in local)
    assert recs(a, RecommendationCategory.SYSTEMIC)[0].action == "best_supportive_care"
    assert any(r.statement_id == "poor_performance_status" for r in a.recommendations)


def test_missing_ecog_is_listed() -> None:
    lesions = [lesion("H", [30, 20, 28]), lesion("P", [20, 15, 15], "lung")]
    a = assess(case(lesions, patient={"id": "P1"}))
    assert any(m.item == "/patient/ecog" for m in a.missing_data)


def test_breast_oligoprogression_is_an_option_with_the_curb_caveat_and_a_trial() -> None:
    # progression at 9 months: past ABC 4's 6 months of primary endocrine resistance
    lesions = [
        lesion("H", [30, 20, 20, 28]),
        lesion("B", ["present", "present", "present", "present"], "bone", target=False),
    ]
    a = assess(
        case(
            lesions,
            primary="breast",
            therapy=["letrozole", "palbociclib"],
            therapy_class="hormonal",
        )
    )
    systemic = recs(a, RecommendationCategory.SYSTEMIC)[0]
    assert systemic.statement_id == "breast_oligoprogression"
    assert systemic.strength.value == "C"
    assert systemic.caveat is not None
    assert "CURB" in systemic.caveat
    assert any(r.statement_id == "clinical_trial_option" for r in a.recommendations)


@pytest.mark.parametrize(
    ("primary", "statement"),
    [
        ("renal", "renal_oligoprogression"),
        ("melanoma", "melanoma_oligoprogression"),
        ("prostate", "prostate_oligorecurrence"),
        ("colorectal", "crc_oligoprogression_mdt"),
    ],
)
def test_each_primary_uses_its_own_evidence(primary: str, statement: str) -> None:
    lesions = [lesion("H", [30, 20, 28]), lesion("P", [20, 15, 15], "lung")]
    a = assess(case(lesions, primary=primary))
    assert recs(a, RecommendationCategory.SYSTEMIC)[0].statement_id == statement


def test_prostate_progressing_on_hormonal_therapy_is_not_given_the_hormone_sensitive_evidence() -> (
    None
):
    # STOMP (Ost 2018) and ORIOLE (Phillips 2020) enrolled hormone-sensitive recurrence without
    # androgen deprivation (testosterone above castrate level); their "defer ADT" result does not
    # apply to a patient progressing on enzalutamide, who gets the general statement instead.
    lesions = [lesion("H", [30, 20, 28]), lesion("P", [20, 15, 15], "lung")]
    a = assess(
        case(lesions, primary="prostate", therapy=["enzalutamide"], therapy_class="hormonal")
    )
    assert recs(a, RecommendationCategory.SYSTEMIC)[0].statement_id == (
        "oligoprogression_mdt_continue_systemic"
    )


def test_nsclc_on_immunotherapy_with_unconfirmed_progression_asks_for_confirmation() -> None:
    a = assess(load_case(EXAMPLES / "nsclc_immunotherapy_iupd.json"))
    # iRECIST (Seymour 2017): continue while clinically stable and confirm before any change
    lead = recs(a, RecommendationCategory.SYSTEMIC)[0]
    assert lead.statement_id == "irecist_confirm_before_change"
    assert lead.action == "continue"
    assert WorkupCode.CONFIRMATORY_SCAN in workup_codes(a)
    assert "unconfirmed" in a.bottom_line


def test_oligopersistence_is_an_option_with_the_nrg_lu002_caveat() -> None:
    a = assess(case([lesion("A", [30, 25]), lesion("B", [20, 18], "lung")]))
    assert a.disease_state == DiseaseState.OLIGOPERSISTENCE
    (systemic,) = recs(a, RecommendationCategory.SYSTEMIC)
    assert systemic.statement_id == "oligopersistence_consolidation"
    assert systemic.caveat is not None
    assert "NRG-LU002" in systemic.caveat


def test_reirradiation_is_flagged_on_a_previously_irradiated_progressing_lesion() -> None:
    c = case(
        [
            lesion("A", [30, 20, 28], "lung", lung_zone="peripheral"),
            lesion("B", [20, 20, 20], "liver"),
        ],
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
    (sbrt,) = local_for(assess(c), "A")
    assert "re-irradiation" in sbrt.rationale


def test_insufficient_data_makes_no_recommendation_and_says_what_to_add() -> None:
    a = assess(load_case(EXAMPLES / "renal_single_scan.json"))
    assert a.recommendations == ()
    assert "follow-up scan" in a.bottom_line


def test_every_recommendation_in_every_example_is_cited_with_doi_or_pmid() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        a = assess(load_case(path))
        refs = {r.id: r for r in a.references}
        for rec in a.recommendations:
            assert rec.citations, rec.id
            for evidence_id in rec.citations:
                assert refs[evidence_id].doi or refs[evidence_id].pmid
        assert [r.number for r in a.references] == list(range(1, len(a.references) + 1))


def test_references_are_numbered_in_order_of_first_use() -> None:
    a = assess(load_case(EXAMPLES / "crc_oligoprogression.json"))
    first_cited = list(dict.fromkeys(c for r in a.recommendations for c in r.citations))
    assert [r.id for r in a.references][: len(first_cited)] == first_cited


def _ctx(a_case: object) -> PlanContext:
    from oligoguide.knowledge import default_knowledge_base
    from oligoguide.response import assess_response
    from oligoguide.state import classify_state

    response = assess_response(a_case)  # type: ignore[arg-type]
    state = classify_state(a_case, response)  # type: ignore[arg-type]
    return PlanContext(
        case=a_case,
        response=response,
        state=state,  # type: ignore[arg-type]
        kb=default_knowledge_base(),
    )


def _rec(**fields: object) -> Recommendation:
    base = {
        "id": "R1",
        "category": RecommendationCategory.LOCAL_THERAPY,
        "text": "x",
        "strength": "A",
        "rationale": "x",
        "rule": "test",
        "statement_id": "x",
        "citations": ("x",),
    }
    return Recommendation.model_validate(base | fields)


def test_safety_guard_refuses_wbrt_first_for_few_brain_metastases() -> None:
    ctx = _ctx(case([lesion("B", [10, 10], "brain")]))
    with pytest.raises(PlanSafetyError, match="WBRT"):
        check_plan(ctx, [_rec(modality=LocalModality.WBRT, lesion_id="B")])


def test_safety_guard_refuses_local_only_plan_for_polyprogression() -> None:
    ctx = _ctx(load_case(EXAMPLES / "breast_polyprogression.json"))
    with pytest.raises(PlanSafetyError, match="polyprogression"):
        check_plan(ctx, [_rec(modality=LocalModality.SBRT, lesion_id="H1")])


def test_safety_guard_refuses_a_switch_for_oligoprogression() -> None:
    ctx = _ctx(load_case(EXAMPLES / "crc_oligoprogression.json"))
    with pytest.raises(PlanSafetyError, match="switch"):
        check_plan(
            ctx, [_rec(category=RecommendationCategory.SYSTEMIC, action=SystemicAction.SWITCH)]
        )


def test_lesion_next_to_the_duodenum_names_the_tg101_limits() -> None:
    # TG-101 (Benedict 2010) duodenum, 3 fractions: D5cc 16.5 Gy, D10cc 11.4 Gy, Dmax 22.2 Gy.
    c = case(
        [lesion("H", [30, 20, 28], adjacent_organs=["duodenum"]), lesion("P", [20, 15, 15], "lung")]
    )
    sbrt = next(r for r in local_for(assess(c), "H") if r.modality == LocalModality.SBRT)
    assert sbrt.dose is not None
    assert sbrt.dose.fractions == 3
    duodenum = {x.metric: x for x in sbrt.dose.organ_limits if x.organ == "duodenum"}
    assert duodenum["D5cc"].limit_gy == 16.5
    assert duodenum["D5cc"].adjacent
    assert duodenum["D10cc"].limit_gy == 11.4
    assert duodenum["Dmax"].limit_gy == 22.2
    assert "duodenum" in sbrt.rationale
    assert "priority over target coverage" in sbrt.rationale
    # TG-101 liver (the organ every liver SBRT irradiates): 700 cc below 19.2 Gy in 3 fractions.
    liver = {x.metric: x for x in sbrt.dose.organ_limits if x.organ == "liver"}
    assert liver["CV700cc"].limit_gy == 19.2
    assert not liver["CV700cc"].adjacent
    assert "benedict_2010_tg101" in sbrt.citations


def test_spine_sbrt_lists_cord_and_thecal_sac_limits_for_its_fractions() -> None:
    # Spine SBRT 24 Gy/2 (SC.24, Sahgal 2021). Thecal-sac Dmax in 2 fractions 17.0 Gy (Sahgal
    # 2013, as adopted by HyTEC); TG-101 gives cord limits only for 1, 3 and 5 fractions, so the
    # cord is named as having no sourced limit in 2 fractions.
    c = case([lesion("S", [20, 20, 26], "spine"), lesion("P", [20, 15, 15], "lung")])
    sbrt = next(r for r in local_for(assess(c), "S") if r.modality == LocalModality.SBRT)
    assert sbrt.dose is not None
    assert sbrt.dose.fractions == 2
    sac = {x.metric: x.limit_gy for x in sbrt.dose.organ_limits if x.organ == "thecal_sac"}
    assert sac == {"Dmax": 17.0}
    assert sbrt.dose.organ_note is not None
    assert "spinal cord" in sbrt.dose.organ_note


def test_painful_bone_lesion_gets_radiotherapy_now_even_while_progression_awaits_confirmation() -> (
    None
):
    # ASTRO bone metastases guideline (Lutz 2017): palliative radiotherapy for painful bone
    # metastases (8 Gy in one fraction relieves pain as well as longer courses). PCWG3 (Scher
    # 2016) asks to confirm new bone lesions on the first scan after a new therapy (flare), but
    # a painful lesion is treated for the pain now, whatever the confirmation.
    c = case(
        [lesion("B1", [None, 40], "bone", target=False, symptoms=["pain"], symptomatic=True)],
        primary="prostate",
        therapy=["abiraterone"],
        therapy_class="hormonal",
    )
    recs = local_for(assess(c), "B1")
    palliative = [r for r in recs if r.modality == LocalModality.CONVENTIONAL_RT]
    assert palliative
    assert palliative[0].timing == Timing.NOW
    assert palliative[0].dose is not None
    assert (palliative[0].dose.total_gy, palliative[0].dose.fractions) == (8.0, 1)


def test_adrenal_sbrt_without_a_schedule_names_the_published_range() -> None:
    # No adrenal schedule is sourced; the plan says so and gives the published range: Liao 2023
    # (Front Oncol, PMID 38045003): 33 series, 1-year local control 81.7%, and within BED10
    # 60-80 Gy, >= 9 Gy per fraction gave 91% vs 78% at 1 year.
    c = case([lesion("A1", [20, 20, 28], "adrenal"), lesion("P", [20, 15, 15], "lung")])
    sbrt = next(r for r in local_for(assess(c), "A1") if r.modality == LocalModality.SBRT)
    assert sbrt.dose is None
    assert "no sourced schedule" in sbrt.text
    assert "9 Gy or more per fraction" in sbrt.rationale
    assert "liao_2023_adrenal_sbrt" in sbrt.citations


def test_a_new_brain_metastasis_on_immunotherapy_is_not_held_back_by_irecist() -> None:
    # iRECIST (Seymour 2017) confirms body progression before a change; brain metastases are
    # judged by RANO-BM (Lin 2015) and 1-4 of them are offered SRS (ASCO-SNO-ASTRO 2022), so the
    # systemic lead must not tell the team to hold ablation of the brain lesion the plan treats.
    from oligoguide.ask import ask

    answer = ask("melanoma on nivo, 1 new brain met 8 mm asymptomatic, body controlled, SRS?")
    shown = " ".join(s.text for sec in answer.answer.sections for s in sec.sentences)
    assert "SRS" in shown
    assert "or ablate before progression is confirmed" not in shown
    assert "or ablate extracranial lesions before progression is confirmed" in shown
