"""Reading a case from JSON text or a file, with errors that name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oligoguide.model.case import Case
from oligoguide.model.errors import CaseInputError, InputIssue, issues_from_validation

#: Larger inputs are refused before parsing: a case is kilobytes, never megabytes.
MAX_CASE_BYTES = 5_000_000


def case_from_data(data: Any) -> Case:
    if not isinstance(data, dict):
        raise CaseInputError([InputIssue("", "a case must be a JSON object")])
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise CaseInputError(issues_from_validation(error)) from None


def case_from_json(text: str | bytes) -> Case:
    if len(text) > MAX_CASE_BYTES:
        raise CaseInputError([InputIssue("", f"input larger than {MAX_CASE_BYTES} bytes")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise CaseInputError([InputIssue("", f"malformed JSON at {where}: {error.msg}")]) from None
    return case_from_data(data)


def load_case(path: Path) -> Case:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CaseInputError([InputIssue("", f"cannot read {path}: {error.strerror}")]) from None
    return case_from_json(raw)


def case_json_schema() -> dict[str, Any]:
    return Case.model_json_schema()
