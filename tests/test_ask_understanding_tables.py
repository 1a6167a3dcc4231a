"""Tables of clinical phrases for `ask.understand`: shorthand, negation/hedging, question type.

Each row is written from clinical usage (tumour-board notes, referral letters, chat between
clinicians): the phrase as typed, and what must be read from it.
"""

from __future__ import annotations

import pytest

from oligoguide.ask import ask, understand

# phrase -> (therapies that must be read, drivers, cancers)
SHORTHAND: list[tuple[str, set[str], set[str], set[str]]] = [
    ("on osi since 2023", {"osimertinib"}, {"EGFR"}, {"nsclc"}),
    ("progressing on Tagrisso", {"osimertinib"}, {"EGFR"}, {"nsclc"}),
    ("osimertinb 80", {"osimertinib"}, {"EGFR"}, {"nsclc"}),
    ("pembro maintenance", {"pembrolizumab"}, set(), set()),
    ("on Keytruda q3w", {"pembrolizumab"}, set(), set()),
    ("nivo/ipi for melanoma", {"nivolumab", "ipilimumab"}, set(), {"melanoma"}),
    ("Opdivo", {"nivolumab"}, set(), set()),
    ("atezo + bev", {"atezolizumab", "bevacizumab"}, set(), set()),
    ("durva consolidation", {"durvalumab"}, set(), set()),
    ("T-DXd for HER2+ breast", {"trastuzumab deruxtecan"}, {"HER2"}, {"breast"}),
    ("Enhertu", {"trastuzumab deruxtecan"}, {"HER2"}, set()),
    ("T-DM1", {"trastuzumab emtansine"}, {"HER2"}, {"breast"}),
    ("Herceptin", {"trastuzumab"}, {"HER2"}, set()),
    ("FOLFOX + bev", {"folfox", "bevacizumab"}, set(), {"colorectal"}),
    ("mFOLFOX6", {"folfox"}, set(), {"colorectal"}),
    ("FOLFIRI/cetux", {"folfiri", "cetuximab"}, set(), {"colorectal"}),
    ("CAPOX", {"capox"}, set(), {"colorectal"}),
    ("cape maintenance", {"capecitabine"}, set(), set()),
    ("Xeloda", {"capecitabine"}, set(), set()),
    ("5-FU", {"fluorouracil"}, set(), set()),
    ("pani for RAS wt CRC", {"panitumumab"}, set(), {"colorectal"}),
    ("Avastin", {"bevacizumab"}, set(), set()),
    ("enza for mCRPC", {"enzalutamide"}, set(), {"prostate"}),
    ("abi/pred", {"abiraterone"}, set(), {"prostate"}),
    ("Zytiga", {"abiraterone"}, set(), {"prostate"}),
    ("Lu-PSMA", {"lutetium-psma"}, set(), {"prostate"}),
    ("Pluvicto", {"lutetium-psma"}, set(), {"prostate"}),
    ("palbo + letrozole", {"palbociclib", "letrozole"}, set(), {"breast"}),
    ("ribociclib/fulvestrant", {"ribociclib", "fulvestrant"}, set(), {"breast"}),
    ("abemaciclib", {"abemaciclib"}, set(), {"breast"}),
    ("alectinib", {"alectinib"}, {"ALK"}, {"nsclc"}),
    ("Alecensa", {"alectinib"}, {"ALK"}, {"nsclc"}),
    ("lorla", {"lorlatinib"}, {"ALK"}, {"nsclc"}),
    ("brigatinib", {"brigatinib"}, {"ALK"}, {"nsclc"}),
    ("capmatinib", {"capmatinib"}, {"MET"}, {"nsclc"}),
    ("sotorasib", {"sotorasib"}, {"KRAS"}, {"nsclc"}),
    ("Tarceva", {"erlotinib"}, {"EGFR"}, {"nsclc"}),
    ("Iressa", {"gefitinib"}, {"EGFR"}, {"nsclc"}),
    ("docetaxel", {"docetaxel"}, set(), set()),
    ("apalutamide", {"apalutamide"}, set(), {"prostate"}),
    ("darolutamide", {"darolutamide"}, set(), {"prostate"}),
    ("sunitinib", {"sunitinib"}, set(), {"renal"}),
    ("axitinib + pembro", {"axitinib", "pembrolizumab"}, set(), {"renal"}),
    ("Lumakras", {"sotorasib"}, {"KRAS"}, {"nsclc"}),
    ("adagrasib for G12C", {"adagrasib"}, {"KRAS"}, set()),
    ("dabrafenib/trametinib", {"dabrafenib", "trametinib"}, {"BRAF"}, set()),
    ("tucatinib-based", {"tucatinib"}, {"HER2"}, {"breast"}),
    ("Kadcyla", {"trastuzumab emtansine"}, {"HER2"}, {"breast"}),
    ("Ibrance", {"palbociclib"}, set(), {"breast"}),
    ("Xtandi", {"enzalutamide"}, set(), {"prostate"}),
    ("Imfinzi", {"durvalumab"}, set(), set()),
    ("Tecentriq", {"atezolizumab"}, set(), set()),
    ("Yervoy", {"ipilimumab"}, set(), set()),
    ("Erbitux", {"cetuximab"}, set(), {"colorectal"}),
    ("Vectibix", {"panitumumab"}, set(), {"colorectal"}),
    ("FOLFOXIRI", {"folfox"}, set(), {"colorectal"}),
    ("XELOX", {"xelox"}, set(), {"colorectal"}),
    ("carboplatin/pemetrexed", {"carboplatin", "pemetrexed"}, set(), set()),
    ("cabozantinib", {"cabozantinib"}, set(), set()),
    ("Verzenio", {"abemaciclib"}, set(), {"breast"}),
    ("Kisqali", {"ribociclib"}, set(), {"breast"}),
    ("Lorbrena", {"lorlatinib"}, {"ALK"}, {"nsclc"}),
    ("Alunbrig", {"brigatinib"}, {"ALK"}, {"nsclc"}),
    ("entrectinib", {"entrectinib"}, {"ROS1"}, {"nsclc"}),
    ("selpercatinib", {"selpercatinib"}, {"RET"}, {"nsclc"}),
    ("tepotinib", {"tepotinib"}, {"MET"}, {"nsclc"}),
    ("177Lu-PSMA-617", {"lutetium-psma"}, set(), {"prostate"}),
    ("on ADT", set(), set(), set()),
    ("anastrozole", {"anastrozole"}, set(), {"breast"}),
]

