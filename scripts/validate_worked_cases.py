"""Check the format of the worked cases (tests/worked_cases): YAML shape, case schema, enum values.

Usage: python scripts/validate_worked_cases.py tests/worked_cases
Checks the format only; it never runs the engine, so a case writer can use it without seeing the
rules' answers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from oligoguide.model import CaseInputError, case_from_data
from oligoguide.model.vocab import (
    DiseaseState,
    IRecistResponse,
    LocalModality,
    OverallResponse,
    SystemicAction,
    Timing,
    WorkupCode,
)

TOP = {"id", "title", "cause", "narrative", "case", "expected", "sources", "disagreements"}
EXPECTED = {
    "disease_state",
    "overall_response",
    "progressing",
    "lesions",
    "systemic_action",
    "workup",
    "follow_up_weeks",
    "must_mention",
    "never",
}
NEVER_KEYS = {"lesion", "modality", "systemic_action", "ablative_now", "fractions_at_most"}


def _enum_values(*enums: Any) -> set[str]:
    return {str(v) for e in enums for v in e}


def _check_values(problems: list[str], where: str, values: Any, allowed: set[str]) -> None:
    for v in values if isinstance(values, list) else [values]:
        if str(v) not in allowed:
            problems.append(f"{where}: {v!r} is not one of {sorted(allowed)}")


def check_file(path: Path) -> list[str]:
    problems: list[str] = []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [f"not valid YAML: {exc}"]
    if not isinstance(doc, dict):
        return ["the file must hold a mapping"]
    problems += [f"unknown top-level key {k!r}" for k in set(doc) - TOP]
    problems += [f"missing top-level key {k!r}" for k in ("id", "case", "expected") if k not in doc]
    try:
        case = case_from_data(doc.get("case"))
    except CaseInputError as exc:
        problems.append(f"case: {exc}")
        case = None
    expected = doc.get("expected") or {}
    problems += [f"unknown expected key {k!r}" for k in set(expected) - EXPECTED]
    if "disease_state" in expected:
        _check_values(
            problems, "disease_state", expected["disease_state"], _enum_values(DiseaseState)
        )
    if "overall_response" in expected:
        _check_values(
            problems,
            "overall_response",
            expected["overall_response"],
            _enum_values(OverallResponse, IRecistResponse),
        )
    if expected.get("systemic_action") is not None:
        _check_values(
            problems, "systemic_action", expected["systemic_action"], _enum_values(SystemicAction)
        )
    if expected.get("workup"):
        _check_values(problems, "workup", expected["workup"], _enum_values(WorkupCode))
    ids: set[str] = set()
    if case is not None:
        ids = {x.id for x in case.lesions} | {g.id for g in case.lesion_groups}
    for lesion_id, spec in (expected.get("lesions") or {}).items():
        if case is not None and str(lesion_id) not in ids:
            problems.append(f"lesions: unknown lesion id {lesion_id!r}")
        spec = spec or {}
        _check_values(
            problems,
            f"lesions/{lesion_id}/modalities",
            spec.get("modalities", []),
            _enum_values(LocalModality),
        )
        _check_values(
            problems, f"lesions/{lesion_id}/timing", spec.get("timing", []), _enum_values(Timing)
        )
    for x in expected.get("progressing") or []:
        if case is not None and str(x) not in ids:
            problems.append(f"progressing: unknown lesion id {x!r}")
    window = expected.get("follow_up_weeks")
    if window is not None and not (
        isinstance(window, list) and len(window) == 2 and window[0] <= window[1]
    ):
        problems.append("follow_up_weeks must be null or [low, high]")
    for i, rule in enumerate(expected.get("never") or []):
        if not isinstance(rule, dict) or not set(rule) <= NEVER_KEYS or not rule:
            problems.append(f"never/{i}: keys must be among {sorted(NEVER_KEYS)}")
            continue
        if "modality" in rule:
            _check_values(
                problems, f"never/{i}/modality", rule["modality"], _enum_values(LocalModality)
            )
        if "systemic_action" in rule:
            _check_values(
                problems,
                f"never/{i}/systemic_action",
                rule["systemic_action"],
                _enum_values(SystemicAction),
            )
        if "lesion" in rule and case is not None and str(rule["lesion"]) not in ids:
            problems.append(f"never/{i}: unknown lesion id {rule['lesion']!r}")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else "tests/worked_cases")
    files = sorted(root.rglob("*.yaml"))
    bad = 0
    for f in files:
        problems = check_file(f)
        if problems:
            bad += 1
            print(f"{f}:")
            for p in problems:
                print(f"  - {p}")
    print(f"{len(files)} file(s), {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
