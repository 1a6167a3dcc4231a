"""`oligoguide ask "QUESTION"`: a cited answer from the knowledge base."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oligoguide.ask import (
    DEFAULT_RETRIEVER,
    RetrieverKind,
    ask,
    render_answer_markdown,
    render_answer_text,
)
from oligoguide.ask.models import Answer
from oligoguide.ask.render_html import render_answer_html, render_answer_pdf
from oligoguide.cli.errors import fail_on_input_error
from oligoguide.cli.output import emit


class AskFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"
    PDF = "pdf"


def ask_command(
    question: Annotated[str, typer.Argument(help="The clinical question, in words")],
    fmt: Annotated[
        AskFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, markdown, json, or a page as html or pdf (pdf needs WeasyPrint's system "
            "libraries: Pango, HarfBuzz-subset)",
        ),
    ] = AskFormat.TEXT,
    retriever: Annotated[
        RetrieverKind, typer.Option("--retriever", help="Retrieval: lexical, dense or hybrid")
    ] = DEFAULT_RETRIEVER,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file")] = None,
) -> None:
    """Answer a clinical question from the knowledge base, every sentence cited."""
    with fail_on_input_error():
        answer = ask(question, retriever)
    emit(lambda: _rendered(answer, fmt), fmt == AskFormat.PDF, output)


def _rendered(answer: Answer, fmt: AskFormat) -> bytes:
    if fmt == AskFormat.PDF:
        return render_answer_pdf(answer, dt.date.today())
    if fmt == AskFormat.HTML:
        text = render_answer_html(answer, dt.date.today())
    elif fmt == AskFormat.JSON:
        text = answer.model_dump_json(indent=2) + "\n"
    elif fmt == AskFormat.MARKDOWN:
        text = render_answer_markdown(answer)
    else:
        text = render_answer_text(answer)
    return text.encode("utf-8")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_command)