# phrase -> cancers that must be read
CANCERS: list[tuple[str, str]] = [
    ("sigmoid ca", "colorectal"),
    ("sigmoid adenocarcinoma", "colorectal"),
    ("CRC", "colorectal"),
    ("mCRC", "colorectal"),
    ("rectal ca", "colorectal"),
    ("caecal cancer", "colorectal"),
    ("colon adenocarcinoma", "colorectal"),
    ("CRLM", "colorectal"),
    ("mNSCLC", "nsclc"),
    ("NSCLC", "nsclc"),
    ("lung adeno", "nsclc"),
    ("lung ca", "nsclc"),
    ("non-small cell lung cancer", "nsclc"),
    ("mCRPC", "prostate"),
    ("mHSPC", "prostate"),
    ("CRPC", "prostate"),
    ("rising PSA", "prostate"),
    ("PSMA PET positive node", "prostate"),
    ("Gleason 9", "prostate"),
    ("biochemical recurrence", "prostate"),
    ("TNBC", "breast"),
    ("HR+ breast", "breast"),
    ("ER-positive", "breast"),
    ("MBC", "breast"),
    ("breast ca", "breast"),
    ("ccRCC", "renal"),
    ("mRCC", "renal"),
    ("renal cell carcinoma", "renal"),
    ("melanoma", "melanoma"),
    ("SCLC", "sclc"),
]

# phrase -> sites that must be read
SITES: list[tuple[str, str]] = [
    ("liver mets", "liver"),
    ("hepatic met", "liver"),
    ("segment VII lesion", "liver"),
    ("lung mets", "lung"),
    ("pulmonary nodules", "lung"),
    ("brain mets", "brain"),
    ("intracranial lesion", "brain"),
    ("cerebellar met", "brain"),
    ("T12 vertebra", "spine"),
    ("L3 met", "spine"),
    ("vertebral body", "spine"),
    ("sacral lesion", "spine"),
    ("rib met", "bone"),
    ("femoral lesion", "bone"),
    ("iliac bone", "bone"),
    ("acetabular met", "bone"),
    ("lytic lesion", "bone"),
    ("osseous met", "bone"),
    ("adrenal met", "adrenal"),
    ("left adrenal gland", "adrenal"),
    ("mediastinal nodes", "lymph_node"),
    ("para-aortic node", "lymph_node"),
    ("supraclavicular LN", "lymph_node"),
    ("hilar node", "lymph_node"),
    ("leptomeningeal disease", "leptomeninges"),
    ("peritoneal deposits", "peritoneum"),
    ("pleural effusion", "pleura"),
]

