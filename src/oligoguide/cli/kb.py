"""`oligoguide kb ...`: validate and describe the knowledge base."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from oligoguide.knowledge import KnowledgeBase, KnowledgeBaseError, load_knowledge_base

kb_app = typer.Typer(help="Knowledge base: check and stats.", no_args_is_help=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Validate this folder instead of the packaged knowledge base.",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]


class StatsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _load(data_dir: Path | None) -> KnowledgeBase:
    """Load and validate; on failure print every problem to stderr and exit 1."""
    try:
        return load_knowledge_base(data_dir)
    except KnowledgeBaseError as error:
        typer.echo(f"knowledge base invalid: {len(error.problems)} problem(s)", err=True)
        for problem in error.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(code=1) from error


def _counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def kb_stats(kb: KnowledgeBase) -> dict[str, Any]:
    """Counts by cancer, site, evidence kind, level and grade, plus the version."""
    evidence = list(kb.evidence.values())
    statements = list(kb.statements.values())
    return {
        "version": kb.version,
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
        },
    }


@kb_app.command("check")
def check(data_dir: DataDirOption = None) -> None:
    """Validate the knowledge base; exit 0 when valid, 1 listing every problem otherwise."""
    kb = _load(data_dir)
    typer.echo(
        f"knowledge base {kb.version} is valid: {len(kb.evidence)} evidence items, "
        f"{len(kb.statements)} statements"
    )


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
    """Counts by cancer, site, evidence kind, level and grade, and the version."""
    result = kb_stats(_load(data_dir))
    if output_format is StatsFormat.JSON:
        typer.echo(json.dumps(result, indent=2))
        return
    evidence, statements = result["evidence"], result["statements"]
    lines = [f"knowledge base {result['version']}", f"evidence items: {evidence['total']}"]
    for key in ("by_kind", "by_level", "by_cancer", "by_site"):
        lines.extend(_text_block(key.removeprefix("by_"), evidence[key]))
    lines.append(f"statements: {statements['total']} ({statements['with_caveat']} with a caveat)")
    for key in ("by_grade", "by_cancer", "by_site"):
        lines.extend(_text_block(key.removeprefix("by_"), statements[key]))
    typer.echo("\n".join(lines))
