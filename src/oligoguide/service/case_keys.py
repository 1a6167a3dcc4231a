"""Request bodies that are FHIR Bundles, keyed with this deployment's case-key secret.

A Bundle without a case identifier gets a pseudonymous case id (`oligoguide.fhir.case_key`);
every face that stores cases (REST, CDS Hooks, UI import) must use the same secret, or one
patient would become a different case depending on the door it came in by.

A Bundle is read strictly: anything in it the case would be read without is refused (422, the
entry's pointer). With `?lenient=true` it is read without them, and every resource left out or
read with an assumption is listed in the assessment's warnings (`ReceivedCase.assess`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from oligoguide.assess import Assessment, assess
from oligoguide.model import Case
from oligoguide.service.bodies import FHIR_TYPES, body_json, content_type, native_case
from oligoguide.service.state import ServiceState, service_state

#: The `lenient` query parameter of the routes that take a case or a FHIR Bundle.
LenientQuery = Annotated[
    bool,
    Query(
        description="FHIR Bundles only. By default a Bundle holding anything the case would be "
        "read without (a tumour size whose focus names no Tumor or without a date, a resource "
        "about another patient, a resource type oligoguide does not read) is refused (422, the "
        "entry's JSON pointer). `true`: read the rest and list every resource left out in the "
        "assessment's warnings."
    ),
]


@dataclass(frozen=True)
class ReceivedCase:
    """A case from a request body, with what reading it (a FHIR Bundle) left out or assumed."""

    case: Case
    warnings: tuple[str, ...] = ()

    def assess(self) -> Assessment:
        """The assessment, the reading's warnings first. CPU-bound: run it in a worker thread."""
        result = assess(self.case)
        if not self.warnings:
            return result
        return result.model_copy(update={"warnings": (*self.warnings, *result.warnings)})


def case_key_secret(state: ServiceState) -> bytes:
    """The registry's secret. Without a registry nothing is stored: the public local one."""
    if state.registry is None:
        from oligoguide.fhir.case_key import LOCAL_CASE_KEY_SECRET  # the FHIR face is optional

        return LOCAL_CASE_KEY_SECRET
    secret: bytes = state.registry.case_key_secret()
    return secret


def received_case(request: Request, raw: bytes, lenient: bool = False) -> ReceivedCase:
    """The case in a request body already read: a native case as JSON, or a FHIR Bundle read
    with the deployment's case-key secret, strictly unless `lenient` (then with the reading's
    warnings). CPU-bound (validation): call it from a worker thread, not the event loop."""
    if content_type(request) not in FHIR_TYPES:
        return ReceivedCase(native_case(request, raw))
    from oligoguide.fhir.read import bundle_to_case  # the FHIR face is optional

    secret = case_key_secret(service_state(request))
    reading = bundle_to_case(body_json(raw), case_key_secret=secret, lenient=lenient)
    return ReceivedCase(reading.case, reading.warnings)


async def read_keyed_input(request: Request, lenient: bool = False) -> ReceivedCase:
    """`received_case` of the request's body. A FHIR Bundle is read in a worker thread (a large
    one takes a while to validate), a native case on the event loop."""
    raw = await request.body()
    if content_type(request) not in FHIR_TYPES:
        return received_case(request, raw, lenient)
    return await run_in_threadpool(received_case, request, raw, lenient)
