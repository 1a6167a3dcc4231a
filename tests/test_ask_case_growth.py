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
