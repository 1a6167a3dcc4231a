"""The typer application and the registration of every command and sub-command group."""

from __future__ import annotations

import typer

from oligoguide.cli import ask, cohort, dicom, serve, token
from oligoguide.cli.assess import assess_command, demo_command, schema_command
from oligoguide.cli.dose import dose_app
from oligoguide.cli.kb import kb_app

app = typer.Typer(
    help="oligoguide: decision support for oligoprogression in metastatic cancer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("assess")(assess_command)
app.command("schema")(schema_command)
app.command("demo")(demo_command)
app.add_typer(kb_app, name="kb")
app.add_typer(dose_app, name="dose")

# The faces with heavy dependencies import them inside their commands, so the CLI stays quick.
for face in (ask, cohort, dicom, serve, token):
    face.register(app)
