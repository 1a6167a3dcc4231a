"""Request bodies that are FHIR Bundles, keyed with this deployment's case-key secret.

A Bundle without a case identifier gets a pseudonymous case id (`oligoguide.fhir.case_key`);
every face that stores cases (REST, CDS Hooks, UI import) must use the same secret, or one
patient would become a different case depending on the door it came in by.
"""

from __future__ import annotations

from fastapi import Request

from oligoguide.model import Case
from oligoguide.service.bodies import FHIR_TYPES, content_type, json_body, read_case
from oligoguide.service.state import ServiceState, service_state


def case_key_secret(state: ServiceState) -> bytes:
    """The registry's secret. Without a registry nothing is stored: the public local one."""
    if state.registry is None:
        from oligoguide.fhir.case_key import LOCAL_CASE_KEY_SECRET  # the FHIR face is optional

        return LOCAL_CASE_KEY_SECRET
    secret: bytes = state.registry.case_key_secret()
    return secret


async def read_keyed_case(request: Request) -> Case:
    """`bodies.read_case`, reading a FHIR Bundle with the deployment's case-key secret."""
    if content_type(request) not in FHIR_TYPES:
        return await read_case(request)
    data = await json_body(request)
    from oligoguide.fhir.read import bundle_to_case  # the FHIR face is optional

    secret = case_key_secret(service_state(request))
    return bundle_to_case(data, case_key_secret=secret).case