# mets (metastases) vs MET (the gene): decided by context
MET_GENE: list[tuple[str, bool]] = [
    ("liver met on osi", False),
    ("two lung mets", False),
    ("brain met 8 mm", False),
    ("MET exon 14 skipping", True),
    ("MET amplification after osimertinib", True),
    ("METex14", True),
    ("c-MET", True),
    ("MET-amplified resistance", True),
    ("a solitary met in the adrenal", False),
    ("new met in segment 4", False),
]

# count words and digits
COUNTS: list[tuple[str, int]] = [
    ("two new liver lesions", 2),
    ("three brain mets", 3),
    ("a solitary adrenal metastasis", 1),
    ("single lung nodule", 1),
    ("4 bone lesions", 4),
    ("five progressing sites", 5),
    ("one new brain lesion", 1),
]

# negation, hedging: phrase -> (affirmed sites, denied sites, hedged sites)
CONTEXT: list[tuple[str, set[str], set[str], set[str]]] = [
    ("brain MRI negative", set(), {"brain"}, set()),
    ("MRI brain negative", set(), {"brain"}, set()),
    ("brain MRI was negative, 2 new liver lesions", {"liver"}, {"brain"}, set()),
    ("no evidence of brain metastases", set(), {"brain"}, set()),
    ("no brain mets", set(), {"brain"}, set()),
    ("brain metastases ruled out", set(), {"brain"}, set()),
    ("ruled out liver disease", set(), {"liver"}, set()),
    ("free of liver lesions", set(), {"liver"}, set()),
    ("without bone involvement", set(), {"bone"}, set()),
    ("no adrenal lesion; new 2 cm liver lesion", {"liver"}, {"adrenal"}, set()),
    ("brain MRI showed no metastases", set(), {"brain"}, set()),
    ("brain MRI clear", set(), {"brain"}, set()),
    ("liver unremarkable", set(), {"liver"}, set()),
    ("negative for brain metastases", set(), {"brain"}, set()),
    ("suspicious for a rib lesion", set(), set(), {"bone"}),
    ("possible adrenal metastasis", set(), set(), {"adrenal"}),
    ("equivocal liver lesion", set(), set(), {"liver"}),
    ("indeterminate lung nodule", set(), set(), {"lung"}),
    ("cannot exclude a brain metastasis", set(), set(), {"brain"}),
    ("concerning for nodal disease", set(), set(), {"lymph_node"}),
    ("adrenal lesion, indeterminate", set(), set(), {"adrenal"}),
    ("no brain mets but a growing liver lesion", {"liver"}, {"brain"}, set()),
    ("new liver lesion", {"liver"}, set(), set()),
    ("growing adrenal metastasis", {"adrenal"}, set(), set()),
    ("brain met no longer responding", {"brain"}, set(), set()),
    ("no liver metastases on MRI", set(), {"liver"}, set()),
    ("PET: no distant disease, solitary adrenal met", {"adrenal"}, set(), set()),
    ("bone scan negative", set(), {"bone"}, set()),
    ("CT chest clear, no lung nodules", set(), {"lung"}, set()),
    ("brain: no new lesions", set(), {"brain"}, set()),
    ("no nodal disease", set(), {"lymph_node"}, set()),
    ("adrenal ruled out by biopsy", set(), {"adrenal"}, set()),
    ("liver lesion likely a haemangioma", set(), {"liver"}, set()),
    ("adrenal nodule consistent with adenoma", set(), {"adrenal"}, set()),
    ("liver lesion consistent with metastasis", {"liver"}, set(), set()),
    ("probable bone metastasis", set(), set(), {"bone"}),
    ("questionable lung nodule", set(), set(), {"lung"}),
    ("brain MRI negative for metastases", set(), {"brain"}, set()),
    ("liver mets excluded on MRI", set(), {"liver"}, set()),
    ("new liver lesion, brain MRI clear", {"liver"}, {"brain"}, set()),
    ("equivocal bone scan uptake in the rib", set(), set(), {"bone"}),
]

