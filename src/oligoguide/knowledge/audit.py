"""The audit: rules that keep every statement true to its sources and to the other statements.

Loading (`loader.py`) refuses a base that is malformed (bad DOI/PMID, unknown or duplicate ids,
a statement without evidence, a basis entry citing evidence the statement does not cite). The
audit goes further and reads the base as a whole; `oligoguide kb check` runs it and fails on
what it finds. Rules (docs/knowledge.md, "The audit"):

- ``uncited``: a statement that cites no evidence.
- ``unknown_evidence``: a statement or a dose-table row citing an evidence id that does not exist.
- ``unused_evidence``: an evidence item no statement and no dose-table row (`source`) uses.
- ``conflict``: two statements on the same `question`, overlapping cancers ("any" overlaps all)
  and overlapping sites (none listed = any site), with opposite directions ("for" against
  "against") or grades on opposite sides (A/B against D/E).
- ``population``: a statement about a cancer none of its evidence concerns ("any" covers every
  cancer; a statement for "any" needs evidence for "any"), with no `extrapolated` text.
- ``basis_missing``: a statement without `basis` or without `verified`.
- ``basis_foreign``: a basis entry whose evidence is not among the statement's evidence.

`population`, `basis_missing` and `basis_foreign` are switchable (manifest `audit:`, or
`kb check --warn-only`): while a curator fills the fields they can be reported as warnings.
Every rule is pure: `audit(kb)` reads nothing but the base it is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from oligoguide.knowledge.loader import KnowledgeBase
from oligoguide.knowledge.models import AuditPolicy, RecommendationGrade, RuleMode, Statement
from oligoguide.model.errors import pointer_of

ANY = "any"

#: Every rule, in the order its problems are listed.
RULES: tuple[str, ...] = (
    "uncited",
    "unknown_evidence",
    "unused_evidence",
    "conflict",
    "population",
    "basis_missing",
    "basis_foreign",
)

#: Rules a manifest `audit:` policy (or `kb check --warn-only`) may turn into warnings, by the
#: name of their switch in `AuditPolicy`. Every other rule always fails the check.
SWITCHES: Mapping[str, str] = {
    "population": "population",
    "basis_missing": "basis",
    "basis_foreign": "basis",
}

_FOR = {RecommendationGrade.A, RecommendationGrade.B}
_AGAINST = {RecommendationGrade.D, RecommendationGrade.E}


@dataclass(frozen=True)
class AuditProblem:
    """One finding: which rule, which record, where in it (JSON pointer), and what is wrong."""

    rule: str
    record: str  # statement or evidence id; for a dose-table row, the table's file
    location: str  # JSON pointer inside the record ("" = the record itself)
    message: str
    file: str | None = None  # e.g. "statements/general.yaml", when the base was loaded from files

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file and self.file != self.record else ""
        return f"{self.rule}: {where}{self.record}: {self.location or '/'}: {self.message}"


@dataclass(frozen=True)
class AuditReport:
    """Problems split by the policy: `errors` fail `kb check`, `warnings` are only listed."""

    errors: tuple[AuditProblem, ...]
    warnings: tuple[AuditProblem, ...]


def audit(kb: KnowledgeBase, rules: Collection[str] | None = None) -> list[AuditProblem]:
    """Every problem the named rules (default: all of `RULES`) find in `kb`, in rule order."""
    chosen = RULES if rules is None else tuple(rules)
    unknown = sorted(set(chosen) - set(RULES))
    if unknown:
        raise ValueError(f"unknown audit rule(s): {', '.join(unknown)}")
    found: list[AuditProblem] = []
    for rule in RULES:
        if rule in chosen:
            found.extend(_CHECKS[rule](kb))
    return found


def apply_policy(problems: Collection[AuditProblem], policy: AuditPolicy) -> AuditReport:
    """Split problems into errors and warnings by the switchable rules' modes in `policy`."""
    modes = policy.model_dump()
    warned = {rule for rule, switch in SWITCHES.items() if RuleMode(modes[switch]) is RuleMode.WARN}
    return AuditReport(
        errors=tuple(p for p in problems if p.rule not in warned),
        warnings=tuple(p for p in problems if p.rule in warned),
    )


# --- the rules -----------------------------------------------------------------------------


def _statements(kb: KnowledgeBase) -> list[Statement]:
    return sorted(kb.statements.values(), key=lambda s: s.id)


def _on_statement(
    kb: KnowledgeBase, rule: str, statement: Statement, location: str, message: str
) -> AuditProblem:
    return AuditProblem(rule, statement.id, location, message, kb.statement_files.get(statement.id))


