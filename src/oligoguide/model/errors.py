"""Input errors that name the offending field by JSON pointer (RFC 6901).

Exception hierarchy::

    OligoguideError
    └── CaseInputError        bad case input: .issues lists (pointer, message) pairs
PointedError is raised inside validators to carry a precise pointer out of pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


class OligoguideError(Exception):
    """Base of every error oligoguide raises on purpose."""


class PointedError(ValueError):
    """A validation failure that knows which field (JSON pointer from the document root)."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


@dataclass(frozen=True)
class InputIssue:
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class CaseInputError(OligoguideError):
    """The input is not a valid case. str() is one line naming the first offending field."""

    def __init__(self, issues: list[InputIssue]) -> None:
        self.issues = issues
        first = str(issues[0]) if issues else "invalid input"
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(first + more)


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_of(location: tuple[str | int, ...]) -> str:
    return "".join(f"/{_escape(part)}" for part in location)


def issues_from_validation(error: ValidationError, prefix: str = "") -> list[InputIssue]:
    """Turn pydantic's errors into pointer + plain message pairs."""
    issues: list[InputIssue] = []
    too_short: list[InputIssue] = []
    for detail in error.errors(include_url=False):
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, PointedError):
            issues.append(InputIssue(prefix + cause.pointer, cause.message))
            continue
        # Pydantic puts tagged-union and function-validator names in the location; drop them.
        location = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        issue = InputIssue(prefix + pointer_of(location), message)
        (too_short if detail["type"] == "too_short" else issues).append(issue)
    # A list whose only items are invalid is also reported as too short: noise, since its items
    # are named already.
    return issues + [
        short
        for short in too_short
        if not any(i.pointer.startswith(short.pointer + "/") for i in issues)
    ]
