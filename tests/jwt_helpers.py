"""A test EHR: an ES384 key pair, its JWKS served on loopback, and a token factory."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "https://ehr.example.org"


class FakeEhr:
    def __init__(self, kid: str = "ehr-key-1") -> None:
        self.kid = kid
        self.private_key = ec.generate_private_key(ec.SECP384R1())
        public = jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        self.jwks: dict[str, Any] = {"keys": [public | {"kid": kid, "alg": "ES384", "use": "sig"}]}

    def token(self, audience: str, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": "ehr-client",
            "aud": audience,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
        claims.update(overrides)
        return jwt.encode(claims, self.private_key, algorithm="ES384", headers={"kid": self.kid})


@contextmanager
def serve_jwks(jwks: dict[str, Any]) -> Iterator[str]:
    """Serve the JWKS at http://127.0.0.1:<port>/jwks.json for the duration of the block."""
    body = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()
