"""Reading request bodies: a native case as JSON, or a FHIR Bundle by its content type."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from oligoguide.model import Case, case_from_data
from oligoguide.service.problems import ProblemError

JSON_TYPES = ("application/json",)
FHIR_TYPES = ("application/fhir+json",)


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


class MalformedJsonError(ValueError):
    """The bytes are not strict JSON; the message says where or why."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON from untrusted bytes: MalformedJsonError for anything else, whatever it is.

    ValueError covers JSONDecodeError, UnicodeDecodeError, NaN/Infinity and integers over
    Python's digit limit; RecursionError a nesting deeper than the parser's stack. Only JSON is
    ever parsed (no XML parser anywhere, so no external entities)."""
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except ValueError as error:
        raise MalformedJsonError(str(error)) from None
    except RecursionError:
        raise MalformedJsonError("nested too deeply") from None


async def json_body(request: Request) -> Any:
    """The request body as strict JSON, or a 400 problem (never a 500)."""
    try:
        return parse_json(await request.body())
    except MalformedJsonError as error:
        raise ProblemError(400, "Malformed JSON", str(error), pointer="") from None


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
