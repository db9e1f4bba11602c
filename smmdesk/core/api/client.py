"""PanelClient: one long-lived async client per panel (panel API v2).

Owns the conversation with one panel: the form-encoded POSTs, pacing (a shared ``Pacer``
per origin), retries, and which failures may be retried. Reading the answers is
``parse``'s job; this module decides what to do when there is no readable answer.

Retry policy (design.md, "Never send an add twice by accident"):

    action                          resent after
    balance, services, status,      connect errors, timeouts, dropped connections,
    multi status, refill_status     cut-off answers, 5xx, 429 (after Retry-After)
    add, cancel, refill             only when the request provably never reached the
                                    panel: ConnectError / ConnectTimeout / PoolTimeout, 429

When an ``add`` may have reached the panel but no readable answer came back (a timeout
after sending, a dropped connection, a cut-off or non-JSON answer, a proxy's HTML 5xx
page) it raises ``AddOutcomeUnknown`` and never resends; ``cancel`` / ``refill`` raise a
``TransportError`` saying the result is unknown. A JSON error from the panel itself is a
definite answer: its ``PanelError``.

Every call has a total deadline (``deadline``, retries included): a panel that sends one
byte every few seconds resets httpx's read timeout, not this. Answers are read streaming and
cut at ``max_answer`` bytes. An add that hits either is *unknown*, never resent.

What the panel speaks (``dialect``) decides the shape of batch calls (smmdesk.core.api
.batches); what the client learns on the way (a panel that wants a ``request_id``, one with
no cancel) updates ``dialect`` and is handed to ``on_learned`` to be remembered.

The key never leaves this object except in the request body: exceptions are raised
outside ``except`` blocks (httpx exceptions hold the request), messages never include a
body, the log names only actions and hosts, and a key echoed by a panel is masked.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TypeVar

import httpx

from smmdesk import USER_AGENT
from smmdesk.core.api import batches, parse, wording
from smmdesk.core.api.answers import is_json
from smmdesk.core.api.chunks import as_answered, chunks, in_turn, merged
from smmdesk.core.api.dialect import Dialect
from smmdesk.core.api.kinds import Kind
from smmdesk.core.api.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    RefillResult,
    RefillStatus,
    Service,
)
from smmdesk.core.api.pacing import Pacer, pacer_for
from smmdesk.core.api.urls import check_panel_url, origin
from smmdesk.core.errors import (
    AddOutcomeUnknown,
    BadRequest,
    InvalidResponse,
    RateLimited,
    RequestRefused,
    SmmdeskError,
    TransportError,
    UpstreamFailure,
)
from smmdesk.core.formats import format_decimal
from smmdesk.core.i18n import N_, _
from smmdesk.protocol import squash

log = logging.getLogger(__name__)

T = TypeVar("T")
Parser = Callable[[int, Mapping[str, str], bytes], T]

KEEPALIVE_EXPIRY = 4.0  # below common servers' keep-alive (5 s): never reuse a closing socket
DEADLINE = 90.0  # seconds for one call, retries included
MAX_ANSWER = 32 * 1024 * 1024  # bytes: a catalog of 50,000 services is ~15 MB
MAX_RETRY_WAIT = 60.0  # a longer Retry-After is reported instead of waited for
MAX_BACKOFF = 30.0
_RESERVED_FIELDS = frozenset({"key", "action", "service"})
_MASK = "[API key hidden]"
_DROPPED = N_("The connection to the panel broke before its answer arrived.")
_CUT_OFF = N_("The panel's answer was cut off before it was complete.")


def _seconds(value: float) -> str:
    """A number of seconds (or megabytes) as ``{:g}`` writes it, in the user's language."""
    return format_decimal(Decimal(f"{value:g}"))


