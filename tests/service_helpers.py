"""Test doubles and clients for the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from oligoguide.service import Settings, create_app
from oligoguide.service.auth import Caller, Role
from oligoguide.service.launch import build_app
from oligoguide.store import Registry


@dataclass
class FakeTokens:
    tokens: dict[str, Caller] = field(default_factory=dict)

    def caller_for(self, token: str) -> Caller | None:
        return self.tokens.get(token)

    def any_tokens(self) -> bool:
        return bool(self.tokens)


#: A loopback name: in local mode (no token) the service answers no other Host (DNS rebinding).
LOCAL = "http://localhost"


def client(tokens: dict[str, Caller] | None = None, **settings: object) -> TestClient:
    app = create_app(Settings.model_validate(settings), FakeTokens(tokens or {}))
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False)


READER = {"r-token": Caller("reader", Role.READER)}

#: The UI's session cookie is Secure: a client must speak https to send it back.
HTTPS = "https://testserver"
UiSite = tuple[TestClient, dict[str, str], Registry]


@contextmanager
def ui_site(folder: Path) -> Iterator[UiSite]:
    """The real app on a fresh SQLite registry, with a reader and a clinician token."""
    db = f"sqlite:///{folder / 'registry.sqlite3'}"
    with Registry.open(db) as registry:
        tokens = {
            r: registry.create_token(f"ui-{r}", r, actor="t") for r in ("reader", "clinician")
        }
    app, registry = build_app(Settings(db_url=db, base_url="https://oligo.example.org"))
    with TestClient(
        app, base_url=HTTPS, raise_server_exceptions=False, follow_redirects=False
    ) as client:
        yield client, tokens, registry
    registry.close()
