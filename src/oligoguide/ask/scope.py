"""Which uncovered topics a question is really about, so the field's own words are not refused.

The lexicon's `uncovered_topics` are words that usually mean a question outside the field
(adjuvant, screening, regimen, primary...). Clinicians use the same words inside it: "adjuvant
SBRT after resection of lung mets", "SINDAS: did upfront RT prevent progression?", "what regimen
did Gomez use?", "post-op RT after surgery for a spine met". A topic in `_SOFT` is set aside when
the question is about metastatic disease; trial-bound words (regimen, screening) also when it
names a study the base holds. Drug doses in mg, particle therapy, billing and non-oncological
conditions stay outside whatever else is said, except in a question about a described
metastatic patient or a stated disease state, where every topic is only the setting.
"""

from __future__ import annotations

import re

from oligoguide.ask.kinds import METASTATIC, RT_DOSE, TRIAL

#: Set aside for a question about metastases.
_SOFT = {
    "adjuvant_early_disease",
    "screening_prevention",
    "primary_tumour_treatment",
}
#: Set aside for a question naming a study the base holds ("CURB: which regimen?").
_STUDY_BOUND = _SOFT | {"chemotherapy_choice"}
#: Local treatments of the field: with one of them, a first-line drug, TACE or screening is the
#: setting of the question, not what it asks.
_LOCAL_THERAPY = re.compile(
    r"\b(?:sbrt|sabr|srs|wbrt|radiosurgery|stereotactic|resect\w*|metastasectom\w*|ablat\w*|"
    r"rfa|mwa|lct|local (?:consolidative )?therapy)\b",
    re.IGNORECASE,
)
_MG = re.compile(r"\bmg\b|mg/", re.IGNORECASE)
_PROGRESS = re.compile(r"\bprogress\w*", re.IGNORECASE)
#: The next systemic step after a therapy failed is a decision the base holds statements on
#: ("after Tagrisso failure, pembro or nivo next line?"), unlike a regimen choice as such.
_AFTER_FAILURE = re.compile(r"\b(?:fail\w*|progress\w*|resistan\w*|refractory)\b", re.IGNORECASE)
_STATES = {"oligoprogression", "polyprogression", "oligopersistence", "oligometastatic"}


def asked_uncovered(
    found: list[str],
    text: str,
    *,
    drugs_named: bool,
    names_known_study: bool,
    patient_specific: bool,
    scenarios: list[str],
) -> list[str]:
    """The uncovered topics the question is about, from those whose words it contains."""
    metastatic = bool(METASTATIC.search(text))
    if patient_specific and metastatic:
        return []  # "relapsed with mets after adjuvant osimertinib, now..."
    if _STATES & set(scenarios) and (metastatic or _PROGRESS.search(text)):
        # "oligoprogression on FOLFOX: which chemo or SBRT?"; a state inferred from a count
        # alone ("node positive, how many months of adjuvant chemo") does not make it metastatic
        return []
    if found and set(found) <= {"chemotherapy_choice"} and _AFTER_FAILURE.search(text):
        return []
    topics = list(found)
    radiation = not drugs_named and bool(RT_DOSE.search(text))
    if "drug_dosing" in topics and radiation and not _MG.search(text):
        topics.remove("drug_dosing")  # "SRS after WBRT 30/10: dose reduce?" is radiation
    local = _LOCAL_THERAPY.search(text)
    if "chemotherapy_choice" in topics and local:
        topics.remove("chemotherapy_choice")  # "2 growing mets on first-line osi: SBRT?"
    if "screening_prevention" in topics and local:  # (about metastases: set aside below)
        topics.remove("screening_prevention")  # "V12 limit to prevent radionecrosis after SRS"
    if metastatic:
        topics = [t for t in topics if t not in _SOFT]
        if "sirt_tace_hipec" in topics and local:
            topics.remove("sirt_tace_hipec")  # "SBRT after prior TACE, liver met"
    if names_known_study or TRIAL.search(text):
        topics = [t for t in topics if t not in _STUDY_BOUND]
    return topics
