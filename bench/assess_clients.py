"""The load generator's two ways of sending `POST /v1/assess` of the example case.

- `httpx`: an httpx.Client per sender (what bench/load_test.py uses): about 0.8 ms of the
  generator's CPU per request on the shared 2-core machine.
- `raw`: one keep-alive http.client connection per sender, the body serialised once: a lighter
  generator, so less of the two cores goes to the measuring side. Same request bytes on the
  wire apart from header order and User-Agent; the status is checked and the body read whole.
"""

from __future__ import annotations

import http.client
import json
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from load_test import EXAMPLE


class AssessClient(Protocol):
    def assess(self) -> int:
        """Send one request; the HTTP status of its answer (body read)."""
        ...

    def close(self) -> None: ...


class HttpxClient:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.client = httpx.Client(base_url=url, headers=headers, timeout=60)

    def assess(self) -> int:
        return self.client.post("/v1/assess", json=EXAMPLE).status_code

    def close(self) -> None:
        self.client.close()


BODY = json.dumps(EXAMPLE).encode()


class RawClient:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1" or parts.port is None:
            raise ValueError("only 127.0.0.1 with a port")
        self.port = parts.port
        self.headers = {**headers, "Content-Type": "application/json"}
        self.connection: http.client.HTTPConnection | None = None

    def assess(self) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.connection.request("POST", "/v1/assess", body=BODY, headers=self.headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # a fresh connection for the next request
            raise
        if response.will_close:
            self.close()
        return response.status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def make_client(kind: str, url: str, headers: dict[str, str]) -> AssessClient:
    return RawClient(url, headers) if kind == "raw" else HttpxClient(url, headers)
