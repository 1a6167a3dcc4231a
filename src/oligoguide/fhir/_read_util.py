"""Small helpers of the Bundle reader (read.py, context_read.py): codings, dates, extensions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oligoguide.fhir import codes as c
from oligoguide.fhir._util import JSON
from oligoguide.model.errors import CaseInputError, InputIssue


def _fail(pointer: str, message: str) -> CaseInputError:
    return CaseInputError([InputIssue(pointer, message)])


def _codings(concept: Any) -> list[JSON]:
    if not isinstance(concept, dict):
        return []
    return [x for x in concept.get("coding", []) if isinstance(x, dict)]


def _has(concept: Any, code: c.Code) -> bool:
    return any(
        x.get("system") == code.system and x.get("code") == code.code for x in _codings(concept)
    )


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _ext(resource: JSON, url: str) -> list[JSON]:
    return [e for e in resource.get("extension", []) if e.get("url") == url]


def _ext_value(resource: JSON, url: str, key: str) -> Any:
    found = _ext(resource, url)
    return found[0].get(key) if found else None


def _profiles(resource: JSON) -> list[str]:
    return [str(p).split("|")[0] for p in (resource.get("meta") or {}).get("profile", [])]


def _ext_index(resource: JSON, url: str) -> int | None:
    """Where the first extension with `url` sits in `resource.extension` (for pointers)."""
    return next(
        (k for k, e in enumerate(resource.get("extension", [])) if e.get("url") == url), None
    )


# --- JSON types ------------------------------------------------------------------------------
# The R4B models convert as pydantic's lax mode does: `"valueBoolean": "false"` passes (and would
# read as true), `"valueInteger": "1"` or `true` pass, an integer passes as a dateTime. FHIR JSON
# has one type per primitive (FHIR R4 "JSON Representation of Resources"), so every primitive the
# reader can meet is checked here, by its element name, before anything is read.
_BOOLEAN_SUFFIXES = ("Boolean",)
_INTEGER_SUFFIXES = ("Integer", "UnsignedInt", "PositiveInt")
_DATE_SUFFIXES = ("DateTime", "Date", "Instant")
_DATE_NAMES = frozenset({"authoredOn", "started", "issued", "lastUpdated"})
_QUANTITY_PARENTS = frozenset({"low", "high", "numerator", "denominator"})
_STRING_NAMES = frozenset({"reference", "system", "url", "valueCode", "valueString", "id"})


def _json_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return (
        "an object"
        if isinstance(value, dict)
        else "an array"
        if isinstance(value, list)
        else "null"
    )


def _expected(key: str, parent: str, value: Any) -> str | None:
    """What JSON type the FHIR element `key` (inside `parent`) needs, when `value` is not it."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key.endswith(_BOOLEAN_SUFFIXES):
        return None if isinstance(value, bool) else "a JSON boolean (true or false)"
    if key.endswith(_INTEGER_SUFFIXES):
        return None if number and isinstance(value, int) else "a JSON integer"
    if key.endswith("Decimal") or (
        key == "value" and (parent.endswith("Quantity") or parent in _QUANTITY_PARENTS)
    ):
        return None if number else "a JSON number"
    if (
        key.endswith(_DATE_SUFFIXES)
        or key in _DATE_NAMES
        or (key in ("start", "end") and parent.endswith("Period"))
        or key in _STRING_NAMES
    ):
        return None if isinstance(value, str) else "a JSON string"
    return None


def check_json_types(bundle: JSON) -> None:
    """CaseInputError naming every primitive of the Bundle's resources sent as the wrong JSON
    type (pointer from the Bundle root), e.g. `/entry/3/resource/extension/1/valueBoolean`."""
    issues: list[InputIssue] = []
    stack: list[tuple[Any, str, str]] = [
        (e.get("resource"), f"/entry/{i}/resource", "resource")
        for i, e in reversed(list(enumerate(bundle.get("entry") or [])))
        if isinstance(e, dict)
    ]
    while stack:  # iterative: no recursion limit to hit on a deep document
        node, pointer, parent = stack.pop()
        children: list[tuple[Any, str, str]] = []
        if isinstance(node, list):
            children = [(v, f"{pointer}/{k}", parent) for k, v in enumerate(node)]
        elif isinstance(node, dict):
            for key, value in node.items():
                where = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
                if isinstance(value, dict | list):
                    children.append((value, where, str(key)))
                elif value is not None and (wanted := _expected(str(key), parent, value)):
                    issues.append(InputIssue(where, f"{wanted} is needed, not {_json_name(value)}"))
        stack.extend(reversed(children))
    if issues:
        raise CaseInputError(issues)
