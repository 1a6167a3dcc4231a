"""Scoring of the worked cases (tests/worked_cases): one function per expectation field.

The expectations were written from the sources by a writer who did not read the rules; this module
only compares them with an Assessment. A "never" hit is a plan a tumour board would stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oligoguide.assess import Assessment
from oligoguide.model.vocab import ABLATIVE_MODALITIES, RecommendationCategory

ROOT = Path(__file__).parent / "worked_cases"
FIELDS = (
    "disease_state",
    "overall_response",
    "progressing",
    "lesions",
    "systemic_action",
    "workup",
    "follow_up_weeks",
    "must_mention",
)
NOW = ("now", "urgent")


@dataclass
class CaseScore:
    case_id: str
    part: str
    fields: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    never_hits: list[str] = field(default_factory=list)


def load_worked_cases(part: str) -> list[tuple[Path, dict[str, Any]]]:
    files = sorted((ROOT / part).glob("*.yaml"))
    return [(f, yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files]


def plan_text(a: Assessment) -> str:
    parts = [a.bottom_line, *a.warnings]
    for r in a.recommendations:
        parts += [r.text, r.rationale, r.caveat or ""]
    parts += [f"{m.item}: {m.reason}" for m in a.missing_data]
    parts += [f"{n.title}: {n.text}" for n in a.context]
    if a.follow_up is not None:
        parts.append(a.follow_up.text)
    return "\n".join(parts)


def _local(a: Assessment, lesion_id: str | None = None) -> list[Any]:
    return [
        r
        for r in a.recommendations
        if r.category == RecommendationCategory.LOCAL_THERAPY
        and (lesion_id is None or r.lesion_id == lesion_id)
    ]


def _timing(r: Any) -> str:
    return str(getattr(r, "timing", None) or "now")


def _lead_action(a: Assessment) -> str | None:
    systemic = [r for r in a.recommendations if r.category == RecommendationCategory.SYSTEMIC]
    return None if not systemic or systemic[0].action is None else str(systemic[0].action)


def _latest_response(a: Assessment) -> set[str]:
    rows = a.response.timepoints
    if len(rows) < 2:
        return set()
    latest = rows[-1]
    found = {str(latest.overall)}
    if latest.irecist is not None:
        found.add(str(latest.irecist))
    return found


def score_case(case_id: str, part: str, a: Assessment, expected: dict[str, Any]) -> CaseScore:
    s = CaseScore(case_id, part)

    def mark(name: str, ok: float, miss: str) -> None:
        s.fields[name] = ok
        if ok < 1:
            s.misses.append(f"{name}: {miss}")

    if "disease_state" in expected:
        want = set(_as_list(expected["disease_state"]))
        mark(
            "disease_state", float(str(a.disease_state) in want), f"{a.disease_state} not in {want}"
        )
    if "overall_response" in expected:
        want = set(_as_list(expected["overall_response"]))
        got = _latest_response(a)
        mark("overall_response", float(bool(got & want)), f"{got} not in {want}")
    if "progressing" in expected and expected["progressing"] is not None:
        want = set(_as_list(expected["progressing"]))
        got = set(a.progressing_lesions)
        mark("progressing", float(got == want), f"{sorted(got)} != {sorted(want)}")
    if expected.get("lesions"):
        hits = []
        for lesion_id, spec in expected["lesions"].items():
            recs = _local(a, str(lesion_id))
            ok_mod = set(_as_list(spec.get("modalities", [])))
            ok_time = set(_as_list(spec.get("timing", [])))
            lead = recs[0] if recs else None
            good = lead is not None and (
                not ok_mod or str(lead.modality) in ok_mod or _observed(lead, ok_mod)
            )
            if good and ok_time:
                good = _timing(lead) in ok_time
            if lead is None and "observation" in ok_mod and not ok_time - {"now"}:
                good = False  # a lesion that must get a plan line got none
            hits.append(good)
            if not good:
                got = "none" if lead is None else f"{lead.modality}/{_timing(lead)}"
                s.misses.append(
                    f"lesion {lesion_id}: {got} not in {sorted(ok_mod)}/{sorted(ok_time)}"
                )
        s.fields["lesions"] = sum(hits) / len(hits)
    if "systemic_action" in expected and expected["systemic_action"] is not None:
        want = set(_as_list(expected["systemic_action"]))
        got = _lead_action(a)
        mark("systemic_action", float(got in want), f"{got} not in {want}")
    if expected.get("workup"):
        want = set(_as_list(expected["workup"]))
        got = {str(r.code) for r in a.recommendations if r.code is not None}
        missing = want - got
        s.fields["workup"] = 1 - len(missing) / len(want)
        if missing:
            s.misses.append(f"workup missing {sorted(missing)}")
    if "follow_up_weeks" in expected:
        window = expected["follow_up_weeks"]
        interval = None if a.follow_up is None else a.follow_up.imaging_interval_weeks
        if window is None:
            mark("follow_up_weeks", float(interval is None), f"{interval} given, none sourced")
        else:
            ok = interval is not None and window[0] <= interval[0] and interval[1] <= window[1]
            mark("follow_up_weeks", float(ok), f"{interval} not inside {window}")
    if expected.get("must_mention"):
        text = plan_text(a)
        pats = _as_list(expected["must_mention"])
        found = [p for p in pats if re.search(p, text, re.IGNORECASE)]
        s.fields["must_mention"] = len(found) / len(pats)
        for p in pats:
            if p not in found:
                s.misses.append(f"must_mention {p!r} absent")
    for rule in expected.get("never") or []:
        hit = never_hit(a, rule)
        if hit:
            s.never_hits.append(f"{rule}: {hit}")
    return s


def _observed(lead: Any, ok: set[str]) -> bool:
    return "observation" in ok and str(lead.modality) == "observation"


def never_hit(a: Assessment, rule: dict[str, Any]) -> str:
    """Describe the recommendation that breaks a 'never' rule, or '' when none does."""
    lesion = rule.get("lesion")
    recs = _local(a, None if lesion is None else str(lesion))
    if "modality" in rule:
        bad = str(rule["modality"])
        for r in recs:
            if str(r.modality) == bad or bad in {str(m) for m in r.alternatives}:
                return f"{r.id} offers {bad} for {r.lesion_id}"
    if rule.get("ablative_now"):
        for r in recs:
            if r.modality in ABLATIVE_MODALITIES and _timing(r) in NOW:
                return f"{r.id}: {r.modality} now for {r.lesion_id}"
    if "fractions_at_most" in rule:
        for r in recs:
            if r.dose is not None and r.dose.fractions <= int(rule["fractions_at_most"]):
                return f"{r.id}: {r.dose.total_gy:g} Gy/{r.dose.fractions} for {r.lesion_id}"
    if "systemic_action" in rule:
        lead = _lead_action(a)
        if lead == str(rule["systemic_action"]):
            return f"lead systemic action {lead}"
    return ""


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def summarise(scores: Iterable[CaseScore]) -> dict[str, dict[str, float]]:
    """Mean agreement per field (over the cases that state it), and the never-hit count."""
    table: dict[str, dict[str, float]] = {}
    rows = list(scores)
    for name in FIELDS:
        vals = [s.fields[name] for s in rows if name in s.fields]
        table[name] = {"n": len(vals), "agreement": round(sum(vals) / len(vals), 3) if vals else 0}
    table["never"] = {"n": len(rows), "hits": sum(len(s.never_hits) for s in rows)}
    return table
