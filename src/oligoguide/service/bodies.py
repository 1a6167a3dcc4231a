"""Reading request bodies: strict JSON, and a native case sent as JSON (FHIR Bundles, told by
their content type, are read in `case_keys`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from oligoguide.model import Case, CaseInputError, case_from_data
from oligoguide.model.io import parse_json_text
from oligoguide.service.problems import ProblemError

JSON_TYPES = ("application/json",)
FHIR_TYPES = ("application/fhir+json",)


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


class MalformedJsonError(ValueError):
    """The bytes are not strict JSON; the message says where or why, `pointer` which object
    (a duplicate key) or "" (the document)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON from untrusted bytes: MalformedJsonError for anything else, whatever it is.

    The core's reader decides (`oligoguide.model.io.parse_json_text`): UTF-8 only, no NaN or
    Infinity, no integer of more than 100 digits, no float overflow, no duplicate key in an
    object (refused with that object's pointer), no nesting deeper than the parser's stack.
    Only JSON is ever parsed (no XML parser anywhere, so no external entities)."""
    try:
        return parse_json_text(raw)
    except CaseInputError as error:
        issue = error.issues[0]
        message = issue.message.removeprefix("malformed JSON: ")
        raise MalformedJsonError(message, issue.pointer) from None


def body_json(raw: bytes) -> Any:
    """A request body (already read) as strict JSON, or a 400 problem (never a 500)."""
    try:
        return parse_json(raw)
    except MalformedJsonError as error:
        raise ProblemError(400, "Malformed JSON", str(error), pointer=error.pointer) from None


async def json_body(request: Request) -> Any:
    """The request body as strict JSON, or a 400 problem (never a 500)."""
    return body_json(await request.body())


def native_case(request: Request, raw: bytes) -> Case:
    """A native case from a body already read: a 415 problem unless it is sent as JSON."""
    if content_type(request) not in JSON_TYPES:
        raise ProblemError(
            415,
            "Unsupported content type",
            "send application/json (a case) or application/fhir+json (a Bundle)",
        )
    return case_from_data(body_json(raw))
