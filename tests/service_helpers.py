"""Test doubles and clients for the service tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from oligoguide.service import Settings, create_app
from oligoguide.service.auth import Caller, Role


@dataclass
class FakeTokens:
    tokens: dict[str, Caller] = field(default_factory=dict)

    def caller_for(self, token: str) -> Caller | None:
        return self.tokens.get(token)

    def any_tokens(self) -> bool:
        return bool(self.tokens)


def client(tokens: dict[str, Caller] | None = None, **settings: object) -> TestClient:
    app = create_app(Settings.model_validate(settings), FakeTokens(tokens or {}))
    return TestClient(app, raise_server_exceptions=False)


READER = {"r-token": Caller("reader", Role.READER)}
