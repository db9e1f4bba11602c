"""Injected faults: what goes wrong between a client and a real panel, on demand.

| fault         | the request is processed? | what the client sees                              |
|---------------|---------------------------|---------------------------------------------------|
| drop_before   | no                        | the connection closes, no complete answer         |
| drop_after    | yes (e.g. order created)  | the connection closes, no complete answer         |
| html_502      | no                        | HTTP 502, a Cloudflare-like HTML page             |
| json_502      | no                        | HTTP 502, {"error": ...}                          |
| html_200      | no                        | HTTP 200, an HTML page (a proxy's challenge page) |
| malformed     | yes                       | HTTP 200, body {"order": 12                       |
| truncated     | yes                       | the first half of the real answer, then closed    |
| rate_limit    | no                        | HTTP 429, Retry-After: 1 (not in rate_limited)    |

A dropped connection is made by raising `ConnectionDropped` after the response head went out:
the server then closes the socket. `QuietDrops` keeps uvicorn from logging those on purpose.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

PROCESSED_FIRST = frozenset({"drop_after", "malformed", "truncated"})
FAULTS = frozenset({"drop_before", "html_502", "json_502", "html_200", "rate_limit"}) | (
    PROCESSED_FIRST
)

MALFORMED_BODY = b'{"order": 12'
UPSTREAM_ERROR = "Upstream provider returned an error. Please try again in a minute."
HTML_502 = b"""<!DOCTYPE html>
<html lang="en"><head><title>demo-panel.example | 502: Bad gateway</title></head>
<body><div id="cf-error-details"><h1>Bad gateway <span>Error code 502</span></h1>
<p>The web server reported a bad gateway error.</p>
<p>Please try again in a few minutes.</p>
<p>Cloudflare Ray ID: 8a1b2c3d4e5f6a7b &bull; Performance &amp; security by Cloudflare</p>
</div></body></html>
"""
HTML_200 = b"""<!DOCTYPE html>
<html lang="en"><head><title>Just a moment...</title></head>
<body><h1>Checking your browser before accessing demo-panel.example</h1>
<p>This process is automatic. Your browser will redirect to your requested content shortly.</p>
</body></html>
"""


class ConnectionDropped(Exception):
    """Raised by the app on purpose so that the server closes the connection mid-answer."""


class QuietDrops(logging.Filter):
    """Drops the server's "Exception in ASGI application" records for ConnectionDropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        return not (info and info[0] is not None and issubclass(info[0], ConnectionDropped))


def install_quiet_drops(logger_name: str = "uvicorn.error") -> None:
    """Add QuietDrops to the server's error logger once."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, QuietDrops) for f in logger.filters):
        logger.addFilter(QuietDrops())


@dataclass
class _Pending:
    fault: str
    action: str | None
    left: int
    skip: int = 0  # matching requests let through before the fault starts


class FaultQueue:
    """Faults waiting for their requests, in the order they were injected. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []

    def inject(
        self, fault: str, action: str | None = None, times: int = 1, *, after: int = 0
    ) -> None:
        if fault not in FAULTS:
            raise ValueError(f"Unknown fault {fault!r}; known: {', '.join(sorted(FAULTS))}")
        if times < 1 or after < 0:
            raise ValueError("times must be 1 or more, after 0 or more")
        with self._lock:
            self._pending.append(_Pending(fault, action, times, after))

    def take(self, *names: str) -> str | None:
        """The fault for a request known by any of ``names`` (e.g. "status", "multiStatus")."""
        with self._lock:
            for entry in self._pending:
                if entry.action is None or entry.action in names:
                    if entry.skip:
                        entry.skip -= 1
                        return None
                    entry.left -= 1
                    if entry.left == 0:
                        self._pending.remove(entry)
                    return entry.fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
