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


async def json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
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
