"""The demo panel's ASGI app: one POST endpoint (/api/v2, or where the dialect profile puts
it), form-encoded, JSON answers.

Per request, in this order: read and decode the form, count the action, take an injected
fault if one waits (faults that stop a request before the panel sees it answer at once), check
the per-IP rate limit, run the action, wait the configured latency (concurrent requests
overlap, as on a real server), then answer, or break the answer as the fault says.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from smmdesk.protocol import DEFAULT_RATE_LIMIT

from .actions import counted_name, handle, wire_shape
from .faults import (
    HTML_200,
    HTML_502,
    MALFORMED_BODY,
    PROCESSED_FIRST,
    UPSTREAM_ERROR,
    ConnectionDropped,
    FaultQueue,
)
from .limits import RateLimiter
from .state import PanelState

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
JSON = b"application/json; charset=utf-8"
HTML = b"text/html; charset=UTF-8"
TOO_MANY = "Too many requests"
FORBIDDEN_PAGE = (
    b"<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>"
    b"<h1>Forbidden</h1><p>You don't have permission to access this resource.</p></body></html>"
)


class PanelApp:
    def __init__(
        self,
        state: PanelState,
        *,
        latency: float = 0.0,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        accept_subscriptions: bool = False,
        require_request_id: bool = False,
    ) -> None:
        self.state = state
        self.latency = latency
        self.accept_subscriptions = accept_subscriptions
        self.require_request_id = require_request_id
        self.limiter = RateLimiter(rate_limit)
        self.faults = FaultQueue()
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._shapes: Counter[str] = Counter()
        self._rate_limited = 0

    # --- counters, read from any thread --------------------------------------------------
    @property
    def requests(self) -> Counter[str]:
        with self._lock:
            return Counter(self._requests)

    @property
    def shapes(self) -> Counter[str]:
        """Requests by action and the id fields they carried ("status?orders")."""
        with self._lock:
            return Counter(self._shapes)

    @property
    def rate_limited(self) -> int:
        with self._lock:
            return self._rate_limited

    def reset_counters(self) -> None:
        with self._lock:
            self._requests.clear()
            self._shapes.clear()
            self._rate_limited = 0

    # --- ASGI ----------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # the server runs with lifespan="off"
        body = await _read_body(receive)
        path = scope["path"].rstrip("/")
        api_path = self.state.profile.api_path
        if path != api_path and path.startswith("/api/") and self.state.profile.other_api_forbidden:
            await _respond(send, 403, FORBIDDEN_PAGE, HTML, [])
        elif path != api_path:
            await _json(send, 404, {"error": f"Not found: the API is at {api_path}"})
        elif scope["method"] != "POST":
            await _json(send, 405, {"error": "Send the request as POST"}, [(b"allow", b"POST")])
        else:
            await self._api(scope, _form(body), send)

    async def _api(self, scope: Scope, params: dict[str, str], send: Send) -> None:
        name = counted_name(params)
        if name:
            with self._lock:
                self._requests[name] += 1
                self._shapes[wire_shape(params)] += 1
        fault = self.faults.take(name, params.get("action", "").strip())
        if fault is not None and fault not in PROCESSED_FIRST:
            await self._pause()
            await _broken(send, fault, b"")
            return
        client = scope.get("client") or ("unknown", 0)
        retry_after = self.limiter.check(client[0])
        headers: list[tuple[bytes, bytes]] = []
        answer: object
        if retry_after is not None:
            with self._lock:
                self._rate_limited += 1
            status, answer = 429, {"error": TOO_MANY}
            headers.append((b"retry-after", str(retry_after).encode()))
        else:
            status, answer = handle(
                self.state,
                params,
                accept_subscriptions=self.accept_subscriptions,
                require_request_id=self.require_request_id,
            )
        await self._pause()
        if fault is not None:
            await _broken(send, fault, _dumps(answer))
        else:
            await _json(send, status, answer, headers)

    async def _pause(self) -> None:
        if self.latency > 0:
            await asyncio.sleep(self.latency)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _form(body: bytes) -> dict[str, str]:
    text = body.decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True))


def _dumps(answer: object) -> bytes:
    return json.dumps(answer, ensure_ascii=False).encode()


async def _json(
    send: Send, status: int, answer: object, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await _respond(send, status, _dumps(answer), JSON, headers or [])


async def _respond(
    send: Send, status: int, body: bytes, content_type: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    head = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": head + headers})
    await send({"type": "http.response.body", "body": body})


async def _broken(send: Send, fault: str, answer: bytes) -> None:
    """Answer as ``fault`` says; ``answer`` is the real answer when the request was processed."""
    if fault in ("drop_before", "drop_after", "truncated"):
        length = str(len(answer) or 64).encode()
        head = [(b"content-type", JSON), (b"content-length", length)]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        if fault == "truncated":
            await send(
                {
                    "type": "http.response.body",
                    "body": answer[: len(answer) // 2],
                    "more_body": True,
                }
            )
        raise ConnectionDropped(fault)
    if fault == "html_502":
        await _respond(send, 502, HTML_502, HTML, [])
    elif fault == "json_502":
        await _json(send, 502, {"error": UPSTREAM_ERROR})
    elif fault == "html_200":
        await _respond(send, 200, HTML_200, HTML, [])
    elif fault == "malformed":
        await _respond(send, 200, MALFORMED_BODY, JSON, [])
    else:  # rate_limit
        await _json(send, 429, {"error": TOO_MANY}, [(b"retry-after", b"1")])
