"""Strict scalar types for every field a case carries: a JSON value is taken as given.

pydantic's default (lax) mode converts: `"diameter_mm": true` becomes 1 mm, `"34"` becomes 34,
`"target": "off"` becomes false and a Unix integer becomes a date. For clinical input each such
conversion is a misreading, so every scalar of the case models is one of these types:

- `Number`: a JSON number (int or float; never a bool or a string), finite.
- `Integer`: a JSON integer (never a bool, a float such as 1.0, or a string).
- `Flag`: true or false (never 0/1, "true", "off").
- `Text`, `NonEmptyStr`, `Note`: a string.
- `Date`: an ISO 8601 calendar date string `YYYY-MM-DD` or, from our own Python adapters, a
  `datetime.date` (never a `datetime`, an integer or any other string form).
- `CaseId`: the case identifier, see `CASE_ID_RULE`.

Vocabularies stay enums (a JSON string must equal one of the values) and lists stay lists.

A web form can only send text. Validating with the context `{TEXT_VALUES: True}` (the UI form
does) reads a number, an integer or a flag written as text, still strictly: `"34"` and `"34.5"`
for a number, `"2"` for an integer, `"true"`/`"false"` for a flag; any other text is left as it
is and refused by the strict type. `StrictModel` is the base that does this.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    model_validator,
)

#: Validation-context key: scalars arrive as text (a submitted HTML form).
TEXT_VALUES = "text_values"
#: Validation-context key: a document the registry accepted earlier. Rules added for new input
#: since then (the case-id character set, no date after today) are not applied again, so a case
#: stored before them stays readable; its types were already canonical when it was stored.
STORED = "stored"


def context_flag(info: ValidationInfo, key: str) -> bool:
    context = info.context
    return isinstance(context, dict) and bool(context.get(key))


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,18}")
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]{1,18}(\.[0-9]{0,18})?|\.[0-9]{1,18})([eE][+-]?[0-9]{1,3})?")


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("Input should be a date (YYYY-MM-DD) without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a calendar date") from None
    raise ValueError("Input should be a date as a YYYY-MM-DD string")


Number = Annotated[float, Strict()]
Integer = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
Text = Annotated[str, Strict()]
Date = Annotated[dt.date, BeforeValidator(_date), Strict()]
NonEmptyStr = Annotated[str, Strict(), Field(min_length=1, max_length=200)]
Note = Annotated[str, Strict(), Field(max_length=2000)]

#: The case id travels in URL paths, file names, HTTP headers and audit rows: keep it plain.
MAX_CASE_ID = 100
CASE_ID_PATTERN = r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
CASE_ID_RULE = (
    f"1-{MAX_CASE_ID} characters: ASCII letters, digits, '-', '_' and '.', starting with a "
    "letter or digit, without '..'"
)
_CASE_ID = re.compile(CASE_ID_PATTERN)


def is_case_id(value: str) -> bool:
    return _CASE_ID.fullmatch(value) is not None


def _case_id(value: str, info: ValidationInfo) -> str:
    if not _CASE_ID.fullmatch(value) and not context_flag(info, STORED):
        raise ValueError(f"a case id must be {CASE_ID_RULE}")
    return value


CaseId = Annotated[
    str,
    Strict(),
    AfterValidator(_case_id),
    Field(json_schema_extra={"pattern": CASE_ID_PATTERN, "maxLength": MAX_CASE_ID}),
]


# -- text values (web forms) -------------------------------------------------------------------

_Kind = Literal["number", "integer", "flag"]


def _kind(annotation: Any) -> _Kind | None:
    """Which scalar a field holds (through Optional, Annotated and unions), if any."""
    if annotation is bool:
        return "flag"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "number"
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kind(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        kinds = {_kind(member) for member in get_args(annotation)} - {None}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _from_text(kind: _Kind, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind == "flag":
        return {"true": True, "false": False}.get(text, value)
    if kind == "integer" and _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER_TEXT.fullmatch(text):
        return float(text)
    return value


@functools.cache
def _scalar_kinds(model: type[BaseModel]) -> dict[str, _Kind]:
    found = {name: _kind(info.annotation) for name, info in model.model_fields.items()}
    return {name: kind for name, kind in found.items() if kind is not None}


class StrictModel(BaseModel):
    """Base of every case model. Unknown fields are errors (a misspelt field must never be
    silently dropped); every scalar is a strict type of this module; numbers are finite."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _read_text_values(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or not context_flag(info, TEXT_VALUES):
            return data
        kinds = _scalar_kinds(cls)
        return {
            key: _from_text(kinds[key], value) if key in kinds else value
            for key, value in data.items()
        }
