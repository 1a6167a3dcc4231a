"""`oligoguide screen` and `oligoguide synth`: cohort screening and synthetic cohorts.

Heavy dependencies (pyarrow, duckdb, pyspark) are imported inside the commands, so the rest of
the CLI works without the `cohort` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oligoguide.cli.errors import EXIT_BAD_INPUT, fail_on_input_error

console = Console()


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


InputArg = Annotated[
    list[Path],
    typer.Argument(
        help="Cohort tables (measurements*, patients*, local_treatments* as .parquet or .csv), "
        "directories holding them, or FHIR Bulk Data *.ndjson files"
    ),
]


def screen_command(
    inputs: InputArg,
    engine: Annotated[
        str, typer.Option(help="embedded (DuckDB), spark, or core (one assess() per patient)")
    ] = "embedded",
    master: Annotated[str, typer.Option(help="Spark master URL (spark engine)")] = "local[*]",
    out: Annotated[Path, typer.Option(help="Result Parquet, one row per patient")] = Path(
        "results.parquet"
    ),
    memory_limit: Annotated[
        str | None, typer.Option(help="Embedded engine memory cap, e.g. 1GB (spills beyond)")
    ] = None,
    kernel: Annotated[
        bool | None,
        typer.Option(
            "--kernel/--no-kernel",
            help="Embedded engine: force the compiled rules (patient-grouped, typed Parquet) "
            "or the SQL alone (e.g. to cross-check); by default the rules from 250,000 rows",
        ),
    ] = None,
) -> None:
    """Screen a cohort: disease state, progressing lesions and organs, latest RECIST response."""
    from oligoguide.cohort import ENGINES, screen

    if engine not in ENGINES:
        fail(f"--engine: choose one of {', '.join(ENGINES)}")
    with Progress(
        TextColumn(f"screening ({engine})"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("screen", total=1.0)
        with fail_on_input_error():
            run = screen(
                inputs,
                out,
                engine=engine,  # type: ignore[arg-type]
                master=master,
                memory_limit=memory_limit,
                progress=lambda done: bar.update(task, completed=done),
                kernel=kernel,
            )
    _print_summary(out, engine, run.seconds)
    if run.note:
        console.print(run.note, soft_wrap=True)


def _print_summary(out: Path, engine: str, seconds: float) -> None:
    from oligoguide.cohort.summary import summarise

    summary = summarise(out)
    table = Table(title=f"Cohort screen ({engine}, {seconds:.1f} s) -> {out}")
    table.add_column("disease state")
    table.add_column("patients", justify="right")
    table.add_column("with data problems", justify="right")
    for state, patients, problems in summary.rows:
        table.add_row(state, str(patients), str(problems))
    table.add_row("[bold]all[/bold]", f"[bold]{summary.total}[/bold]", str(summary.problems))
    console.print(table)
    if summary.rejected:
        console.print(
            f"{summary.rejected} patient(s) rejected for malformed rows: see data_problems in {out}"
        )


def synth_command(
    patients: Annotated[int, typer.Option(min=1, help="Number of patients")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same cohort)")] = 1,
    out: Annotated[Path, typer.Option(help="Output directory")] = Path("cohort"),
    fmt: Annotated[
        str, typer.Option("--format", help="parquet, csv or fhir (Bulk Data NDJSON)")
    ] = "parquet",
) -> None:
    """Write a realistic synthetic cohort (measurements, patients, local_treatments tables, or a
    FHIR Bulk Data export of the same patients)."""
    from oligoguide.cohort.synth import generate

    if fmt not in ("parquet", "csv", "fhir"):
        fail("--format: choose parquet, csv or fhir")
    if fmt == "fhir":
        from oligoguide.cohort.fhir_export import synth_export

        export = synth_export(patients, seed, out)
        console.print(
            f"{export.patients} patients as FHIR Bulk Data NDJSON in {out} ({export.left_out} "
            "patients with malformed rows left out: they have no valid FHIR form)"
        )
        return
    summary = generate(patients, seed, out, fmt)  # type: ignore[arg-type]
    console.print(
        f"{summary.patients} patients, {summary.measurement_rows} measurement rows "
        f"({summary.malformed_patients} patients with malformed rows) in {out}"
    )


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
    app.command("synth")(synth_command)
