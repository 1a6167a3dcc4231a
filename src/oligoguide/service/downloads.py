"""File names of downloads (Content-Disposition), safe whatever a case id holds.

One helper for the REST API and the web UI: a case id may carry quotes, semicolons, CR/LF or
characters outside Latin-1, any of which would break (or inject into) the header, so every
character outside `A-Z a-z 0-9 . _ -` becomes `_`.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def report_filename(case_id: str, version: int, extension: str) -> str:
    """`<case id>-v<version>.<extension>`, with every unsafe run of characters replaced."""
    return _UNSAFE.sub("_", f"{case_id}-v{version}.{extension}")


def report_attachment(case_id: str, version: int, extension: str) -> dict[str, str]:
    """The Content-Disposition header of a report download."""
    name = report_filename(case_id, version, extension)
    return {"Content-Disposition": f'attachment; filename="{name}"'}
