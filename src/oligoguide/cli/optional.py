"""Commands of the optional faces (ask, screen/synth, serve/token), each in its own module.

Each module exposes `register(app)`; a module that is not there yet is simply not registered.
"""

from __future__ import annotations

import importlib

import typer

FACES = (
    "oligoguide.cli.ask",
    "oligoguide.cli.cohort",
    "oligoguide.cli.serve",
    "oligoguide.cli.token",
)


def register(app: typer.Typer) -> None:
    for name in FACES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue  # that face is not built yet
            raise
        module.register(app)
