"""Two request-body limits: the DICOM upload routes take `max_upload_bytes` (100 MB by default:
a real RTDOSE grid is often 5-50 MB), every other route keeps `max_body_bytes` (2 MB).

Both are enforced by `middleware.BodyLimit` while the body streams in (a declared Content-Length
over the limit is refused before anything is read; a chunked body is cut off when it passes it),
so no route ever holds more than its limit. The multipart parser spools each file part over
1 MB to a temporary file, so an accepted upload is not held in memory either.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from oligoguide.service.middleware import BodyLimit

#: POST routes that take DICOM files (docs/dicom.md). Matched on the decoded path; a case id
#: holding "/" does not match, and so keeps the smaller limit.
UPLOAD_ROUTES = re.compile(
    r"/v1/import-sr|/v1/dose/check-plan|/v1/cases/[^/]+/report\.(?:html|pdf|json)"
    r"|/ui/import-sr|/ui/cases/[^/]+/import-sr|/ui/dose|/ui/cases/[^/]+/plan-report"
)


def is_upload(scope: Scope) -> bool:
    return scope.get("method") == "POST" and UPLOAD_ROUTES.fullmatch(scope["path"]) is not None


class RouteBodyLimit:
    """`BodyLimit` with the upload limit on the DICOM upload routes, the body limit elsewhere."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int) -> None:
        self.default = BodyLimit(app, max_bytes)
        # never below the general limit: an upload route accepts what any route accepts
        self.upload = BodyLimit(app, max(upload_bytes, max_bytes), "max_upload_bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.upload if scope["type"] == "http" and is_upload(scope) else self.default
        await chosen(scope, receive, send)
