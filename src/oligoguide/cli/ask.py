"""`oligoguide ask "QUESTION"`: a cited answer from the knowledge base."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from oligoguide.ask import (
    DEFAULT_RETRIEVER,
    RetrieverKind,
    ask,
    render_answer_markdown,
    render_answer_text,
)
from oligoguide.cli.errors import fail_on_input_error


class AskFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def ask_command(
    question: Annotated[str, typer.Argument(help="The clinical question, in words")],
    fmt: Annotated[AskFormat, typer.Option("--format", "-f")] = AskFormat.TEXT,
    retriever: Annotated[
        RetrieverKind, typer.Option("--retriever", help="Retrieval: lexical, dense or hybrid")
    ] = DEFAULT_RETRIEVER,
) -> None:
    """Answer a clinical question from the knowledge base, every sentence cited."""
    with fail_on_input_error():
        answer = ask(question, retriever)
    if fmt == AskFormat.JSON:
        typer.echo(answer.model_dump_json(indent=2))
    elif fmt == AskFormat.MARKDOWN:
        typer.echo(render_answer_markdown(answer), nl=False)
    else:
        typer.echo(render_answer_text(answer), nl=False)


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_command)
