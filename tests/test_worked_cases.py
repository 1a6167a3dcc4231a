"""Worked cases written from the sources by a separate writer (tests/worked_cases/README.md).

Every case must be understood (valid input) and must never produce a recommendation its writer
marked as one a tumour board would stop. Per-field agreement is measured, written to
`worked_cases_report.json` when OLIGOGUIDE_WORKED_REPORT is set, and checked against a floor for
the dev part only: the held-out part is reported as measured, never tuned on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from oligoguide.assess import assess
from oligoguide.model import case_from_data
from worked_case_scoring import load_worked_cases, score_case, summarise

DEV = load_worked_cases("dev")
HELDOUT = load_worked_cases("heldout")
ALL = [(p, doc, "dev") for p, doc in DEV] + [(p, doc, "heldout") for p, doc in HELDOUT]


@pytest.mark.parametrize(("path", "doc", "part"), ALL, ids=[p.stem for p, _, _ in ALL])
def test_never_appears(path: Path, doc: dict, part: str) -> None:
    assessment = assess(case_from_data(doc["case"]))
    score = score_case(doc["id"], part, assessment, doc.get("expected") or {})
    assert not score.never_hits, f"{path.name}: {score.never_hits}"


def test_agreement_report() -> None:
    scores = []
    for _path, doc, part in ALL:
        assessment = assess(case_from_data(doc["case"]))
        scores.append(score_case(doc["id"], part, assessment, doc.get("expected") or {}))
    report = {
        "dev": summarise(s for s in scores if s.part == "dev"),
        "heldout": summarise(s for s in scores if s.part == "heldout"),
        "misses": {s.case_id: s.misses for s in scores if s.misses},
    }
    target = os.environ.get("OLIGOGUIDE_WORKED_REPORT")
    if target:
        Path(target).write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert len(scores) >= 60, "issue 18 asks for at least 60 worked cases"
    for name, row in report["dev"].items():
        if name != "never" and row["n"]:
            assert row["agreement"] >= DEV_FLOOR.get(name, 0.0), (name, row)


#: Floors for the dev part, a little below the agreement measured on 2026-12-05 (disease state
#: 0.90, RECIST response 1.00, progressing 0.97, lesion plan 0.88, systemic action 0.93, work-up
#: 0.86, follow-up 0.50, must-mention 0.89), so that a regression fails. The held-out part has no
#: floor: it is reported as measured.
DEV_FLOOR: dict[str, float] = {
    "disease_state": 0.85,
    "overall_response": 0.95,
    "progressing": 0.9,
    "lesions": 0.8,
    "systemic_action": 0.85,
    "workup": 0.8,
    "follow_up_weeks": 0.45,
    "must_mention": 0.8,
}
