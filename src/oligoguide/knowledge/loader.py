"""Load and validate the knowledge base. A base that fails validation is never half-served."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from oligoguide.knowledge.models import Evidence, Manifest, Statement
from oligoguide.model.errors import OligoguideError, issues_from_validation

RecordT = TypeVar("RecordT", Evidence, Statement)

#: A folder to load instead of the packaged base (a site's reviewed copy, or a test's broken one).
KB_DIR_ENV = "OLIGOGUIDE_KB_DIR"


class KnowledgeBaseError(OligoguideError):
    """The knowledge base failed validation; .problems lists every finding (file: where: what)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"knowledge base invalid: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )


@dataclass(frozen=True)
class KnowledgeBase:
    manifest: Manifest
    evidence: Mapping[str, Evidence]
    statements: Mapping[str, Statement]
    extra: Mapping[str, Any] = field(default_factory=dict)  # other data folders, e.g. dose tables
    #: Where each record was read from (file name in its folder), for messages; empty when the
    #: base was built in code. extra_files[folder] lists the files of extra[folder], in order.
    evidence_files: Mapping[str, str] = field(default_factory=dict)
    statement_files: Mapping[str, str] = field(default_factory=dict)
    extra_files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.manifest.version

    def statement(self, statement_id: str) -> Statement:
        return self.statements[statement_id]

    def missing_evidence(self, ids: Iterable[str]) -> list[str]:
        return sorted({i for i in ids if i not in self.evidence})


def default_data_dir() -> Traversable:
    return resources.files("oligoguide.knowledge") / "data"


def _yaml_files(folder: Traversable) -> list[Traversable]:
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _read_yaml(file: Traversable, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{file.name}: not valid YAML: {error}")
        return None


def _records(
    folder: Traversable, model: type[RecordT], problems: list[str]
) -> list[tuple[str, RecordT]]:
    """Each file is a YAML list of records; returns (file name, record) pairs."""
    found: list[tuple[str, RecordT]] = []
    for file in _yaml_files(folder):
        data = _read_yaml(file, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(f"{file.name}: expected a list of records")
            continue
        for index, item in enumerate(data):
            try:
                found.append((file.name, model.model_validate(item)))
            except ValidationError as error:
                label = item.get("id", index) if isinstance(item, dict) else index
                problems.extend(
                    f"{file.name}: {label}: {issue}" for issue in issues_from_validation(error)
                )
    return found


def _unique(
    records: list[tuple[str, RecordT]], kind: str, problems: list[str]
) -> dict[str, RecordT]:
    counts = Counter(r.id for _, r in records)
    for file, record in records:
        rid = record.id
        if counts[rid] > 1:
            problems.append(f"{file}: duplicate {kind} id {rid!r}")
    return {r.id: r for _, r in records}


def load_knowledge_base(data_dir: Traversable | Path | None = None) -> KnowledgeBase:
    """Read every YAML file under data_dir and validate the whole; raise KnowledgeBaseError."""
    root: Traversable = default_data_dir() if data_dir is None else _as_traversable(data_dir)
    problems: list[str] = []
    manifest_file = root / "manifest.yaml"
    manifest: Manifest | None = None
    if not manifest_file.is_file():
        problems.append("manifest.yaml: missing")
    else:
        try:
            manifest = Manifest.model_validate(_read_yaml(manifest_file, problems))
        except ValidationError as error:
            problems.extend(f"manifest.yaml: {issue}" for issue in issues_from_validation(error))
    evidence_records = _records(root / "evidence", Evidence, problems)
    evidence = _unique(evidence_records, "evidence", problems)
    statement_records = _records(root / "statements", Statement, problems)
    statements = _unique(statement_records, "statement", problems)
    for file, statement in statement_records:
        for evidence_id in statement.evidence:
            if evidence_id not in evidence:
                problems.append(
                    f"{file}: statement {statement.id!r} cites unknown evidence {evidence_id!r}"
                )
    extra_folders = [
        folder
        for folder in root.iterdir()
        if folder.is_dir() and folder.name not in {"evidence", "statements"}
    ]
    extra = {
        folder.name: [_read_yaml(f, problems) for f in _yaml_files(folder)]
        for folder in extra_folders
    }
    if problems or manifest is None:
        raise KnowledgeBaseError(problems or ["manifest.yaml: invalid"])
    return KnowledgeBase(
        manifest=manifest,
        evidence=evidence,
        statements=statements,
        extra=extra,
        evidence_files={r.id: f"evidence/{file}" for file, r in evidence_records},
        statement_files={r.id: f"statements/{file}" for file, r in statement_records},
        extra_files={
            folder.name: tuple(f"{folder.name}/{f.name}" for f in _yaml_files(folder))
            for folder in extra_folders
        },
    )


def _as_traversable(path: Traversable | Path) -> Traversable:
    return path  # pathlib.Path satisfies the Traversable protocol


def configured_data_dir() -> Traversable:
    """The folder `default_knowledge_base` reads: $OLIGOGUIDE_KB_DIR if set, else the package."""
    override = os.environ.get(KB_DIR_ENV, "").strip()
    return Path(override) if override else default_data_dir()


@cache
def default_knowledge_base() -> KnowledgeBase:
    """The knowledge base of this process (see `configured_data_dir`), loaded and validated once.

    An invalid base raises KnowledgeBaseError, so every face (the CLI, `oligoguide serve`)
    stops with the list of problems instead of serving part of the knowledge."""
    return load_knowledge_base(configured_data_dir())
