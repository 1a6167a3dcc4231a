"""The one-row-per-patient result, built from a core Assessment or from rejected input."""

from __future__ import annotations

from typing import Any

from oligoguide.assess import Assessment
from oligoguide.cohort.case_rows import blank_key
from oligoguide.model.vocab import DiseaseState

REJECTED_REASON = (
    "input.rejected: the patient's rows are not a valid case; nothing is assessed until they "
    "are corrected (see data_problems)"
)


def rejected_row(key: str, problems: list[str]) -> dict[str, Any]:
    return {
        "patient_id": None if blank_key(key) else key,
        "disease_state": DiseaseState.INSUFFICIENT_DATA.value,
        "progressing_count": None,
        "progressing_lesions": [],
        "progressing_organs": [],
        "latest_overall": None,
        "reasons": [REJECTED_REASON],
        "data_problems": sorted(problems),
    }


def assessed_row(key: str, assessment: Assessment) -> dict[str, Any]:
    timepoints = assessment.response.timepoints
    state_notes = [e for e in assessment.explanations if e.rule.startswith("state.")]
    return {
        "patient_id": key,
        "disease_state": assessment.disease_state.value,
        "progressing_count": len(assessment.progressing_lesions),
        "progressing_lesions": sorted(assessment.progressing_lesions),
        "progressing_organs": sorted(assessment.progressing_organs),
        "latest_overall": timepoints[-1].overall.value if timepoints else None,
        "reasons": [f"{e.rule}: {e.text}" for e in state_notes if e.rule != "state.therapy"],
        "data_problems": [f"{m.item}: {m.reason}" for m in assessment.missing_data],
    }
