"""Errors of the dose module.

Exception hierarchy::

    OligoguideError
    ├── DoseInputError   a dose, fraction count, alpha/beta, site, organ or metric that
    │                    cannot be used; .field names it (a JSON pointer for document input)
    └── DoseDataError    the dose tables are malformed or cite unknown evidence
"""

from __future__ import annotations

from oligoguide.model.errors import OligoguideError


class DoseInputError(OligoguideError):
    """Bad dose input. str() is one line that starts with the offending field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class DoseDataError(OligoguideError):
    """The dose tables failed validation; .problems lists every finding."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"dose tables invalid: {problems[0]}{more}")
