"""Typed view of the dose tables in the knowledge base (knowledge/data/dose/*.yaml).

Each YAML file is a mapping with a `kind`: alpha_beta, schedules or constraints. Every row
names its source, an evidence id that must exist in the knowledge base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from oligoguide.dose.errors import DoseDataError, DoseInputError
from oligoguide.knowledge import KnowledgeBase, default_knowledge_base
from oligoguide.model.errors import pointer_of
from oligoguide.model.vocab import Site

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=80)]
Location = Literal["peripheral", "central", "ultracentral", "any"]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlphaBetaRow(_Row):
    tissue: Identifier
    alpha_beta_gy: float = Field(gt=0)
    source: Identifier
    verified: bool
    note: str = ""


class ScheduleRow(_Row):
    id: Identifier
    site: Site
    location: Location
    total_gy: float = Field(gt=0)
    fractions: int = Field(ge=1)
    min_diameter_mm: float | None = Field(default=None, ge=0)
    max_diameter_mm: float | None = Field(default=None, gt=0)
    max_exclusive: bool = False
    max_lesions: int | None = Field(default=None, ge=1)
    preferred: bool = False
    source: Identifier
    verified: bool
    note: str = ""

    @property
    def sized(self) -> bool:
        """True when the row only applies to a diameter range."""
        return self.min_diameter_mm is not None or self.max_diameter_mm is not None

    def fits(self, diameter_mm: float) -> bool:
        """(min, max] membership; the upper end is open when max_exclusive."""
        if self.min_diameter_mm is not None and diameter_mm <= self.min_diameter_mm:
            return False
        if self.max_diameter_mm is not None:
            if self.max_exclusive:
                return diameter_mm < self.max_diameter_mm
            return diameter_mm <= self.max_diameter_mm
        return True


class ConstraintRow(_Row):
    organ: Identifier
    metric: str = Field(min_length=2)
    endpoint: str
    source: Identifier
    limits_gy: dict[int, float] = Field(min_length=1)
    unverified: tuple[int, ...] = ()
    caveat: str = Field(
        default="",
        description="Shown with every check against this row, e.g. where another source "
        "(UK SABR, HyTEC) sets a different limit for the same organ and fractions",
    )


class ReirradiationRow(_Row):
    organ: Identifier
    metric: str
    alpha_beta_gy: float = Field(gt=0)
    cumulative_eqd2_gy: float = Field(gt=0)
    course_eqd2_gy: float | None = Field(default=None, gt=0)
    min_interval_months: float | None = Field(default=None, ge=0)
    source: Identifier


class _AlphaBetaFile(_Row):
    kind: Literal["alpha_beta"]
    rows: tuple[AlphaBetaRow, ...]


class _SchedulesFile(_Row):
    kind: Literal["schedules"]
    rows: tuple[ScheduleRow, ...]


class _ConstraintsFile(_Row):
    kind: Literal["constraints"]
    aliases: dict[str, Identifier] = Field(default_factory=dict)
    metric_aliases: dict[str, str] = Field(default_factory=dict)
    rows: tuple[ConstraintRow, ...]
    reirradiation: tuple[ReirradiationRow, ...] = ()


_FILE_MODELS: dict[str, type[_Row]] = {
    "alpha_beta": _AlphaBetaFile,
    "schedules": _SchedulesFile,
    "constraints": _ConstraintsFile,
}


@dataclass(frozen=True)
class ConstraintLimit:
    """One limit from the tables, for one organ, metric and fraction count."""

    organ: str
    metric: str
    fractions: int
    limit_gy: float
    endpoint: str
    source: str
    verified: bool
    caveat: str = ""


@dataclass(frozen=True)
class DoseTables:
    knowledge_version: str
    alpha_beta: Mapping[str, AlphaBetaRow]
    schedules: tuple[ScheduleRow, ...]
    constraints: tuple[ConstraintRow, ...]
    reirradiation: tuple[ReirradiationRow, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    metric_aliases: Mapping[str, str] = field(default_factory=dict)

    def alpha_beta_for(self, tissue: str) -> AlphaBetaRow:
        try:
            return self.alpha_beta[tissue]
        except KeyError:
            known = ", ".join(sorted(self.alpha_beta))
            raise DoseInputError("tissue", f"unknown tissue {tissue!r} (known: {known})") from None

    @property
    def organs(self) -> tuple[str, ...]:
        return tuple(sorted({row.organ for row in self.constraints}))

    def canonical_organ(self, organ: str, field: str = "organ") -> str:
        """The table's name for an organ (aliases resolved); DoseInputError when unknown."""
        name = organ.strip().lower().replace(" ", "_").replace("-", "_")
        name = self.aliases.get(name, name)
        if name not in self.organs:
            raise DoseInputError(
                field, f"unknown organ {organ!r} (known: {', '.join(self.organs)})"
            )
        return name

    def metrics_for(self, organ: str) -> tuple[str, ...]:
        return tuple(row.metric for row in self.constraints if row.organ == organ)

    def canonical_metric(self, organ: str, metric: str, field: str = "metric") -> str:
        """The table's spelling of a metric for this organ; DoseInputError when unknown."""
        wanted = metric.strip().replace(" ", "")
        by_lower = {m.lower(): m for m in self.metrics_for(organ)}
        aliases = {a.lower(): m for a, m in self.metric_aliases.items()}
        key = wanted.lower()
        key = aliases.get(key, key).lower()
        if key not in by_lower:
            known = ", ".join(self.metrics_for(organ))
            raise DoseInputError(field, f"unknown metric {metric!r} for {organ} (known: {known})")
        return by_lower[key]

    def limit(self, organ: str, metric: str, fractions: int) -> ConstraintLimit | None:
        """The limit for canonical organ and metric at this fraction count, or None."""
        for row in self.constraints:
            if row.organ == organ and row.metric == metric and fractions in row.limits_gy:
                return ConstraintLimit(
                    organ=organ,
                    metric=metric,
                    fractions=fractions,
                    limit_gy=row.limits_gy[fractions],
                    endpoint=row.endpoint,
                    source=row.source,
                    verified=fractions not in row.unverified,
                    caveat=row.caveat,
                )
        return None

    def fractions_with_limits(self, organ: str, metric: str) -> tuple[int, ...]:
        for row in self.constraints:
            if row.organ == organ and row.metric == metric:
                return tuple(sorted(row.limits_gy))
        return ()

    def reirradiation_rule(self, organ: str, metric: str) -> ReirradiationRow | None:
        for row in self.reirradiation:
            if row.organ == organ and row.metric == metric:
                return row
        return None

    def sources(self) -> set[str]:
        found = {row.source for row in self.alpha_beta.values()}
        found |= {row.source for row in self.schedules}
        found |= {row.source for row in self.constraints}
        found |= {row.source for row in self.reirradiation}
        return found


