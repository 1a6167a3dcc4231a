"""Reading request bodies: a native case as JSON, or a FHIR Bundle by its content type."""

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


async def json_body(request: Request) -> Any:
    """The request body as strict JSON, or a 400 problem (never a 500)."""
    try:
        return parse_json(await request.body())
    except MalformedJsonError as error:
        raise ProblemError(400, "Malformed JSON", str(error), pointer=error.pointer) from None


async def read_case(request: Request) -> Case:
    kind = content_type(request)
    if kind in FHIR_TYPES:
        return case_from_bundle(await json_body(request))
    if kind not in JSON_TYPES:
        raise ProblemError(
            415,
            "Unsupported content type",
            "send application/json (a case) or application/fhir+json (a Bundle)",
        )
    return case_from_data(await json_body(request))


def case_from_bundle(data: Any) -> Case:
    from oligoguide.fhir.read import bundle_to_case  # the FHIR face is optional

    reading = bundle_to_case(data)
    return reading.case
