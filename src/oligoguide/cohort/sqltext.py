"""The screening SQL: one text for DuckDB and Spark SQL, filled with the core's own constants.

The rule thresholds and vocabularies are taken from the core modules, never retyped, so the SQL
cannot drift from them silently. Only three tokens differ by dialect (an array literal, the empty
string array and the time-point fold, whose lambda syntax differs); DuckDB gets macros that give it
Spark's names `array_join`, `array_compact`, `array_max` and `unix_date`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from importlib import resources
from string import Template
from typing import Final, Literal

from oligoguide.model import vocab
from oligoguide.response import arithmetic, selection
from oligoguide.state import Thresholds

Dialect = Literal["duckdb", "spark"]

_DIALECT: Final[dict[str, dict[str, str]]] = {
    "duckdb": {"ARRAY": "list_value", "EMPTY": "CAST([] AS VARCHAR[])"},
    "spark": {"ARRAY": "array", "EMPTY": "CAST(array() AS ARRAY<STRING>)"},
}

#: DuckDB macros that give it the Spark names the SQL uses.
DUCKDB_MACROS: Final = (
    "CREATE OR REPLACE TEMP MACRO array_join(l, sep) AS array_to_string(l, sep)",
    "CREATE OR REPLACE TEMP MACRO array_compact(l) AS list_filter(l, lambda x: x IS NOT NULL)",
    "CREATE OR REPLACE TEMP MACRO array_max(l) AS list_max(l)",
    "CREATE OR REPLACE TEMP MACRO unix_date(d) AS date_diff('day', DATE '1970-01-01', d)",
)

#: The time-point grouping (response/timepoints.py `group_dates`) as a fold over a patient's
#: sorted study keys `ks` from `k0`, the first: the keys that open a time point. A key opens one
#: when it is more than the window after the last key that did (`screen.sql` step 4 makes a
#: therapy start or local treatment put the dates after it out of reach).
_OPENS = "CASE WHEN x - array_max(acc) > {window} THEN concat(acc, {array}(x)) ELSE acc END"
_FOLD: Final[dict[str, str]] = {
    "duckdb": "list_reduce(ks, lambda acc, x: {body}, {array}(k0))",
    "spark": "aggregate(ks, {array}(k0), (acc, x) -> {body})",
}


def _timepoint_starts(dialect: Dialect, window: int) -> str:
    array = _DIALECT[dialect]["ARRAY"]
    return _FOLD[dialect].format(body=_OPENS.format(window=window, array=array), array=array)


def _values(items: Iterable[StrEnum]) -> str:
    values = [item.value for item in items]
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def constants(thresholds: Thresholds | None = None) -> dict[str, str]:
    limits = thresholds or Thresholds()
    return {
        "SITES": _values(vocab.Site),
        "STATUSES": _values(vocab.LesionObservation),
        "PRIMARIES": _values(vocab.PrimarySite),
        "CLASSES": _values(vocab.TherapyClass),
        "MODALITIES": _values(vocab.LocalModality),
        "RADIATION": _values(vocab.RADIATION_MODALITIES),
        "DIFFUSE": _values(vocab.DIFFUSE_SITES),
        "TOO_SMALL_MM": repr(arithmetic.TOO_SMALL_DEFAULT_MM),
        "PD_MM": repr(arithmetic.PD_ABSOLUTE_MM),
        "PD_REL": repr(arithmetic.PD_RELATIVE),
        "PR_REL": repr(arithmetic.PR_RELATIVE),
        "MEASURABLE_MM": repr(selection.MIN_MEASURABLE_MM),
        "MEASURABLE_NODE_MM": repr(selection.MIN_MEASURABLE_NODE_MM),
        "NORMAL_NODE_MM": repr(selection.NORMAL_NODE_MM),
        "MAX_TARGETS": str(selection.MAX_TARGETS),
        "MAX_PER_ORGAN": str(selection.MAX_TARGETS_PER_ORGAN),
        "MAX_PROG": str(limits.max_progressing_lesions),
        "MAX_OLIGO": str(limits.max_oligometastatic_lesions),
        "WINDOW": str(limits.timepoint_window_days),
    }


def screen_sql(dialect: Dialect, thresholds: Thresholds | None = None) -> str:
    """The screening query for one dialect over the views og_measurements, og_patients and
    og_treatments."""
    text = resources.files("oligoguide.cohort").joinpath("sql/screen.sql").read_text("utf-8")
    limits = thresholds or Thresholds()
    starts = _timepoint_starts(dialect, limits.timepoint_window_days)
    return Template(text).substitute(
        constants(limits), **_DIALECT[dialect], TIMEPOINT_STARTS=starts
    )


def split_ctes(sql: str) -> tuple[list[tuple[str, str]], str]:
    """The query's CTEs as (name, body) in order, and the final SELECT.

    Spark re-computes a CTE at every reference; the Spark engine runs each one as a view (cached
    when it is used more than once) instead. The text stays the one DuckDB runs whole.
    """
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    ctes: list[tuple[str, str]] = []
    name: str | None = None
    body: list[str] = []
    for index, line in enumerate(lines):
        if name is None:
            match = _CTE_START.match(line)
            if match:
                name, body = match.group(1), []
            elif line.startswith("SELECT"):
                return ctes, "\n".join(lines[index:])
            continue
        if _CTE_END.match(line):
            ctes.append((name, "\n".join(body)))
            name = None
        else:
            body.append(line)
    raise ValueError("no final SELECT in the screening SQL")


_CTE_START = re.compile(r"^(?:WITH\s+)?(\w+) AS \($")
_CTE_END = re.compile(r"^\),?$")