def load_dose_tables(kb: KnowledgeBase) -> DoseTables:
    """Validate kb.extra['dose'] and return the typed tables; raise DoseDataError."""
    problems: list[str] = []
    parsed: dict[str, Any] = {}
    for index, document in enumerate(kb.extra.get("dose", [])):
        raw_kind = document.get("kind") if isinstance(document, dict) else None
        if not isinstance(raw_kind, str) or raw_kind not in _FILE_MODELS:
            problems.append(f"dose file {index}: unknown or missing kind {raw_kind!r}")
            continue
        kind: str = raw_kind
        model = _FILE_MODELS[kind]
        if kind in parsed:
            problems.append(f"dose file {index}: a second {kind!r} file")
            continue
        try:
            parsed[kind] = model.model_validate(document)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                where = pointer_of(tuple(detail["loc"])) or "/"
                problems.append(f"{kind}: {where}: {detail['msg']}")
    for name in _FILE_MODELS:
        if name not in parsed and not any(p.startswith(f"{name}:") for p in problems):
            problems.append(f"dose tables: no {name!r} file")
    if problems:
        raise DoseDataError(problems)

    ab_file: _AlphaBetaFile = parsed["alpha_beta"]
    schedules_file: _SchedulesFile = parsed["schedules"]
    constraints_file: _ConstraintsFile = parsed["constraints"]
    tables = DoseTables(
        knowledge_version=kb.version,
        alpha_beta={row.tissue: row for row in ab_file.rows},
        schedules=schedules_file.rows,
        constraints=constraints_file.rows,
        reirradiation=constraints_file.reirradiation,
        aliases=dict(constraints_file.aliases),
        metric_aliases=dict(constraints_file.metric_aliases),
    )
    problems.extend(
        f"dose tables cite unknown evidence {source!r}"
        for source in sorted(tables.sources())
        if source not in kb.evidence
    )
    seen: set[tuple[str, str]] = set()
    for row in tables.constraints:
        if (row.organ, row.metric) in seen:
            problems.append(f"constraints: duplicate row {row.organ} {row.metric}")
        seen.add((row.organ, row.metric))
        problems.extend(
            f"constraints: {row.organ} {row.metric}: unverified lists {n} fractions, no limit"
            for n in row.unverified
            if n not in row.limits_gy
        )
    if problems:
        raise DoseDataError(problems)
    return tables


@cache
def default_dose_tables() -> DoseTables:
    """The packaged dose tables, validated once per process (the data never changes at run time)."""
    return load_dose_tables(default_knowledge_base())
