"""Cross-cutting HTTP protections: loopback Host in local mode, body size limit, rate limit
(keyed on the client address, read from X-Forwarded-For only behind a trusted proxy), security
headers."""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oligoguide.service.problems import problem_response

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' "
    "'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")


_LOOPBACK_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::[0-9]{1,5})?", re.IGNORECASE)


def loopback_host(scope: Scope) -> bool:
    """Exactly one Host header, naming localhost, 127.0.0.1 or [::1] (with any port)."""
    hosts = [value for name, value in scope.get("headers", []) if name == b"host"]
    return len(hosts) == 1 and _LOOPBACK_HOST.fullmatch(hosts[0].decode("latin-1")) is not None


class LoopbackHostOnly:
    """In local mode, answer only requests addressed to a loopback name (else 421).

    Local mode trusts every caller as the local clinician because only this machine can
    connect. A web page can break that assumption by DNS rebinding: its own name is made to
    resolve to 127.0.0.1, and the browser then lets the page read this service's answers, sent
    with `Host: <the page's name>`. Refusing any other Host closes that door. With tokens the
    Host does not matter (the page has none), so the check applies in local mode only; the
    fast path (a loopback Host) asks nothing of the registry."""

    def __init__(self, app: ASGIApp, local_mode: Callable[[], bool]) -> None:
        self.app = app
        self.local_mode = local_mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and not loopback_host(scope)
            and await run_in_threadpool(self.local_mode)  # a registry query: off the loop
        ):
            response = problem_response(
                421,
                "Misdirected request",
                "in local mode (no API token exists) the service answers only requests "
                "addressed to localhost, 127.0.0.1 or [::1]: open it by one of these names, "
                "or create a token (`oligoguide token create`) to serve other names",
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


ProxyNetworks = Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
_MAX_ADDRESS_CHARS = 64


def _trusted(address: str, proxies: ProxyNetworks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request, proxies: ProxyNetworks) -> str:
    """The address a request comes from, as limits and locks should see it.

    The peer's address, unless the peer is a configured trusted proxy (settings
    `trusted_proxies`, OLIGOGUIDE_TRUSTED_PROXIES): then the nearest X-Forwarded-For hop that
    is not itself a trusted proxy, read from the right. Each trusted proxy appends the address
    it received the request from, so that hop was written by one of them; the hops to its left
    are whatever the client sent and are never believed. With no trusted proxy configured (the
    default) the header is ignored: any client could otherwise name a fresh address with each
    request and never meet the failed-authentication limit."""
    peer = request.client.host if request.client else "?"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:_MAX_ADDRESS_CHARS]
    return hops[0][:_MAX_ADDRESS_CHARS] if hops else peer


class BodyLimit:
    """Refuse bodies over the limit with 413, whether or not Content-Length is declared.

    A body that grows past the limit while it streams in is cut off: the app is told the client
    left (`http.disconnect`), whatever it answers is dropped, and the client gets the 413. (An
    exception raised into the app instead would meet the app's own handlers first, e.g. a 500
    from the catch-all one or a 400 from FastAPI's body parser.)"""

    def __init__(self, app: ASGIApp, max_bytes: int, setting: str = "max_body_bytes") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.setting = setting  # named in the 413, so the operator knows which limit to raise

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        too_large = False
        started = False

        async def limited() -> Message:
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return  # the app's answer to a cut-off body is replaced by the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not too_large or started:
                raise
        if too_large and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            "Request body too large",
            f"the limit is {self.max_bytes} bytes (setting {self.setting})",
        )
        await response(scope, receive, send)


class SlidingWindows:
    """Event times per key over the last `seconds`; a key is full at `limit` events.

    Memory stays bounded: a key keeps at most `limit` times, keys are ordered by their last
    event so the ones with nothing left in the window are dropped from the front as events
    come, and past `max_keys` the least recently used key is forgotten (which can only make
    that key's limit more lenient, never lock anyone out)."""

    def __init__(self, limit: int, seconds: float = 60.0, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.seconds = seconds
        self.max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._events)

    def full(self, key: str, now: float) -> bool:
        events = self._events.get(key)
        return events is not None and len(events) >= self.limit and now - events[0] < self.seconds

    def retry_after(self, key: str, now: float) -> int:
        """Whole seconds until the key's oldest event leaves the window (at least 1)."""
        events = self._events.get(key)
        return max(1, math.ceil(self.seconds - (now - events[0]))) if events else 1

    def add(self, key: str, now: float) -> None:
        """Record an event at `now` (monotonic time, never earlier than the previous one)."""
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque(maxlen=self.limit)
        else:
            self._events.move_to_end(key)
        events.append(now)
        while self._events:
            oldest_key, oldest = next(iter(self._events.items()))
            if now - oldest[-1] < self.seconds and len(self._events) <= self.max_keys:
                break
            del self._events[oldest_key]


class RateLimit:
    """Sliding one-minute windows, in memory, per process.

    Requests per client: the token's last characters, or the address when no token is sent
    (`client_address`: X-Forwarded-For counts only from a configured trusted proxy).
    Failed authentications (answers 401: no, unknown or revoked credentials, on the API, CDS
    Hooks and UI sign-in alike) per address: an address over that limit is refused before any
    token is checked. Made-up tokens are each a new client for the first window, so without the
    second one token guessing (and the audit row each refusal writes) would be unlimited.
    Valid-token requests never count as failures: they meet the per-token limit only. A locked
    address is refused whatever it sends, since telling a valid token from a guess would mean
    checking it; the lock lifts when its oldest failure is a minute old.

    A plain ASGI middleware (as are the others here): Starlette's BaseHTTPMiddleware runs the
    app in a task of its own and streams the answer back through a channel, which cost about a
    fifth of the service's CPU time per assessment (bench/load_levels.py, docs/reliability.md)."""

    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        auth_failures_per_minute: int,
        trusted_proxies: ProxyNetworks = (),
    ) -> None:
        self.app = app
        self.requests = SlidingWindows(per_minute)
        self.auth_failures = SlidingWindows(auth_failures_per_minute)
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        address = client_address(request, self.trusted_proxies)
        auth = request.headers.get("authorization", "")
        client = auth[-12:] if auth else address
        now = time.monotonic()
        refusal = None
        if self.auth_failures.full(address, now):
            refusal = _too_many(
                f"at most {self.auth_failures.limit} failed authentications per minute "
                "from one address",
                self.auth_failures.retry_after(address, now),
            )
        elif self.requests.full(client, now):
            refusal = _too_many(
                f"at most {self.requests.limit} requests per minute",
                self.requests.retry_after(client, now),
            )
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        self.requests.add(client, now)

        async def counting_failures(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                # Counted when the answer is known: requests already in flight when the limit
                # is reached still finish, so a burst is bounded by the server's concurrency.
                self.auth_failures.add(address, time.monotonic())
            await send(message)

        await self.app(scope, receive, counting_failures)


def _too_many(detail: str, retry_after: int) -> Response:
    return problem_response(
        429, "Too many requests", detail, headers={"Retry-After": str(retry_after)}
    )


class SecurityHeaders:
    """SECURITY_HEADERS on every answer of the app, unless the app set that header itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in DOCS_PATHS  # the bundled API docs page needs its own scripts

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if not (docs and name == "Content-Security-Policy"):
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
