"""Terse questions in the field are answered and terse questions outside it are refused.

Written from clinical usage (RT schedules typed as "12x5" or "50/5", organ limits as "d5cc 5fx";
benign-disease radiotherapy and primary-tumour SBRT are outside a tool for metastatic disease,
the issue's scope: early-stage and non-metastatic questions are refused).
"""

from __future__ import annotations

import pytest

from oligoguide.ask import ask

IN_FIELD = [
    "12x5 ok for cord?",
    "50/5 vs 60/8 which better?",
    "duodenum d5cc 5fx",
    "chest wall v30",
    "3x18 peripheral lung?",
    "cumulative eqd2 cord after 30/10 + 24/2",
    "oligomets NSCLC, SBRT to the primary too?",
    "palma lancet 2019",
    "clocc long term",
    "nrg br002 results",
    # a radiation dose reduced is not a drug dose; stage IV and metastases are the field
    "srs after prior wbrt 30 gy/10, reduce the dose?",
    "stage 4 nsclc 2 adrenal mets progressing on osi, sbrt?",
    "hcc with 2 lung mets, sbrt dose for the lung mets?",
    "pulmonary mets ICD-10 code?",
    # words that usually mean another field, used in this one
    "sindas: did upfront rt prevent progression?",
    "what regimen did gomez use",
    "adjuvant sbrt after resection of 2 lung mets?",
    "crlm after adjuvant folfox, now 2 liver mets, resect?",
    "sbrt after prior tace, 1 liver met",
    "post-op rt after separation surgery for a spine met, dose",
    "trigeminal nerve dose limit, srs for a skull base met",
    "nrg-lu 002 maintenance +/- lct outcome",
    "on first-line osi 14 mo, 1 growing adrenal, rest stable",
    # benign-disease words that also name a site of metastasis; MCI (mild cognitive impairment)
    # after brain RT (cognitive decline: N0574, Brown, JAMA 2016, doi:10.1001/jama.2016.9839)
    "pituitary met from breast ca, srs dose?",
    "painful distal femur met near the knee, sbrt dose?",
    "wbrt vs srs: mci risk?",
    "hippocampal avoidance wbrt to lower mci risk?",
]

OUTSIDE = [
    "RT for plantar fasciitis dose?",
    "graves ophthalmopathy RT dose?",
    "pterygium beta rt?",
    "pancreatic sbrt primary dose",
    "hcc sbrt primary 5fx",
    "srs trigeminal neuralgia dose",
    "y90 dosimetry gy",
    "lorlatinib starting dose mg",
    "pmrt after mastectomy 2 pos nodes",
    "mrcc 2L cabo or lenva",
    # curative treatment of a primary, first-line regimens, benign disease, administration
    "stage iii nsclc chemoradiation then durva how long",
    "stage 2 rectal ca short course rt 5x5",
    "gbm 60/30 + tmz",
    "cervix brachy hr-ctv d90 eqd2",
    "h&n post-op rt positive margins cisplatin",
    "prostate int risk sbrt 36.25/5",
    "first line treatment egfr mutant metastatic nsclc with or without chemo",
    "adjuvant chemo colon ca node positive how many months",
    "cardiac sbrt vt 25 gy 1 fx",
    "knee oa low dose rt 6x0.5 gy",
    "cpt code for sbrt per fraction",
    "hcc 3 cm primary, sbrt vs rfa, no mets",
    "lobectomy vs sabr t1n0 operable",
    "oligodendroglioma 1p19q rt dose",
    "lu-psma 7.4 gbq x6",
    "proton sbrt for a liver met near bowel?",
    "pituitary adenoma srs dose",
    "knee osteoarthritis ldrt",
    "lu-177 200 mci per cycle",
]


@pytest.mark.parametrize("question", IN_FIELD)
def test_answered(question: str) -> None:
    assert not ask(question).not_covered


@pytest.mark.parametrize("question", OUTSIDE)
def test_refused(question: str) -> None:
    assert ask(question).not_covered
