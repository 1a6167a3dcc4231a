"""The plan in two readings: a table of what to do (one row per recommendation), and the
details behind each row (the statement, why, caveat, organ-at-risk limits), each said once.

A recommendation's text is a case-specific lead ('BR1: SRS 24 Gy in single fraction.') followed
by its knowledge-base statement. The table shows the lead; the details show the statement once
even when several recommendations rest on it (a re-biopsy and a plasma ctDNA test share one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oligoguide.assess import Assessment
from oligoguide.knowledge import KnowledgeBase
from oligoguide.model.vocab import (
    Intent,
    LocalModality,
    RecommendationCategory,
    Timing,
    WorkupCode,
)
from oligoguide.plan import Recommendation
from oligoguide.render.wording import UNVERIFIED, Wording, words

Category = RecommendationCategory
PLAN_HEADER = ["Step", "Lesion", "What", "Timing", "Dose", "Strength"]
ORGAN_HEADER = ["Lesion", "Organ at risk", "Metric", "Limit", "Endpoint", "Source"]
LOCAL_STEP = "Step 2 - Local treatment, lesion by lesion"
TIMING_WORDS = {
    Timing.URGENT: "urgent: today",
    Timing.NOW: "now",
    Timing.AFTER_SYSTEMIC_RESPONSE: "after response to systemic therapy",
    Timing.AFTER_CONFIRMATION: "once progression is confirmed",
    Timing.IF_SYMPTOMATIC: "if symptomatic",
}
DETAIL_TITLES = (  # the steps as the plan page names them
    ("Step 1 - Work-up and tumour-board review", (Category.WORKUP, Category.FOLLOW_UP)),
    (LOCAL_STEP, (Category.LOCAL_THERAPY,)),
    ("Step 3 - Systemic therapy", (Category.SYSTEMIC,)),
    ("Cautions", (Category.CAUTION,)),
)


def _step(r: Recommendation) -> tuple[int, str]:
    """Reading order of the plan table and the step's name: tests, board, treatment."""
    if r.code == WorkupCode.MDT_REVIEW:
        return 1, "Tumour-board review"
    return {
        Category.WORKUP: (0, "Work-up"),
        Category.LOCAL_THERAPY: (2, "Local treatment"),
        Category.SYSTEMIC: (3, "Systemic therapy"),
        Category.FOLLOW_UP: (4, "Follow-up"),
    }.get(r.category, (5, words(r.category.value).capitalize()))


def modality_name(modality: LocalModality, lower: bool = False) -> str:
    """'SBRT', 'RFA'; 'Surgery' (or 'surgery' inside a sentence)."""
    value = modality.value
    if len(value) <= 4:
        return value.upper()
    return words(value) if lower else words(value).capitalize()


