"""`oligoguide kb ...`: validate and describe the knowledge base."""

from __future__ import annotations

import typer

kb_app = typer.Typer(help="Knowledge base: check and stats.")
