"""`screen()`: one contract for every engine."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from oligoguide.cohort.inputs import CohortInputs, discover
from oligoguide.cohort.kernel.report import KernelReport

Engine = Literal["embedded", "spark", "core"]
ENGINES: tuple[Engine, ...] = ("embedded", "spark", "core")

#: Progress callback: a fraction 0..1 of the work done.
Progress = Callable[[float], None]


@dataclass(frozen=True)
class ScreenRun:
    engine: Engine
    out: Path
    seconds: float
    #: What the FHIR conversion did, and how the embedded engine screened (the compiled rules
    #: for whom, or why the SQL alone), one line each.
    note: str | None = None


def _resolve(paths: list[Path], scratch: Path) -> tuple[CohortInputs, str | None]:
    """The tables to screen, and what the FHIR conversion did (None without FHIR input)."""
    inputs = discover(paths)
    if not inputs.fhir:
        return inputs, None
    from oligoguide.cohort.fhir_ndjson import convert

    converted = convert(list(inputs.fhir), scratch)
    merged = dict(converted.inputs.tables)
    merged.update(inputs.tables)  # explicit tables win over converted ones
    return CohortInputs(merged), converted.report.describe()


def screen(
    paths: list[Path],
    out: Path,
    *,
    engine: Engine = "embedded",
    master: str = "local[*]",
    memory_limit: str | None = None,
    progress: Progress | None = None,
    kernel: bool | None = None,
) -> ScreenRun:
    """Screen the cohort in `paths` and write one row per patient to `out` (Parquet).

    The Spark engine writes `out` as a Parquet dataset directory.
    """
    started = time.perf_counter()
    note: str | None = None
    with tempfile.TemporaryDirectory(prefix="oligoguide-") as scratch:
        inputs, fhir_note = _resolve(paths, Path(scratch))
        if engine == "embedded":
            from oligoguide.cohort import embedded

            report = embedded.screen_to_file(
                inputs,
                out,
                memory_limit=memory_limit,
                progress=None if progress is None else lambda p: progress(p / 100),
                kernel=kernel,
            )
            note = describe(report)
        elif engine == "spark":
            from oligoguide.cohort.spark import screen_to_file as spark_screen

            spark_screen(inputs, out, master=master)
        else:
            from oligoguide.cohort import core_engine

            core_engine.screen_to_file(inputs, out)
    notes = [text for text in (fhir_note, note) if text]
    return ScreenRun(engine, out, time.perf_counter() - started, "\n".join(notes) or None)


def describe(report: KernelReport) -> str:
    if report.fallback is not None:
        return f"SQL for every patient: {report.fallback}"
    return (
        f"compiled rules: {report.compiled_patients:,} patient(s); SQL: {report.sql_patients:,} "
        "(rows with problems, odd or missing ids, or no measurements)"
    )
