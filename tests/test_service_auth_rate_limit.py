"""Failed authentications are limited per client address, so made-up tokens (each a new key for
the per-token limit) cannot be tried without limit; valid-token traffic keeps the per-token one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from oligoguide.service import Settings, create_app
from oligoguide.service.auth import Caller
from oligoguide.service.launch import build_app
from oligoguide.service.middleware import SlidingWindows
from service_helpers import READER, FakeTokens, client

VALID = {"authorization": "Bearer r-token"}
EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"


def _made_up(n: int) -> dict[str, str]:
    return {"authorization": f"Bearer ogt_guess-{n:06d}"}


class CountingTokens(FakeTokens):
    """Counts token checks, to show a locked address gets none."""

    checks: int = 0

    def caller_for(self, token: str) -> Caller | None:
        self.checks += 1
        return super().caller_for(token)


def test_the_default_is_30_and_it_cannot_be_switched_off() -> None:
    assert Settings().auth_failure_limit_per_minute == 30
    with pytest.raises(ValidationError):
        Settings(auth_failure_limit_per_minute=0)


def test_made_up_tokens_from_one_address_get_a_429_problem_with_retry_after() -> None:
    api = client(READER, auth_failure_limit_per_minute=3)
    assert [api.get("/v1/kb", headers=_made_up(n)).status_code for n in range(3)] == [401] * 3
    limited = api.get("/v1/kb", headers=_made_up(3))
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert limited.json()["title"] == "Too many requests"
    assert "failed authentications" in limited.json()["detail"]
    assert 1 <= int(limited.headers["retry-after"]) <= 60


def test_absent_authentication_counts_as_a_failure() -> None:
    api = client(READER, auth_failure_limit_per_minute=2)
    assert [api.get("/v1/kb").status_code for _ in range(3)] == [401, 401, 429]


def test_a_locked_address_is_refused_before_any_token_is_checked() -> None:
    tokens = CountingTokens(dict(READER))
    api = TestClient(
        create_app(Settings(auth_failure_limit_per_minute=2), tokens),
        raise_server_exceptions=False,
    )
    for n in range(2):
        assert api.get("/v1/kb", headers=_made_up(n)).status_code == 401
    checks = tokens.checks
    # Neither a further guess nor a right one is looked up: a lookup would be the oracle.
    assert api.get("/v1/kb", headers=_made_up(2)).status_code == 429
    assert api.get("/v1/kb", headers=VALID).status_code == 429
    assert tokens.checks == checks


def test_other_addresses_are_not_locked_by_one_guesser() -> None:
    app = create_app(Settings(auth_failure_limit_per_minute=2), FakeTokens(dict(READER)))
    guesser = TestClient(app, client=("203.0.113.7", 50000), raise_server_exceptions=False)
    user = TestClient(app, client=("198.51.100.2", 50000), raise_server_exceptions=False)
    assert [guesser.get("/v1/kb", headers=_made_up(n)).status_code for n in range(3)] == [
        401,
        401,
        429,
    ]
    assert user.get("/v1/kb", headers=VALID).status_code == 200
    assert user.get("/v1/kb", headers=_made_up(9)).status_code == 401  # its own budget


def test_valid_token_traffic_is_never_counted_and_keeps_the_per_token_limit() -> None:
    api = client(READER, auth_failure_limit_per_minute=2, rate_limit_per_minute=5)
    assert [api.get("/v1/kb", headers=VALID).status_code for _ in range(5)] == [200] * 5
    limited = api.get("/v1/kb", headers=VALID)
    assert limited.status_code == 429
    assert "at most 5 requests per minute" in limited.json()["detail"]
    assert api.get("/v1/kb", headers=_made_up(0)).status_code == 401  # no failures counted


def test_local_mode_makes_no_failures_however_many_requests() -> None:
    api = client()  # no token issued, loopback: local mode, default limits
    assert {api.get("/v1/kb").status_code for _ in range(60)} == {200}


@pytest.fixture
def with_registry(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """The whole app (API, UI) with a reader token issued, so not in local mode."""
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    app, registry = build_app(Settings(db_url=db, auth_failure_limit_per_minute=2))
    reader = registry.create_token("rl-reader", "reader", actor="t")
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as api:
        yield api, reader
    registry.close()


def test_a_wrong_role_is_not_an_authentication_failure(
    with_registry: tuple[TestClient, str],
) -> None:
    api, reader = with_registry
    headers = {"authorization": f"Bearer {reader}"}
    for _ in range(4):
        assert (
            api.post("/v1/cases", headers=headers, content=EXAMPLE.read_bytes()).status_code == 403
        )
    assert api.get("/v1/kb", headers=_made_up(0)).status_code == 401  # not locked


def test_wrong_tokens_at_ui_sign_in_count_too(with_registry: tuple[TestClient, str]) -> None:
    api, _ = with_registry
    page = api.get("/ui/sign-in").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    codes = [
        api.post(
            "/ui/sign-in", data={"csrf_token": csrf, "token": f"ogt_guess-{n}", "next": "/ui/"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [401, 401, 429]


def test_windows_forget_old_events_and_stale_keys() -> None:
    windows = SlidingWindows(limit=2, seconds=60)
    windows.add("a", 0.0)
    windows.add("a", 1.0)
    assert windows.full("a", 59.0)
    assert windows.retry_after("a", 59.0) == 1
    assert windows.retry_after("a", 30.0) == 30
    assert not windows.full("a", 60.5)  # the first event has left the window
    for n in range(1_000):
        windows.add(f"made-up-{n}", 2.0)
    assert len(windows) == 1_001
    windows.add("b", 62.5)  # every older key has nothing left in its window
    assert len(windows) == 1


def test_windows_keep_at_most_max_keys() -> None:
    windows = SlidingWindows(limit=30, seconds=60, max_keys=100)
    for n in range(1_000):
        windows.add(f"address-{n}", float(n) / 1_000)
    assert len(windows) == 100
    assert not windows.full("address-0", 1.0)  # forgotten: more lenient, never a lockout