def _uncited(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    for statement in _statements(kb):
        if not statement.evidence:
            yield _on_statement(
                kb, "uncited", statement, "/evidence", "the statement cites no evidence"
            )


def _dose_sources(kb: KnowledgeBase) -> Iterator[tuple[str, str, str]]:
    """(evidence id, file, pointer) of every `source` in the data folders other than the
    evidence and statements (the dose tables: schedules, constraints, alpha/beta)."""
    for folder, documents in sorted(kb.extra.items()):
        files = kb.extra_files.get(folder, ())
        for index, document in enumerate(documents or []):
            file = files[index] if index < len(files) else f"{folder}/{index}"
            for pointer, source in _sources(document, ()):
                yield source, file, pointer


def _sources(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, (str, int)):
                yield pointer_of((*path, key)), str(value)
            else:
                yield from _sources(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _sources(value, (*path, index))


def _unknown_evidence(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    for statement in _statements(kb):
        for index, evidence_id in enumerate(statement.evidence):
            if evidence_id not in kb.evidence:
                yield _on_statement(
                    kb,
                    "unknown_evidence",
                    statement,
                    f"/evidence/{index}",
                    f"cites unknown evidence {evidence_id!r}",
                )
    for evidence_id, file, pointer in _dose_sources(kb):
        if evidence_id not in kb.evidence:
            yield AuditProblem(
                "unknown_evidence", file, pointer, f"cites unknown evidence {evidence_id!r}", file
            )


def _unused_evidence(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    used = {e for s in kb.statements.values() for e in s.evidence}
    used |= {evidence_id for evidence_id, _, _ in _dose_sources(kb)}
    for evidence_id in sorted(set(kb.evidence) - used):
        yield AuditProblem(
            "unused_evidence",
            evidence_id,
            "",
            "no statement and no dose-table row cites this evidence item",
            kb.evidence_files.get(evidence_id),
        )


def _overlap(first: tuple[str, ...], second: tuple[str, ...], *, empty_is_any: bool) -> bool:
    if empty_is_any and (not first or not second):
        return True
    return ANY in first or ANY in second or bool(set(first) & set(second))


def _side(grade: RecommendationGrade) -> str | None:
    return "for" if grade in _FOR else "against" if grade in _AGAINST else None


def _conflict(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    by_question: dict[str, list[Statement]] = defaultdict(list)
    for statement in _statements(kb):
        if statement.question is not None:
            by_question[statement.question].append(statement)
    for question, group in sorted(by_question.items()):
        for first, second in combinations(group, 2):
            if not _overlap(first.cancers, second.cancers, empty_is_any=False):
                continue
            if not _overlap(first.sites, second.sites, empty_is_any=True):
                continue
            if {first.direction, second.direction} == {"for", "against"}:
                yield _on_statement(
                    kb,
                    "conflict",
                    first,
                    "/direction",
                    f"question {question!r}: direction {first.direction!r} here but "
                    f"{second.direction!r} in {second.id!r} for overlapping cancers and sites",
                )
            elif {_side(first.grade), _side(second.grade)} == {"for", "against"}:
                yield _on_statement(
                    kb,
                    "conflict",
                    first,
                    "/grade",
                    f"question {question!r}: grade {first.grade.value} here but "
                    f"{second.grade.value} in {second.id!r} for overlapping cancers and sites",
                )


def _cancers(names: list[str]) -> str:
    return ", ".join("any cancer" if n == ANY else n for n in names) or "no cancer"


def _population(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    for statement in _statements(kb):
        if statement.extrapolated:
            continue
        covered = {
            cancer
            for evidence_id in statement.evidence
            if evidence_id in kb.evidence
            for cancer in kb.evidence[evidence_id].cancers
        }
        if ANY in covered:
            continue
        uncovered = [cancer for cancer in statement.cancers if cancer not in covered]
        if uncovered:
            yield _on_statement(
                kb,
                "population",
                statement,
                "/cancers",
                f"about {_cancers(uncovered)} but its evidence concerns only "
                f"{_cancers(sorted(covered))}: cite evidence for that population or say in "
                "`extrapolated` why the evidence applies",
            )


def _basis_missing(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    for statement in _statements(kb):
        if not statement.basis:
            yield _on_statement(
                kb,
                "basis_missing",
                statement,
                "/basis",
                "no basis: name the finding of a cited item it rests on, and where it is",
            )
        if statement.verified is None:
            yield _on_statement(
                kb,
                "basis_missing",
                statement,
                "/verified",
                "not verified: give the date and method of the check against its sources",
            )


def _basis_foreign(kb: KnowledgeBase) -> Iterator[AuditProblem]:
    for statement in _statements(kb):
        for index, entry in enumerate(statement.basis):
            if entry.evidence not in statement.evidence:
                yield _on_statement(
                    kb,
                    "basis_foreign",
                    statement,
                    f"/basis/{index}/evidence",
                    f"basis evidence {entry.evidence!r} is not among the statement's evidence",
                )


_CHECKS: Mapping[str, Callable[[KnowledgeBase], Iterator[AuditProblem]]] = {
    "uncited": _uncited,
    "unknown_evidence": _unknown_evidence,
    "unused_evidence": _unused_evidence,
    "conflict": _conflict,
    "population": _population,
    "basis_missing": _basis_missing,
    "basis_foreign": _basis_foreign,
}