# diffuse burden words make polyprogression
DIFFUSE: list[tuple[str, str]] = [
    ("multiple new liver lesions", "liver"),
    ("innumerable lung nodules", "lung"),
    ("widespread bone metastases", "bone"),
    ("numerous liver mets", "liver"),
    ("diffuse liver involvement", "liver"),
    ("miliary lung disease", "lung"),
    ("eight new liver lesions", "liver"),
    ("12 lung mets", "lung"),
    ("countless brain lesions", "brain"),
    ("too many to count liver lesions", "liver"),
]

# question -> question type
TYPES: list[tuple[str, str]] = [
    ("What is oligoprogression?", "definition"),
    ("Define oligopersistence", "definition"),
    ("How is oligometastatic disease classified by ESTRO/EORTC?", "definition"),
    ("what does induced oligoprogression mean", "definition"),
    ("What BED does 54 Gy in 3 fractions give?", "dose"),
    ("EQD2 of 30 Gy/5 fx at alpha/beta 3?", "dose"),
    ("spinal cord limit for 3 fraction SBRT", "dose"),
    ("what dose for a 2 cm peripheral lung met", "dose"),
    ("cumulative EQD2 for re-irradiation of the cord", "dose"),
    ("What did SABR-COMET show?", "evidence"),
    ("Is there randomised evidence for SBRT in oligoprogressive NSCLC?", "evidence"),
    ("CURB trial results", "evidence"),
    ("How often should we image after SBRT?", "follow_up"),
    ("follow-up after liver SBRT", "follow_up"),
    ("CEA monitoring after resection of liver mets", "follow_up"),
    ("How to manage oligoprogression on osimertinib?", "guideline"),
    ("Should SBRT be offered for oligoprogressive breast cancer?", "guideline"),
    (
        "62 yo man, EGFR NSCLC on osimertinib, new 15 mm adrenal lesion, what now?",
        "case",
    ),
    ("my patient on pembro has multiple new liver lesions", "case"),
    ("Is WBRT the standard for 2 brain mets?", "false_premise"),
    ("Best treatment for type 2 diabetes?", "out_of_scope"),
    ("adjuvant osimertinib after resection of stage IB NSCLC", "out_of_scope"),
]


@pytest.mark.parametrize(("phrase", "therapies", "drivers", "cancers"), SHORTHAND)
def test_shorthand_drugs(
    phrase: str, therapies: set[str], drivers: set[str], cancers: set[str]
) -> None:
    u = understand(phrase)
    assert therapies <= set(u.therapies), u
    assert drivers <= set(u.drivers), u
    assert cancers <= set(u.cancers), u


@pytest.mark.parametrize(("phrase", "cancer"), CANCERS)
def test_shorthand_cancers(phrase: str, cancer: str) -> None:
    assert cancer in understand(phrase).cancers


@pytest.mark.parametrize(("phrase", "site"), SITES)
def test_sites_in_common_forms(phrase: str, site: str) -> None:
    assert site in understand(phrase).sites


@pytest.mark.parametrize(("phrase", "gene"), MET_GENE)
def test_mets_versus_met_gene(phrase: str, gene: bool) -> None:
    assert ("MET" in understand(phrase).drivers) is gene


@pytest.mark.parametrize(("phrase", "count"), COUNTS)
def test_counts_in_words_and_digits(phrase: str, count: int) -> None:
    assert understand(phrase).lesion_count == count


@pytest.mark.parametrize(("phrase", "affirmed", "denied", "hedged"), CONTEXT)
def test_negation_and_hedging(
    phrase: str, affirmed: set[str], denied: set[str], hedged: set[str]
) -> None:
    u = understand(phrase)
    assert set(u.sites) == affirmed, u
    assert set(u.sites_negated) == denied, u
    assert set(u.sites_uncertain) == hedged, u


@pytest.mark.parametrize(("phrase", "site"), DIFFUSE)
def test_diffuse_burden_words(phrase: str, site: str) -> None:
    u = understand(phrase)
    assert site in u.diffuse_sites
    assert "polyprogression" in u.scenarios
    assert "oligoprogression" not in u.scenarios


