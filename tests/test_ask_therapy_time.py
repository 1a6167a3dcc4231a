"""Current or finished systemic therapy, from the wording of a question.

ESTRO/EORTC (Guckenberger 2020, Lancet Oncol 21:e18-e28): new metastases diagnosed off systemic
therapy are oligorecurrence; during therapy they are oligoprogression. A plan to "continue" a
drug the patient finished years ago is wrong, so only explicit wording makes a drug past, and a
drug named without a cue stays current.
"""

from __future__ import annotations

import pytest

from oligoguide.ask import ask
from oligoguide.ask.understand import understand

OFF = [
    "colon ca resected 2021, FOLFOX done, off all treatment 3 yrs, now 2 new lung nodules",
    "CRC, completed adjuvant FOLFOX 2022, now single new liver met 2 cm",
    "mCRC s/p FOLFOX, on chemo holiday, 1 new lung nodule 12 mm",
    "prostate ca, no treatment since 2020, PSMA PET shows 2 nodes",
    "melanoma, pembro stopped 2023 after CR, now 1 new adrenal met 25 mm",
    "NSCLC, not on any treatment, new solitary brain met 12 mm",
    "breast ca, treatment-free for 4 years, new single bone met T8",
]

CURRENT = [
    "67M EGFR NSCLC on osi x 14mo, RLL nodule 11 -> 19 mm",
    "mCRC on FOLFOX + bev, 1 liver met growing 18 -> 26 mm",
    "progressing on pembrolizumab, 1 new adrenal nodule 22 mm",
    "mCRC on cape maintenance, single lung met grew 16 -> 23 mm",
    "ALK+ NSCLC, previously on crizotinib, now on lorlatinib, 1 adrenal met growing",
    "RCC on sunitinib 2 yrs, 1 lung met 15 -> 22 mm",
]


@pytest.mark.parametrize("text", OFF)
def test_off_therapy(text: str) -> None:
    assert understand(text).off_therapy, text


@pytest.mark.parametrize("text", CURRENT)
def test_on_therapy(text: str) -> None:
    assert not understand(text).off_therapy, text


def test_recurrence_off_therapy_is_not_planned_as_progression_on_the_old_drug() -> None:
    answer = ask(
        "colon ca resected 2021, FOLFOX done, off all treatment 3 yrs, now 2 new lung nodules "
        "9 and 12 mm, nothing else. what's this called and can we burn them?"
    )
    assert answer.disease_state == "oligometastatic"
    assert "oligorecurrence" in answer.lead
    shown = " ".join(s.text for sec in answer.answer.sections for s in sec.sentences)
    assert "Continue folfox" not in shown
    assert "current systemic therapy" not in answer.understood.not_stated