class _State(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class _Reply:
    status_code: int
    headers: httpx.Headers
    body: bytes


@dataclass(frozen=True)
class _Broken:
    """No complete answer. ``reached``: the request may have arrived at the panel."""

    reached: bool
    reason: str  # for the log
    message: str  # for the user
    cut_off: bool = False  # the answer started but was cut off
    final: bool = False  # trying again would end the same way (too large, out of time)


class PanelClient:
    """Async client of one panel's API v2. Use ``async with`` or call ``aclose()``.

    ``pacer``: the origin's shared Pacer by default (``pacer_for(url)``). ``retries``:
    resends after a transient failure, so at most ``retries + 1`` requests per call (per
    chunk for batches). ``backoff``: base seconds of the exponential backoff (with jitter).
    ``transport``: an httpx transport (tests). ``requests_made`` counts HTTP requests sent.
    ``timeout``: seconds without progress; ``deadline``: seconds for a whole call, retries
    included; ``max_answer``: the largest answer read, in bytes. ``dialect``: what the
    panel speaks (detected on first need when not known); ``on_learned`` is called with the
    new dialect whenever the client learns something about it.
    """

    def __init__(
        self,
        url: str,
        key: str,
        *,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff: float = 0.5,
        deadline: float = DEADLINE,
        max_answer: int = MAX_ANSWER,
        dialect: Dialect | None = None,
        on_learned: Callable[[Dialect], None] | None = None,
    ):
        self.url = check_panel_url(url)
        if not isinstance(key, str) or not key.strip():
            raise RequestRefused(
                _("The API key is empty. Copy it from the API page of your account on the panel.")
            )
        self._key = key.strip()
        self._host = origin(self.url)[1]
        self._pacer = pacer if pacer is not None else pacer_for(self.url)
        self._timeout = timeout
        self._retries = max(int(retries), 0)
        self._backoff = backoff
        self._deadline = max(float(deadline), timeout)
        self._max_answer = max_answer
        self.dialect = dialect or Dialect()
        self._on_learned = on_learned
        self._detecting = asyncio.Lock()
        self.requests_made = 0
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            verify=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(
                max_connections=32, max_keepalive_connections=16, keepalive_expiry=KEEPALIVE_EXPIRY
            ),
            transport=transport,
        )
        self._state = _State.OPEN

    def __repr__(self) -> str:
        return f"<PanelClient {self.url!r} {self._state.value}>"

    @property
    def pacer(self) -> Pacer:
        return self._pacer

    @property
    def closed(self) -> bool:
        return self._state is _State.CLOSED

    @property
    def detecting(self) -> asyncio.Lock:
        """Held while the client finds out what the panel speaks (one probe at a time)."""
        return self._detecting

    def learn(self, **changes: object) -> Dialect:
        """Take what was found out about the panel (fields the user set stay as set)."""
        learned = self.dialect.learned(**changes)
        if learned != self.dialect:
            self.dialect = learned
            log.info("Panel %s speaks: %s", self._host, ", ".join(learned.describe()))
            if self._on_learned is not None:
                self._on_learned(learned)
        return self.dialect

    async def aclose(self) -> None:
        if self._state is not _State.CLOSED:
            self._state = _State.CLOSED
            await self._http.aclose()

    async def __aenter__(self) -> PanelClient:
        self._check_open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- actions -------------------------------------------------------------------------

    async def balance(self) -> Balance:
        return await self._call("balance", {}, parse.parse_balance, Kind.SAFE)

    async def services(self) -> list[Service]:
        """The catalog; entries the panel sends broken are skipped (and logged)."""
        return await self._call("services", {}, parse.parse_services, Kind.SAFE)

    async def add(
        self, service_id: str, params: Mapping[str, str], *, request_id: str | None = None
    ) -> str:
        """Place an order; return the panel's order id. Never sent twice by accident:
        raises AddOutcomeUnknown when the panel may or may not have placed it.

        ``request_id``: this order's own client id. Sent where the panel wants one (then a
        resend after a broken connection is safe: the panel answers a repeated request_id
        with its first answer); a panel that refuses an add for want of one is learned to
        want it, and the add is sent again with it (the refusal placed nothing)."""
        reserved = _RESERVED_FIELDS.intersection(params)
        if reserved:
            raise ValueError(f"order fields may not include {sorted(reserved)}")
        fields = {"service": wording.one_id(service_id, "service")}
        fields.update({name: str(value) for name, value in params.items()})
        token = request_id or uuid.uuid4().hex
        if self.dialect.request_id:
            return await self._call("add", {**fields, "request_id": token}, parse.parse_add,
                                    Kind.ADD_ONCE)  # fmt: skip
        try:
            return await self._call("add", fields, parse.parse_add, Kind.ADD)
        except BadRequest as exc:
            if "requestid" not in squash(exc.panel_message or ""):
                raise
        self.learn(request_id=True)
        return await self._call("add", {**fields, "request_id": token}, parse.parse_add,
                                Kind.ADD_ONCE)  # fmt: skip

    async def status(self, order_id: str) -> OrderStatus:
        fields = {"order": wording.one_id(order_id, "order")}
        return await self._call("status", fields, parse.parse_status, Kind.SAFE)

    async def multi_status(
        self, ids: Iterable[str], *, concurrency: int = 4
    ) -> dict[str, OrderStatus | ItemError]:
        """Statuses keyed by the ids asked (as strings), ``MULTI_STATUS_MAX`` per call in
        the panel's batch dialect (one call per order where it has none), up to
        ``concurrency`` calls at once (all under the pacer)."""
        fetch = partial(batches.statuses, self)
        return await merged(chunks(wording.ids(ids, "order")), fetch, concurrency)

    def multi_status_chunks(
        self, ids: Iterable[str], *, concurrency: int = 4
    ) -> AsyncGenerator[dict[str, OrderStatus | ItemError], None]:
        """Like ``multi_status``, but yields each chunk's answers as soon as it arrives (in
        the order they arrive), so a caller can write them while the rest are in flight.
        The first error cancels the chunks not answered yet and is raised; so does closing
        the iterator early (use ``contextlib.aclosing``)."""
        fetch = partial(batches.statuses, self)
        return as_answered(chunks(wording.ids(ids, "order")), fetch, concurrency)

    async def cancel(self, ids: Iterable[str]) -> list[CancelResult]:
        """Ask the panel to cancel orders. ``ok`` means *requested*: refresh to see.
        Raises Unsupported (before sending anything) on a panel without cancel."""
        return await in_turn(chunks(wording.ids(ids, "order")), partial(batches.cancel, self))

    async def refill(self, order_id: str) -> str:
        """Ask for a refill of one order; return the refill id."""
        fields = {"order": wording.one_id(order_id, "order")}
        return await self._call("refill", fields, parse.parse_refill, Kind.WRITE)

    async def refill_many(self, ids: Iterable[str]) -> list[RefillResult]:
        """Ask for refills, in batches where the panel takes them, else one by one."""
        return await in_turn(chunks(wording.ids(ids, "order")), partial(batches.refill, self))

    async def refill_status(self, refill_id: str) -> RefillStatus:
        refill_id = wording.one_id(refill_id, "refill")
        parser = partial(parse.parse_refill_status, refill_id=refill_id)
        return await self._call("refill_status", {"refill": refill_id}, parser, Kind.SAFE)

    async def refill_statuses(
        self, ids: Iterable[str], *, concurrency: int = 4
    ) -> dict[str, RefillStatus | ItemError]:
        fetch = partial(batches.refill_statuses, self)
        return await merged(chunks(wording.ids(ids, "refill")), fetch, concurrency)

    async def request(
        self, action: str, fields: dict[str, str], parser: Parser[T], kind: Kind = Kind.SAFE
    ) -> T:
        """One call of ``action`` read by ``parser`` (for batches and probes)."""
        return await self._call(action, fields, parser, kind)

    # --- the exchange --------------------------------------------------------------------

    async def _call(self, action: str, fields: dict[str, str], parser: Parser[T], kind: Kind) -> T:
        self._check_open()
        try:
            return await self._attempts(action, fields, parser, kind)
        except SmmdeskError as exc:
            self._mask(exc)
            explained = wording.explained(action, exc)
            if explained is exc:
                raise
            raise explained from None

    async def _attempts(
        self, action: str, fields: dict[str, str], parser: Parser[T], kind: Kind
    ) -> T:
        ends_at = time.monotonic() + self._deadline
        resend = kind in (Kind.SAFE, Kind.ADD_ONCE)
        for attempt in range(self._retries + 1):
            last = attempt == self._retries
            await self._pacer.acquire()
            outcome = await self._exchange(action, fields, ends_at)
            if isinstance(outcome, _Broken):
                error = self._broken_error(action, kind, outcome)
                if (not resend and outcome.reached) or last or outcome.final:
                    raise error
                await self._retry_later(action, attempt, outcome.reason, ends_at=ends_at,
                                        error=error)  # fmt: skip
                continue
            try:
                return parser(outcome.status_code, outcome.headers, outcome.body)
            except SmmdeskError as exc:
                error = exc
            wait = self._retry_wait(action, kind, outcome, error, attempt)
            if kind is Kind.ADD_ONCE and _leaves_unknown(outcome, error):
                error = _unknown_add(outcome)  # what is raised if no resend may follow
            if wait is None or last:
                raise error
            await self._retry_later(action, attempt, f"HTTP {outcome.status_code}", wait,
                                    ends_at=ends_at, error=error)  # fmt: skip
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(
        self, action: str, fields: dict[str, str], ends_at: float
    ) -> _Reply | _Broken:
        """One POST, within the call's deadline. Never raises an httpx error: returns what
        broke instead."""
        self.requests_made += 1
        started = time.monotonic()
        if started >= ends_at:
            return self._out_of_time()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + (ends_at - started)):
                return await self._post(action, fields, started)
        except TimeoutError:
            return self._out_of_time()

    def _out_of_time(self) -> _Broken:
        return _Broken(
            True,
            "deadline",
            # Translators: {seconds} is a number of seconds ("90").
            _("The panel did not finish its answer within {seconds} s.").format(
                seconds=_seconds(self._deadline)
            ),
            final=True,
        )

    async def _post(self, action: str, fields: dict[str, str], started: float) -> _Reply | _Broken:
        form = {"key": self._key, "action": action, **fields}
        try:
            request = self._http.build_request("POST", self.url, data=form)
            response = await self._http.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError) as e:
            return self._not_reached(e)
        except httpx.TimeoutException:
            # Translators: {seconds} is a number of seconds ("30").
            message = _("The panel did not answer within {seconds} s.")
            return _Broken(True, "timeout", message.format(seconds=_seconds(self._timeout)))
        except httpx.HTTPError as e:
            return _Broken(True, type(e).__name__, _(_DROPPED))
        try:
            body = await self._read(response)
        except httpx.HTTPError as e:
            reason = f"answer cut off ({type(e).__name__})"
            return _Broken(True, reason, _(_CUT_OFF), cut_off=True)
        finally:
            await _quietly_close(response)
        if body is None:
            megabytes = self._max_answer / (1024 * 1024)
            return _Broken(
                True,
                "answer too large",
                # Translators: {megabytes} is a size in megabytes ("32").
                _(
                    "The panel's answer was larger than {megabytes} MB, so smmdesk stopped "
                    "reading it."
                ).format(megabytes=_seconds(megabytes)),
                cut_off=True,
                final=True,
            )
        log.debug(
            "%s on %s: HTTP %s in %.2f s",
            action,
            self._host,
            response.status_code,
            time.monotonic() - started,
        )
        return _Reply(response.status_code, response.headers, body)

    async def _read(self, response: httpx.Response) -> bytes | None:
        """The body, or None when it is larger than ``max_answer`` (reading stops there)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_answer:
            return None
        parts, size = [], 0
        async for part in response.aiter_bytes():
            size += len(part)
            if size > self._max_answer:
                return None
            parts.append(part)
        return b"".join(parts)

    def _not_reached(self, exc: httpx.HTTPError) -> _Broken:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            # Translators: {host} is the panel's site, like "panel.example".
            message = _(
                "The security certificate of {host} could not be verified, so smmdesk "
                "did not send anything. Check the panel's URL; if it is right, the panel's "
                "site has a certificate problem."
            ).format(host=self._host)
        else:
            # Translators: {host} is the panel's site, like "panel.example".
            message = _(
                "smmdesk could not connect to {host}. Check your internet connection "
                "and the panel's URL."
            ).format(host=self._host)
        return _Broken(False, type(exc).__name__, message)

    def _broken_error(self, action: str, kind: Kind, broken: _Broken) -> SmmdeskError:
        if kind in (Kind.ADD, Kind.ADD_ONCE) and broken.reached:
            return AddOutcomeUnknown(wording.unknown_add_text(broken.message))
        if kind is Kind.WRITE and broken.reached:
            return TransportError(wording.unknown_result(action, broken.message))
        if broken.cut_off:
            # Translators: {problem} is a sentence saying what broke.
            return InvalidResponse(_("{problem} Try again later.").format(problem=broken.message))
        return TransportError(broken.message)

    def _retry_wait(
        self, action: str, kind: Kind, reply: _Reply, error: SmmdeskError, attempt: int
    ) -> float | None:
        """Seconds to wait before resending after ``error``, or None to raise it.

        Raises AddOutcomeUnknown (add) or TransportError (cancel, refill) instead when the
        answer leaves the outcome of a write unknown.
        """
        if isinstance(error, RateLimited):
            wait = error.retry_after if error.retry_after is not None else self._delay(attempt)
            self._pacer.hold(min(wait, MAX_RETRY_WAIT))
            return 0.0 if wait <= MAX_RETRY_WAIT else None
        unknown = _leaves_unknown(reply, error)
        if unknown and kind is Kind.ADD_ONCE:
            return self._delay(attempt)  # the panel answers a repeated request_id as before
        if unknown and kind is Kind.ADD:
            raise _unknown_add(reply)
        if unknown and kind is Kind.WRITE:
            unreadable = _("The panel's answer could not be read.")
            raise TransportError(wording.unknown_result(action, unreadable))
        if kind is Kind.SAFE and isinstance(error, UpstreamFailure):
            return self._delay(attempt)
        return None

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with jitter: 0.5-1 x backoff x 2^attempt, capped."""
        return min(self._backoff * 2**attempt, MAX_BACKOFF) * random.uniform(0.5, 1.0)

    async def _retry_later(
        self,
        action: str,
        attempt: int,
        reason: str,
        wait: float | None = None,
        *,
        ends_at: float,
        error: SmmdeskError,
    ) -> None:
        """Wait before the next attempt; raise ``error`` when that would pass the deadline."""
        wait = self._delay(attempt) if wait is None else wait
        if time.monotonic() + wait >= ends_at:
            raise error
        log.info("Retrying %s on %s in %.1f s (%s)", action, self._host, wait, reason)
        if wait > 0:
            await asyncio.sleep(wait)

    def _mask(self, exc: SmmdeskError) -> None:
        """Hide the key if the panel echoed it in an error text."""
        for name in ("user_message", "panel_message"):
            text = getattr(exc, name)
            if text and self._key in text:
                setattr(exc, name, text.replace(self._key, _MASK))
        exc.args = tuple(a.replace(self._key, _MASK) if isinstance(a, str) else a for a in exc.args)

    def _check_open(self) -> None:
        if self._state is _State.CLOSED:
            raise RuntimeError(f"{self!r} is closed; make a new PanelClient.")


async def _quietly_close(response: httpx.Response) -> None:
    try:
        await response.aclose()
    except httpx.HTTPError:
        log.debug("closing a broken answer failed", exc_info=False)


def _leaves_unknown(reply: _Reply, error: SmmdeskError) -> bool:
    """Whether an answer leaves the outcome of a write unknown: unreadable, or a proxy's
    error page instead of the panel's own answer."""
    return (200 <= reply.status_code < 300 and isinstance(error, InvalidResponse)) or (
        reply.status_code >= 500 and not is_json(reply.body)
    )


def _unknown_add(reply: _Reply) -> AddOutcomeUnknown:
    what = (
        # Translators: {code} is an HTTP status code like 502.
        _("The panel answered the order with an error page (HTTP {code}).").format(
            code=reply.status_code
        )
        if reply.status_code >= 500
        else _("The panel's answer to the order could not be read.")
    )
    return AddOutcomeUnknown(wording.unknown_add_text(what))
