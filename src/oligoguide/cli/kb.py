"""`oligoguide kb ...`: validate and describe the knowledge base."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from oligoguide.knowledge import (
    AuditPolicy,
    KnowledgeBase,
    KnowledgeBaseError,
    RuleMode,
    load_knowledge_base,
    review_overdue,
)
from oligoguide.knowledge.audit import AuditProblem, AuditReport, apply_policy, audit
from oligoguide.knowledge.loader import configured_data_dir

kb_app = typer.Typer(help="Knowledge base: check and stats.", no_args_is_help=True)

#: `kb check` on a valid base past its review_by date (1 is an invalid base, 2 bad input).
EXIT_REVIEW_OVERDUE = 3

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Validate this folder instead of $OLIGOGUIDE_KB_DIR or the packaged base.",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]


class AuditSwitch(StrEnum):
    """The switchable audit rules (fields of the manifest's `audit:` policy)."""

    BASIS = "basis"
    POPULATION = "population"


class StatsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _load(data_dir: Path | None) -> KnowledgeBase:
    """Load and validate; on failure print every problem to stderr and exit 1.

    Without --data-dir, the base the other commands and `serve` use (OLIGOGUIDE_KB_DIR aware)."""
    try:
        return load_knowledge_base(configured_data_dir() if data_dir is None else data_dir)
    except KnowledgeBaseError as error:
        typer.echo(f"knowledge base invalid: {len(error.problems)} problem(s)", err=True)
        for problem in error.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(code=1) from error


def _counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _review_line(kb: KnowledgeBase, today: dt.date) -> str:
    manifest = kb.manifest
    days = (manifest.review_by - today).days
    due = f"{days} days left" if days >= 0 else f"OVERDUE by {-days} days"
    return f"reviewed on {manifest.reviewed_on}, review by {manifest.review_by} ({due})"


def kb_stats(kb: KnowledgeBase, today: dt.date | None = None) -> dict[str, Any]:
    """Counts by cancer, site, evidence kind, level and grade, plus the version and review dates."""
    evidence = list(kb.evidence.values())
    statements = list(kb.statements.values())
    return {
        "version": kb.version,
        "reviewed_on": kb.manifest.reviewed_on.isoformat(),
        "review_by": kb.manifest.review_by.isoformat(),
        "review_overdue": review_overdue(kb.manifest, today),
        "evidence": {
            "total": len(evidence),
            "by_kind": _counts([e.kind.value for e in evidence]),
            "by_level": _counts([e.level.value for e in evidence]),
            "by_cancer": _counts([c for e in evidence for c in e.cancers]),
            "by_site": _counts([s for e in evidence for s in e.sites]),
        },
        "statements": {
            "total": len(statements),
            "by_grade": _counts([s.grade.value for s in statements]),
            "by_cancer": _counts([c for s in statements for c in s.cancers]),
            "by_site": _counts([site for s in statements for site in s.sites]),
            "with_caveat": sum(1 for s in statements if s.caveat),
            "with_basis": sum(1 for s in statements if s.basis),
            "verified": sum(1 for s in statements if s.verified is not None),
            "with_question": sum(1 for s in statements if s.question is not None),
        },
    }


def audit_policy(
    kb: KnowledgeBase, *, strict: bool = False, warn_only: list[AuditSwitch] | None = None
) -> AuditPolicy:
    """The manifest's audit policy; `strict` makes every rule an error, `warn_only` demotes."""
    policy = AuditPolicy() if strict else kb.manifest.audit
    return policy.model_copy(update={switch.value: RuleMode.WARN for switch in warn_only or []})


def _echo_problems(title: str, problems: tuple[AuditProblem, ...]) -> None:
    typer.echo(title, err=True)
    for problem in problems:
        typer.echo(f"  - {problem}", err=True)


def _report(kb: KnowledgeBase, report: AuditReport) -> None:
    if report.warnings:
        _echo_problems(
            f"knowledge base {kb.version}: {len(report.warnings)} audit warning(s) "
            "(rules set to warn by the manifest's audit policy or --warn-only)",
            report.warnings,
        )
    if report.errors:
        _echo_problems(
            f"knowledge base {kb.version} fails the audit: {len(report.errors)} problem(s)",
            report.errors,
        )
        raise typer.Exit(code=1)


@kb_app.command("check")
def check(
    data_dir: DataDirOption = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Every audit rule fails the check, whatever the manifest's audit policy says.",
        ),
    ] = False,
    warn_only: Annotated[
        list[AuditSwitch] | None,
        typer.Option(
            "--warn-only",
            help="List this switchable rule's problems as warnings instead of failing "
            "(basis: basis_missing and basis_foreign; population). Repeatable.",
        ),
    ] = None,
) -> None:
    """Validate the knowledge base, audit it and check its review date.

    Exit 0 when valid, passing the audit and not past review_by; 1 listing every problem when
    invalid or failing the audit (one line per problem: rule, file, record, pointer, message);
    3 when valid but overdue for clinical review."""
    kb = _load(data_dir)
    _report(kb, apply_policy(audit(kb), audit_policy(kb, strict=strict, warn_only=warn_only)))
    today = dt.date.today()
    typer.echo(
        f"knowledge base {kb.version} is valid: {len(kb.evidence)} evidence items, "
        f"{len(kb.statements)} statements\n{_review_line(kb, today)}"
    )
    if review_overdue(kb.manifest, today):
        typer.echo(
            f"knowledge base {kb.version} is overdue for clinical review: review_by "
            f"{kb.manifest.review_by} has passed. Every assessment now carries a caution. "
            "Re-review the content, then set reviewed_on and review_by in manifest.yaml "
            "(docs/knowledge.md).",
            err=True,
        )
        raise typer.Exit(code=EXIT_REVIEW_OVERDUE)


def _text_block(title: str, counts: dict[str, int]) -> list[str]:
    lines = [f"  {title}:"]
    lines.extend(f"    {key:<28}{value:>4}" for key, value in counts.items())
    return lines


@kb_app.command("stats")
def stats(
    data_dir: DataDirOption = None,
    output_format: Annotated[
        StatsFormat, typer.Option("--format", help="text or json")
    ] = StatsFormat.TEXT,
) -> None:
    """Counts by cancer, site, evidence kind, level and grade, the version and review dates."""
    kb, today = _load(data_dir), dt.date.today()
    result = kb_stats(kb, today)
    if output_format is StatsFormat.JSON:
        typer.echo(json.dumps(result, indent=2))
        return
    evidence, statements = result["evidence"], result["statements"]
    lines = [
        f"knowledge base {result['version']}",
        _review_line(kb, today),
        f"evidence items: {evidence['total']}",
    ]
    for key in ("by_kind", "by_level", "by_cancer", "by_site"):
        lines.extend(_text_block(key.removeprefix("by_"), evidence[key]))
    lines.append(f"statements: {statements['total']} ({statements['with_caveat']} with a caveat)")
    for key in ("by_grade", "by_cancer", "by_site"):
        lines.extend(_text_block(key.removeprefix("by_"), statements[key]))
    typer.echo("\n".join(lines))
