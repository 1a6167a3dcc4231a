"""`oligoguide dose ...`: radiobiology and dose checks (filled by the dose module's work)."""

from __future__ import annotations

import typer

dose_app = typer.Typer(help="Radiotherapy dose: BED/EQD2, schedules, organ-at-risk checks.")
