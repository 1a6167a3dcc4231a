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