@pytest.mark.parametrize(("question", "kind"), TYPES)
def test_question_type(question: str, kind: str) -> None:
    assert understand(question).question_type == kind
    assert ask(question).question_type == kind


def test_distance_is_not_a_size() -> None:
    u = understand("2 cm lung lesion 1.5 cm from the proximal bronchial tree on osimertinib")
    assert [m.size_mm for m in u.lesions] == [20.0]
    assert understand("lesion within 2 cm of the cord").lesions == ()


def test_sizes_in_pairs_and_dimensions() -> None:
    assert [m.size_mm for m in understand("two liver lesions 1.5 and 2 cm").lesions] == [15, 20]
    assert [m.size_mm for m in understand("liver lesion 2.1 x 1.8 cm").lesions] == [21]


def test_negative_brain_mri_never_gets_srs() -> None:
    answer = ask(
        "EGFR NSCLC on osimertinib, brain MRI negative, 2 new liver lesions 1.5 and 2 cm, what now?"
    )
    assert answer.question_type == "case"
    assert "brain" in answer.understood.sites_negated
    sentences = [s for sec in answer.answer.sections for s in sec.sentences]
    assert not any("radiosurgery" in s.text.lower() for s in sentences)
    assert not any(s.source.split(":")[1].startswith("brain_") for s in sentences)
    assert not any(r.lower().startswith("srs") for r in answer.lead.split(": ")[1:])
    assert any("Denied in the question" in g for g in answer.gaps)


def test_suspected_lesion_is_not_planned() -> None:
    answer = ask("breast cancer on palbo, bone scan suspicious for a 9 mm rib lesion")
    assert "bone" in answer.understood.sites_uncertain
    assert not any(m.site == "bone" for m in answer.understood.lesions)


@pytest.mark.parametrize(
    "question",
    [
        "62M sigmoid ca on FOLFOX+bev, multiple new liver lesions, what now?",
        "NSCLC on pembro, innumerable lung nodules, plan?",
        "nsclc on pembro, 8 new liver lesions up to 2 cm",
        "breast cancer on palbo, widespread bone metastases progressing",
    ],
)
def test_diffuse_burden_is_polyprogression_never_local(question: str) -> None:
    answer = ask(question)
    assert answer.question_type == "case"
    assert "polyprogression" in answer.lead.lower()
    assert "treat locally" not in answer.lead.lower()
    assert answer.disease_state in (None, "polyprogression", "insufficient_data")


def test_case_lists_what_is_not_said() -> None:
    answer = ask("my patient with NSCLC on pembro has a new 12 mm adrenal lesion")
    assert "performance status (ECOG)" in answer.understood.not_stated
    assert "driver status (EGFR, ALK, ROS1...)" in answer.understood.not_stated
    assert any(g.startswith("Not stated in the question") for g in answer.gaps)


def test_dose_is_computed_with_arithmetic() -> None:
    answer = ask("What BED does 54 Gy in 3 fractions give?")
    assert answer.question_type == "dose"
    assert answer.lead.startswith("54 Gy in 3 fractions is a BED10 of 151.2 Gy")
    assert "EQD2 of 126.0 Gy" in answer.lead
    summed = ask("cumulative EQD2 of 30 Gy in 10 fractions plus 24 Gy in 2 fractions to the cord")
    assert "Cumulative" in summed.lead
    assert "121.5" in summed.lead
    assert "alpha/beta 2" in summed.lead


def test_organ_limits_from_tables() -> None:
    answer = ask("What is the spinal cord limit for SBRT in 3 fractions?")
    assert answer.lead.startswith("Spinal cord")
    assert "18 Gy in 3 fractions" in answer.lead


def test_false_premise_corrected_first_and_refusal_one_line() -> None:
    answer = ask("Is WBRT the standard for 2 brain mets?")
    assert answer.lead.startswith("No: ")
    assert "radiosurgery" in answer.lead
    refused = ask("Best treatment for type 2 diabetes?")
    assert refused.not_covered
    assert refused.lead.startswith("Out of scope")
    assert "it covers" in refused.lead


def test_table_size() -> None:
    rows = (
        len(SHORTHAND) + len(CANCERS) + len(SITES) + len(MET_GENE) + len(COUNTS)
        + len(CONTEXT) + len(DIFFUSE) + len(TYPES)
    )  # fmt: skip
    assert rows >= 180
