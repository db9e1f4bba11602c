"""Decoding panel answers, and what an error answer means.

``decode(status_code, headers, body)`` returns the JSON value of a successful answer and
raises the ``PanelError`` subclass any other answer means. Errors come four ways, all
mapped here with the panel's own text kept in ``panel_message``: an HTTP error code (with
JSON or an HTML page), ``{"error": ...}`` inside a 200, ``{"status": "error", "message":
...}`` (SmartPanel family), and bodies that are not JSON at all (protection pages,
truncated bodies). Pure functions: no I/O, nothing but ``PanelError`` escapes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from smmdesk.core.errors import (
    BadKey,
    BadRequest,
    InsufficientFunds,
    InvalidResponse,
    NotFound,
    PanelError,
    RateLimited,
    SubscriptionsRefused,
    UpstreamFailure,
)
from smmdesk.core.i18n import N_, _
from smmdesk.protocol import means_not_found, squash

Headers = Mapping[str, str]

_NOT_JSON = object()
_MAX_MESSAGE = 300
_FAILED = frozenset({"error", "fail", "failed"})  # SmartPanel's {"status": "error", ...}


def load_json(body: bytes) -> Any:
    """The JSON value of ``body`` (floats as Decimal), or ``_NOT_JSON``."""
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=lambda constant: None)
    except (ValueError, RecursionError, TypeError):
        return _NOT_JSON


def is_json(body: bytes) -> bool:
    """True when ``body`` is a JSON document (an answer from the panel's own code)."""
    return load_json(body) is not _NOT_JSON


def header(headers: Headers, name: str) -> str | None:
    """A header's value, looked up case-insensitively in any mapping."""
    value = headers.get(name)
    if value is None:
        name = name.lower()
        value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    return value if isinstance(value, str) else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def message_text(value: Any) -> str:
    """A short text from an error value (a string, or an object/list holding one)."""
    for _depth in range(4):
        if isinstance(value, dict):
            value = next(
                (value[k] for k in ("message", "error", "text", "msg") if k in value), None
            )
        elif isinstance(value, list):
            value = value[0] if value else None
        else:
            break
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def error_message(data: Any) -> str | None:
    """The panel's error text when ``data`` is an error answer, else None."""
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if error not in (None, "", False, 0, [], {}):
        return message_text(error) or "Unknown error"
    status = data.get("status")
    failed = status is False or (isinstance(status, str) and squash(status) in _FAILED)
    if failed and "message" in data:
        return message_text(data["message"]) or "Unknown error"
    return None


# A key problem in any wording ("Invalid API key", "API is Disable for this user or User Not
# Found!", "Unauthorized", "account suspended"): checked before "not found".
_KEY_RE = re.compile(
    r"\b(api[\s_-]?)?key\b|\btoken\b|unauthori[sz]ed|not authori[sz]ed|authenticat"
    r"|\bapi\b[^.!]*\bdisabl|\buser\b[^.!]*\bnot found|\buser\b[^.!]*\b(disabled|banned|blocked)"
    r"|\baccount\b[^.!]*\b(disabled|suspended|banned|blocked|inactive|not active)"
)
_FUNDS_RE = re.compile(r"fund|balance|insufficient")
_SUBS_RE = re.compile(r"subscription|customer site")
_RATE_RE = re.compile(r"too many requests|rate limit")


def error_for(status_code: int, message: str | None, headers: Headers) -> PanelError:
    """The exception an error answer means: by HTTP code first, then by the panel's words."""
    low = (message or "").lower()
    kw: dict[str, Any] = {"panel_message": message or None, "status_code": status_code}
    if status_code == 429 or _RATE_RE.search(low):
        return RateLimited(retry_after=parse_retry_after(header(headers, "retry-after")), **kw)
    if status_code >= 500:
        return UpstreamFailure(**kw)
    by_code = {401: BadKey, 402: InsufficientFunds, 404: NotFound}.get(status_code)
    if by_code is not None:
        return by_code(**kw)
    if _SUBS_RE.search(low):
        return SubscriptionsRefused(**kw)
    if _KEY_RE.search(low):
        return BadKey(**kw)
    if _FUNDS_RE.search(low):
        return InsufficientFunds(**kw)
    if means_not_found(low):
        return NotFound(**kw)
    return BadRequest(**kw)


def _error_page(status_code: int, headers: Headers) -> PanelError:
    """The exception an error status with a non-JSON body (an HTML page) means."""
    if status_code >= 500:
        return UpstreamFailure(
            # Translators: {code} is an HTTP status code like 502.
            _(
                "The panel (or the service in front of it) answered with an error page "
                "(HTTP {code}). Try again in a few minutes."
            ).format(code=status_code),
            status_code=status_code,
        )
    if status_code in (401, 402, 429):
        return error_for(status_code, None, headers)
    if status_code == 404:
        return InvalidResponse(
            _(
                "This is not a panel API address — it usually ends in /api/v2 (some panels use "
                "/api/v1). Copy the API URL from the panel's API page. (The address answered "
                "HTTP 404.)"
            ),
            status_code=404,
        )
    return InvalidResponse(
        # Translators: {code} is an HTTP status code like 403.
        _(
            "The panel answered with a web page (HTTP {code}) instead of data. This is not a "
            "panel API address — it usually ends in /api/v2 (some panels use /api/v1). Copy "
            "the API URL from the panel's API page. If the address is right, the site may be "
            "behind a protection page: try again later."
        ).format(code=status_code),
        status_code=status_code,
    )


# Shown with _(NOT_AN_API) where it is raised (smmdesk.core.api.client).
NOT_AN_API = N_(
    "This is not a panel API address — it usually ends in /api/v2 (some panels use /api/v1). "
    "Copy the API URL from the panel's API page."
)


def _redirect(status_code: int, headers: Headers) -> InvalidResponse:
    location = (header(headers, "location") or "").split("?")[0].split("#")[0][:200]
    return InvalidResponse(
        # Translators: {code} is an HTTP status code like 301.
        _(
            "The panel's API URL answered with a redirect (HTTP {code}): the panel has "
            "probably moved. smmdesk does not follow redirects, so that your API key goes only "
            "where you said. Check the panel's current API URL and update it."
        ).format(code=status_code),
        # Translators: {location} is the web address the panel redirects to.
        panel_message=_("Redirects to {location}").format(location=location) if location else None,
        status_code=status_code,
    )


def unwrapped(data: Any) -> Any:
    """``X`` from a SmartPanel-style success wrapper ``{"status": "success", "data": X}``
    (``"Empty Data"`` for an empty list); anything else as it is."""
    if (
        isinstance(data, dict)
        and "data" in data
        and set(data) <= _WRAPPER_KEYS
        and isinstance(data.get("status"), str)
        and squash(data["status"]) == "success"
    ):
        inner = data["data"]
        return [] if isinstance(inner, str) and squash(inner) == "emptydata" else inner
    return data


_WRAPPER_KEYS = frozenset({"status", "data", "message", "code"})


def decode(status_code: int, headers: Headers, body: bytes) -> Any:
    """The JSON value of a successful answer (success wrappers removed); raise the PanelError
    any other answer means."""
    if 300 <= status_code < 400:
        raise _redirect(status_code, headers)
    data = load_json(body)
    if data is _NOT_JSON:
        if 200 <= status_code < 300 or not 100 <= status_code < 600:
            raise InvalidResponse(status_code=status_code)
        raise _error_page(status_code, headers)
    message = error_message(data)
    if 200 <= status_code < 300:
        if message is not None:
            raise error_for(status_code, message, headers)
        return unwrapped(data)
    if not 400 <= status_code < 600:
        raise InvalidResponse(status_code=status_code)
    raise error_for(status_code, message, headers)
