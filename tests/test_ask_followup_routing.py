"""Follow-up questions reach the follow-up statements of the right site, and a described lesion
with a schedule is answered with the sourced schedule.

Expectations come from the sources, not from the answers:
- brain MRI every 2 to 4 months after local treatment of brain metastases (ASCO HER2-positive
  breast cancer guideline, Ramakrishna 2014, as cited by followup_brain_after_srs);
- an enlarging lesion after radiosurgery is often radiation necrosis (Narloch 2017, PMID
  28472527: 24 of 35 biopsied lesions were necrosis only), so it must not be called progression
  on size alone, and lung post-SBRT fibrosis rules do not apply to the brain;
- a lung lesion within 2 cm of the proximal bronchial tree is central, and 3-fraction schedules
  of 60-66 Gy were too toxic there (Timmerman 2006, PMID 17050868); 5 or 8 fractions are used.
"""

from __future__ import annotations

import re

import pytest

from oligoguide.ask import ask
from oligoguide.ask.lexicon import layout
from oligoguide.knowledge import default_knowledge_base


def test_enlarging_lesion_after_srs_is_answered_for_the_brain() -> None:
    answer = ask(
        "pt had SRS 9 mo ago, now ring enhancing lesion bigger at same spot, "
        "radionecrosis or progression?"
    )
    assert answer.question_type == "follow_up"
    assert "brain" in answer.understood.sites
    assert re.search(r"necrosis", answer.lead, re.I)
    assert "not progression on size alone" in answer.lead
    assert "post_sbrt_fibrosis_vs_recurrence" not in answer.statements_used  # a lung rule


def test_brain_mri_interval_question_is_follow_up_not_a_case() -> None:
    answer = ask("brain MRI interval after SRS for 2 mets?")
    assert answer.question_type == "follow_up"
    assert "every 2 to 4 months" in answer.lead


@pytest.mark.parametrize(
    "question",
    [
        "how frequently should we image after SBRT for oligoprogressive lung met?",
        "f/u imaging interval after SABR to a lung met?",
    ],
)
def test_timing_asked_without_a_sourced_interval_says_so_first(question: str) -> None:
    answer = ask(question)
    assert answer.question_type == "follow_up"
    assert answer.lead.startswith("No sourced imaging interval")


def test_question_mark_ending_the_question_does_not_hedge_the_site() -> None:
    answer = ask(
        "how often restage EGFR NSCLC on osimertinib after SBRT to oligoprogressive adrenal?"
    )
    assert "adrenal" not in answer.understood.sites_uncertain
    assert "adrenal" in answer.understood.sites


def test_a_hedge_in_the_text_still_hedges_when_the_question_ends_on_another_site() -> None:
    answer = ask("new adrenal lesion, indeterminate. SBRT to lung?")
    assert answer.understood.sites_uncertain == ("adrenal",)
    assert "lung" in answer.understood.sites  # was hedged by the question's own mark


def test_central_lesion_with_a_three_fraction_schedule_gets_the_central_schedule() -> None:
    answer = ask("lung met 2.5 cm sitting 1.5 cm from the proximal bronchial tree - 54/3 fine?")
    assert answer.lead.startswith("54 Gy in 3 fractions as asked is not among")
    assert re.search(r"\b(?:5|8) fraction", answer.lead)


def test_distance_over_two_cm_is_not_next_to_the_organ() -> None:
    answer = ask("RUL met 2 cm, 4 cm from the main bronchus, dose?")
    assert all(not m.adjacent_organs for m in answer.understood.lesions)


def test_symptomatic_brain_metastasis_leads_with_the_symptomatic_statement() -> None:
    # ASCO-SNO-ASTRO 2022 (Vogelbaum): a symptomatic metastasis or one with mass effect is seen
    # by a neurosurgeon; deferring local therapy is only for asymptomatic ones.
    answer = ask("symptomatic brain met + CNS-active TKI - defer SRS?")
    assert "symptomatic" in answer.lead


def test_follow_up_statements_are_in_the_follow_up_section() -> None:
    kb = default_knowledge_base()
    sections = layout().statement_sections
    follow = [s.id for s in kb.statements.values() if s.question == "followup_imaging_interval"]
    assert follow
    assert all(sections.get(s) == "followup" for s in follow)


def test_epidural_compression_with_weakness_is_the_mscc_emergency() -> None:
    # NICE NG234 (Hawkins 2023) and Patchell 2005: suspected MSCC is an emergency; steroids,
    # urgent MRI, a surgical opinion and radiotherapy. Not "8 Gy for pain".
    answer = ask(
        "breast ca bone mets, new back pain + leg weakness x 1 day, MRI: T10 epidural "
        "compression. what do I do now?"
    )
    assert "emergency" in answer.lead
    assert "dexamethasone" in answer.lead


def test_large_brain_metastasis_single_24_gy_gets_the_multifraction_schedule() -> None:
    # ASTRO 2022 (Gondi, Pract Radiat Oncol 12:265-282): for 3-4 cm, multifraction SRS (for
    # example 27 Gy/3 or 30 Gy/5); 20-24 Gy single fraction is for lesions under 2 cm.
    answer = ask(
        "3.5 cm solitary brain met (renal), oligoprog on cabo, no mass effect, ECOG 1. "
        "SRS dose? single 24 Gy?"
    )
    assert answer.lead.startswith("24 Gy in 1 fraction as asked is not among")
    assert "27 Gy in 3 fraction" in answer.lead


def test_a_course_already_given_is_not_treated_as_the_schedule_asked() -> None:
    # "s/p SBRT 54 Gy/3 ... 6 wks ago": a delivered course; the question is about PET timing
    # and SUV after SBRT (Zhang 2012: SUVmax above 5, especially after 6 months, calls for
    # biopsy), so no "54 Gy in 3 as asked" comparison leads.
    answer = ask(
        "s/p SBRT 54 Gy/3 to a RUL oligoprogressive met (NSCLC on pembro) 6 wks ago. when "
        "should we get the first PET-CT and what SUV is worrying?"
    )
    assert answer.question_type == "follow_up"
    assert "as asked" not in answer.lead
    assert "SUVmax above 5" in answer.lead


def test_the_new_course_after_a_past_one_is_the_one_asked() -> None:
    from oligoguide.ask.route import proposed_courses

    asked = proposed_courses("had 30 Gy/10 to T8 2 y ago, now 24 Gy/2 SBRT ok?")
    assert [(c.total_gy, c.fractions) for c in asked] == [(24.0, 2)]