@dataclass
class PlanParts:
    """One assessment's plan, worded for the report."""

    a: Assessment
    kb: KnowledgeBase
    w: Wording
    _said: set[str] = field(default_factory=set)

    def lead(self, r: Recommendation) -> str:
        """The recommendation's own sentence before its statement, without the lesion prefix."""
        statement = self.kb.statements[r.statement_id].text
        lead = r.text[: -len(statement)].strip() if r.text.endswith(statement) else ""
        if r.lesion_id and lead.startswith(f"{r.lesion_id}: "):
            lead = lead[len(r.lesion_id) + 2 :]
        return self.w.clean(lead[:1].upper() + lead[1:]).removesuffix(".")

    def what(self, r: Recommendation) -> str:
        lead = self.lead(r)
        if r.category == Category.LOCAL_THERAPY and r.modality is not None:
            what = modality_name(r.modality) if r.dose or not lead else lead
            if r.intent == Intent.PALLIATIVE:
                what += " (palliative)"
            if r.alternatives:
                others = ", ".join(modality_name(m, lower=True) for m in r.alternatives)
                what += f"; alternative: {others}"
            return what
        if lead:
            return lead
        if r.action is not None:
            return f"{words(r.action.value).capitalize()} the systemic therapy"
        return self.w.clean(r.text.split(". ")[0])

    def dose(self, r: Recommendation) -> str:
        if r.dose is None:
            return "-"
        d = r.dose
        return (
            f"{d.total_gy:g} Gy in {d.fractions} fraction{'s' if d.fractions > 1 else ''}; "
            f"BED10 {d.bed10:g} Gy; EQD2 {d.eqd2_10:g} Gy{self.w.cite([d.source])}"
        )

    def timing(self, r: Recommendation) -> str:
        if r.timing is not None:
            return TIMING_WORDS.get(r.timing, words(r.timing.value))
        if r.category == Category.WORKUP:
            return "before treatment"
        return "-"

    def table_rows(self) -> list[list[str]]:
        recs = [r for r in self.a.recommendations if r.category != Category.CAUTION]
        recs.sort(key=lambda r: _step(r)[0])  # stable: the engine's order within a step
        return [
            [
                _step(r)[1],
                r.lesion_id or "-",
                self.what(r),
                self.timing(r),
                self.dose(r),
                f"grade {r.strength.value}{self.w.cite(r.citations)}",
            ]
            for r in recs
        ]

    def _once(self, text: str | None) -> str:
        """The text the first time it is asked for, '' afterwards (no paragraph twice)."""
        if not text or text in self._said:
            return ""
        self._said.add(text)
        return text

    def detail(self, group: list[Recommendation]) -> str:
        """One paragraph for the recommendations resting on one statement."""
        first = group[0]
        statement = self.kb.statements[first.statement_id]
        names = [f"{r.lesion_id} - {self.what(r)}" if r.lesion_id else self.lead(r) for r in group]
        label = "; ".join(n for n in dict.fromkeys(names) if n)
        cite = self.w.cite(dict.fromkeys(c for r in group for c in r.citations))
        body = self._once(statement.text)
        text = f"{label}: " if label else ""
        text += f"{self.w.clean(body)}{cite}" if body else f"as above{cite}"
        text += f" (grade {first.strength.value}"
        text += f"; {UNVERIFIED})." if statement.verified is None else ")."
        for why in dict.fromkeys(self._once(r.rationale) for r in group):
            text += f" Why: {self.w.clean(why)}" if why else ""
        excluded = [e for r in group for e in r.excluded]
        if excluded:
            text += " Not chosen: " + "; ".join(
                f"{modality_name(e.modality)} ({self.w.clean(e.reason)})" for e in excluded
            )
            text += "."
        caveat = self._once(first.caveat)
        return text + (f" Caveat: {self.w.clean(caveat)}" if caveat else "")

    def details(self) -> list[tuple[str, list[str]]]:
        """(title, paragraphs) per part of the plan, in the order of DETAIL_TITLES."""
        out = []
        for title, categories in DETAIL_TITLES:
            groups: dict[tuple[str, str], list[Recommendation]] = {}
            for r in self.a.recommendations:
                if r.category in categories:
                    key = (r.lesion_id or "", r.statement_id)
                    groups.setdefault(key, []).append(r)
            paragraphs = [p for p in (self.detail(g) for g in groups.values()) if p]
            if paragraphs:
                out.append((title, paragraphs))
        return out

    def _dosed(self) -> list[Recommendation]:
        return [r for r in self.a.recommendations if r.dose is not None]

    def organ_rows(self) -> list[list[str]]:
        """The organ-at-risk limits of each dosed (SBRT/SRS) recommendation, for its schedule's
        fraction count, with the source as a reference."""
        rows = []
        for r in self._dosed():
            assert r.dose is not None
            for limit in r.dose.organ_limits:
                organ = words(limit.organ) + (" (next to the lesion)" if limit.adjacent else "")
                value = f"{limit.limit_gy:g} Gy in {limit.fractions} fx"
                source = self.w.source(limit.source)
                if not limit.verified:
                    source += f" ({UNVERIFIED})"
                rows.append(
                    [r.lesion_id or "-", organ, limit.metric, value, limit.endpoint, source]
                )
        return rows

    def organ_notes(self) -> list[str]:
        """The dose notes ('no organ recorded next to this lesion'...): each sentence once, with
        the lesions it is about."""
        by_sentence: dict[str, list[str]] = {}
        for r in self._dosed():
            assert r.dose is not None
            for sentence in re.split(r"(?<=\.)\s+", r.dose.organ_note or ""):
                if sentence:
                    by_sentence.setdefault(sentence, []).append(r.lesion_id or "-")
        return [
            f"Organs at risk, {', '.join(dict.fromkeys(lesions))}: {self.w.clean(sentence)}"
            for sentence, lesions in by_sentence.items()
        ]
