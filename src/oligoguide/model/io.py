"""Reading a case from JSON text or a file, with errors that name the field.

JSON is read strictly (`parse_json_text`): UTF-8 only; no NaN or Infinity, no number that
overflows a float, no integer longer than `MAX_INTEGER_DIGITS`; a duplicate key in an object
is refused with the pointer of that object (a parser that lets the last one win reads a case
other than the one the sender meant); nesting beyond the parser's stack is refused. Every failure
is a `CaseInputError`, never a traceback. A JSON file (a case, a dose plan) is read by
`read_json_file`, whose errors (`JsonFileError`) also name the file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oligoguide.model.case import TODAY, Case
from oligoguide.model.errors import CaseInputError, InputIssue, issues_from_validation, pointer_of
from oligoguide.model.strict import STORED, TEXT_VALUES

#: Larger inputs are refused before parsing: a case is kilobytes, never megabytes.
MAX_CASE_BYTES = 5_000_000
#: No field of a case needs more digits (the largest, a year or a count, has four).
MAX_INTEGER_DIGITS = 100


class _JsonRefusedError(ValueError):
    """Raised inside the parser's hooks; carries the reason out of json.loads."""


def _no_constant(name: str) -> Any:
    raise _JsonRefusedError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _JsonRefusedError(f"an integer of {digits} digits (at most {MAX_INTEGER_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonRefusedError(f"the number {text[:40]} is out of range")
    return value


class _Objects:
    """object_pairs_hook: builds dicts, remembering every object that repeats a key."""

    def __init__(self) -> None:
        self.repeated: dict[int, str] = {}
        self.kept: list[dict[str, Any]] = []  # keeps ids unique while the tree is searched

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.repeated[id(built)] = key
                    break
                seen.add(key)
            self.kept.append(built)
        return built

    def first_repeat(self, root: Any) -> InputIssue:
        """The first object, in document order, that repeats a key (iterative: no recursion)."""
        stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, dict):
                if id(node) in self.repeated:
                    key = self.repeated[id(node)]
                    return InputIssue(pointer_of(path), f"duplicate key {key!r} in this object")
                stack.extend((v, (*path, k)) for k, v in reversed(node.items()))
            elif isinstance(node, list):
                stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(node))))
        key = next(iter(self.repeated.values()))  # the object was overwritten by a repeat
        return InputIssue("", f"duplicate key {key!r} in an object")


def parse_json_text(raw: str | bytes) -> Any:
    """Strict JSON from untrusted text or bytes, or CaseInputError naming where and why."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CaseInputError(
                [InputIssue("", f"not UTF-8 text (invalid byte at offset {error.start})")]
            ) from None
    objects = _Objects()
    try:
        data = json.loads(
            raw,
            object_pairs_hook=objects,
            parse_constant=_no_constant,
            parse_int=_integer,
            parse_float=_float,
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise CaseInputError([InputIssue("", f"malformed JSON at {where}: {error.msg}")]) from None
    except _JsonRefusedError as error:
        raise CaseInputError([InputIssue("", f"malformed JSON: {error}")]) from None
    except ValueError as error:  # any other conversion the parser could not make
        raise CaseInputError([InputIssue("", f"malformed JSON: {error}")]) from None
    except RecursionError:
        raise CaseInputError([InputIssue("", "malformed JSON: nested too deeply")]) from None
    if objects.repeated:
        raise CaseInputError([objects.first_repeat(data)])
    return data


class JsonFileError(CaseInputError):
    """A JSON file that cannot be read, is too large or is not strict JSON. str() names the file
    (and the pointer, for a duplicate key); `issues` are CaseInputError's, without the file."""

    def __init__(self, path: Path, issue: InputIssue) -> None:
        super().__init__([issue])
        self.path = path

    def __str__(self) -> str:
        issue = self.issues[0]
        where = f" at {issue.pointer}" if issue.pointer else ""
        return f"{self.path}{where}: {issue.message}"


def read_json_file(path: Path, *, limit: int = MAX_CASE_BYTES) -> Any:
    """The strict JSON (`parse_json_text`) of a file of at most `limit` bytes, or JsonFileError:
    it cannot be opened (missing, a directory, no permission), it is larger than `limit` (never
    more than limit + 1 bytes are read into memory), it is not UTF-8 or not strict JSON."""
    try:
        with path.open("rb") as file:
            raw = file.read(limit + 1)
    except OSError as error:
        raise JsonFileError(
            path, InputIssue("", f"cannot read ({error.strerror or error})")
        ) from None
    if len(raw) > limit:
        raise JsonFileError(path, InputIssue("", f"larger than {limit} bytes"))
    try:
        return parse_json_text(raw)
    except CaseInputError as error:
        raise JsonFileError(path, error.issues[0]) from None


def case_from_data(
    data: Any,
    *,
    today: dt.date | None = None,
    text_values: bool = False,
    stored: bool = False,
) -> Case:
    """A Case from parsed JSON (or a dict our own adapters built), validated strictly.

    `today` (default: the local date): no date of the case may lie after it.
    `text_values`: numbers, integers and flags may arrive as text (a submitted web form); they
    are still read strictly (see `oligoguide.model.strict`).
    `stored`: a document the registry accepted earlier, read again: the rules for new input
    added since (case-id character set, no date after today) are not applied again."""
    if not isinstance(data, dict):
        raise CaseInputError([InputIssue("", "a case must be a JSON object")])
    context = {TODAY: today or dt.date.today(), TEXT_VALUES: text_values, STORED: stored}
    try:
        return Case.model_validate(data, context=context)
    except ValidationError as error:
        raise CaseInputError(issues_from_validation(error)) from None
    except RecursionError:  # a Python dict nested beyond the stack (JSON is caught earlier)
        raise CaseInputError([InputIssue("", "nested too deeply")]) from None


def case_from_json(text: str | bytes, *, today: dt.date | None = None) -> Case:
    if len(text) > MAX_CASE_BYTES:
        raise CaseInputError([InputIssue("", f"input larger than {MAX_CASE_BYTES} bytes")])
    return case_from_data(parse_json_text(text), today=today)


def load_case(path: Path, *, today: dt.date | None = None) -> Case:
    """A case JSON file: JsonFileError (naming the file) when it cannot be read as JSON,
    CaseInputError (naming the field) when it is not a valid case."""
    return case_from_data(read_json_file(path), today=today)


def case_json_schema() -> dict[str, Any]:
    return Case.model_json_schema()
