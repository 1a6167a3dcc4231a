"""A described lesion is progressing only when the question says so.

RECIST 1.1 (Eisenhauer 2009) calls progression from a change between scans; a single size says
nothing about change. A lesion the question calls stable, smaller or gone must never be planned as
progressing, and one whose change is not stated is listed as missing, not assumed (issue 21).
"""

from __future__ import annotations

from oligoguide.ask import ask


def test_disappeared_lesion_is_not_progression() -> None:
    answer = ask(
        "mCRC on FOLFOX conversion, one of 3 liver mets (segment 7, was 9 mm) is no longer "
        "visible on CT. pt going for hepatectomy - can surgeon ignore that one?"
    )
    assert answer.understood.lesions[0].stable
    assert answer.disease_state != "oligoprogression"


def test_size_without_change_is_not_assumed_to_grow() -> None:
    answer = ask("EGFR NSCLC on osi, adrenal met 2 cm, rest stable. SBRT?")
    assert answer.disease_state is None  # no case is run on a guess
    assert "whether the lesions grew" in " ".join(answer.gaps)


def test_rest_stable_does_not_make_the_growing_lesion_stable() -> None:
    answer = ask("67M EGFR NSCLC on osi x 14mo, RLL nodule 11 -> 19 mm, rest stable. plan?")
    lesion = answer.understood.lesions[0]
    assert lesion.growing
    assert not lesion.stable
    assert answer.disease_state == "oligoprogression"


def test_brain_metastases_found_on_mri_are_taken_as_new_and_said_so() -> None:
    answer = ask("EGFR ex19 NSCLC on Tagrisso, two brain mets (6 mm and 12 mm), asymptomatic")
    assert answer.disease_state == "oligoprogression"
    assert "taken as newly found" in " ".join(answer.gaps)


def test_time_on_therapy_is_taken_from_the_question() -> None:
    # PCWG3 (Scher 2016): the flare window is the first scan after starting a new therapy; two
    # years on enzalutamide is far past it, so the flare rule must not lead the plan.
    answer = ask(
        "66M mCRPC on enzalutamide 2 y, PSMA PET: 1 new rib lesion 12 mm, PSA 2.1 -> 4.8. next?"
    )
    assert answer.understood.months_on_therapy == 24
    assert "flare" not in answer.lead
    # STOMP/ORIOLE were hormone-sensitive trials: not the statement for a patient on an ARPI
    assert "hormone-sensitive" not in answer.lead


def test_epidural_extension_with_new_weakness_is_mscc_but_not_without() -> None:
    assert (
        "emergency"
        in ask("RCC on cabo, T7 vertebral met 3 cm with epidural extension, new leg weakness").lead
    )
    assert "emergency" not in ask("T7 met with epidural extension, no weakness, SBRT?").lead


def test_brain_metastases_at_the_start_of_a_therapy_are_not_progression_on_it() -> None:
    # "starting lorlatinib, 3 brain mets": the lesions are the new drug's baseline; the
    # question is whether to defer SRS (ASCO-SNO-ASTRO 2022: a symptomatic one is treated).
    answer = ask(
        "ALK+ pt starting lorlatinib, 3 brain mets incl a symptomatic 2 cm one with edema. "
        "can I defer SRS and let the drug work?"
    )
    assert answer.disease_state is None
    assert "symptomatic" in answer.lead


def test_high_risk_ct_features_after_lung_sbrt_lead_with_work_up() -> None:
    # Huang 2012, Zhang 2012, Ronden 2018: suspect recurrence, PET-CT, biopsy when SUVmax >= 5.
    answer = ask(
        "lung met SBRT 50 Gy/5 18 mo ago. CT: mass-like opacity enlarging on 2 consecutive "
        "scans, bulging margin + craniocaudal growth. recurrence?"
    )
    assert answer.lead.startswith("When a lung lesion treated with SBRT shows high-risk CT")
