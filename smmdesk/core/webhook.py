"""The webhook receiver: a small local HTTP endpoint where a panel POSTs status changes.

Off by default (``Settings.webhook_enabled``). It runs on the CURRENT asyncio loop (the
GUI's qasync loop, or the CLI's), with ``asyncio.start_server`` and ``h11``: no server
framework, no signal handlers, one request per connection. It listens on 127.0.0.1 unless
the user chooses another address; to reach it from the internet a user runs their own
tunnel (cloudflared, ngrok ...) to 127.0.0.1:PORT and gives the panel the public URL.

    POST /webhook/<the panel's own secret>
    {"order_id": 1487, "status": "Completed", "remains": 0, "start_count": 8421, "charge": 4.5}

Each panel has its own secret path (``Panel.webhook_secret``): order ids are per panel, and
a URL given to one panel must not accept posts about another's orders. The old shared path
``/webhook/<token>/<panel name>`` still works for a panel that existed when it was the only
kind, until that panel posts to its own path once. Strict by design:

    wrong path or secret -> 404 (logged)    other method        -> 405
    no Content-Length   -> 411              body > max_body     -> 413
    not a JSON object with order_id and status (numbers as numbers or strings) -> 400
    unknown panel or order id -> 404 (logged); nothing else happens
    valid -> 200: written like a refresh answer (``store.apply_statuses``, source
             "webhook"), the same ``Changes`` published on ``desk.events`` and handed to
             ``on_changes``

The token is never logged; charges are read as Decimal, never float.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import h11

from smmdesk.core import store
from smmdesk.core.api import is_loopback, parse
from smmdesk.core.api.models import OrderStatus
from smmdesk.core.errors import NotFoundLocally, SettingRefused
from smmdesk.core.events import Changed
from smmdesk.core.i18n import _, ngettext
from smmdesk.core.refresh import Changes

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk
    from smmdesk.core.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "/webhook/"
MIN_TOKEN_LENGTH = 16
MAX_CONNECTIONS = 32  # more at once are closed without an answer
READ_SIZE = 4096
LINGER_SECONDS, LINGER_READS = 1.0, 16  # after an early refusal (411, 413 ...)


class _Refused(Exception):
    """An answer other than 200: HTTP status and a short reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class WebhookReceiver:
    """Receives a panel's status posts on ``host``:``port`` (0 picks a free port).

    ``counts``: answers given so far by status code (200, 404 ...).
    """

    def __init__(
        self,
        desk: Desk,
        host: str = "127.0.0.1",
        port: int = 8765,
        token: str = "",
        on_changes: Callable[[Changes], None] | None = None,
        max_body: int = 16_384,
        *,
        timeout: float = 10.0,
    ):
        if len(token or "") < MIN_TOKEN_LENGTH or quote(token, safe="") != token:
            message = ngettext(
                "The webhook token must be at least {count} letter, digit, '-' or '_'. "
                "Clear the webhook token in the settings to get a new one.",
                "The webhook token must be at least {count} letters, digits, '-' or '_'. "
                "Clear the webhook token in the settings to get a new one.",
                MIN_TOKEN_LENGTH,
            )
            raise SettingRefused(message.format(count=MIN_TOKEN_LENGTH))
        self.desk = desk
        self.host = host
        self.port = port
        self.on_changes = on_changes
        self.max_body = max_body
        self.timeout = timeout
        self.counts: Counter[int] = Counter()
        self._token = token
        self._server: asyncio.Server | None = None
        self._open = 0

    @classmethod
    def from_settings(
        cls, desk: Desk, settings: Settings, on_changes: Callable[[Changes], None] | None = None
    ) -> WebhookReceiver | None:
        """The receiver the settings ask for, or None when it is switched off."""
        if not settings.webhook_enabled:
            return None
        return cls(
            desk, settings.webhook_host, settings.webhook_port, settings.webhook_token, on_changes
        )

    def __repr__(self) -> str:  # no token
        return f"<WebhookReceiver {self.host}:{self.port} {'on' if self.serving else 'off'}>"

    # --- running ---------------------------------------------------------------------------

    @property
    def serving(self) -> bool:
        return self._server is not None and self._server.is_serving()

    async def start(self) -> WebhookReceiver:
        """Listen on the running loop; ``port`` becomes the real port."""
        if self._server is not None:
            raise RuntimeError("This webhook receiver is already started")
        try:
            self._server = await asyncio.start_server(self._connection, self.host, self.port)
        except OSError as error:
            # Translators: {address} is a host and port ("127.0.0.1:8765"); {reason} the
            # system's words ("Address already in use").
            message = _(
                "The webhook receiver cannot listen on {address} ({reason}). Choose another "
                "port in the settings."
            )
            address = f"{self.host}:{self.port}"
            raise SettingRefused(
                message.format(address=address, reason=error.strerror or error)
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        if not is_loopback(self.host):
            log.warning(
                "The webhook receiver listens on %s: other machines can reach it", self.host
            )
        log.info("Webhook receiver listening on %s:%s", self.host, self.port)
        return self

    async def aclose(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    async def __aenter__(self) -> WebhookReceiver:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def path_for(self, panel_name: str) -> str:
        """The path a panel posts to (give the panel your tunnel's address + this path)."""
        return path_for(self.desk.panel(panel_name))

    def url_for(self, panel_name: str, base: str | None = None) -> str:
        """The full URL for ``panel_name``: on ``base`` (a tunnel's public address) or on
        this machine's listening address."""
        if base is None:
            host = f"[{self.host}]" if ":" in self.host else self.host
            base = f"http://{host}:{self.port}"
        return base.rstrip("/") + self.path_for(panel_name)

    # --- one connection ----------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._open >= MAX_CONNECTIONS:
            writer.close()
            return
        self._open += 1
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=8192)
        try:
            try:
                async with asyncio.timeout(self.timeout):
                    status, answer = 200, await self._request(conn, reader)
            except _Refused as refused:
                status, answer = refused.status, {"error": refused.reason}
            except h11.RemoteProtocolError as error:
                status, answer = error.error_status_hint, {"error": "Bad HTTP request."}
            except TimeoutError:
                status, answer = 408, {"error": "The request took too long."}
            except Exception:  # a bug: logged, answered, and the receiver goes on
                log.exception("A webhook post could not be handled")
                status, answer = 500, {"error": "smmdesk could not handle this post."}
            self.counts[status] += 1
            answerable = conn.their_state is not h11.CLOSED  # not gone before asking
            if answerable and conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                writer.write(_response(conn, status, answer))
                await writer.drain()
                if conn.their_state is h11.SEND_BODY:  # refused before reading the body
                    await _linger(reader)
        except (ConnectionError, h11.LocalProtocolError):
            pass  # the sender went away or broke the exchange: nothing to answer
        finally:
            self._open -= 1
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _request(self, conn: h11.Connection, reader: asyncio.StreamReader) -> dict[str, Any]:
        request = await _next_event(conn, reader)
        if not isinstance(request, h11.Request):
            raise _Refused(400, "Bad HTTP request.")
        panel = self._check_target(request.target.decode("ascii", "replace"))
        if request.method != b"POST":
            raise _Refused(405, "Only POST is accepted here.")
        self._check_length(request.headers)
        body = await _read_body(conn, reader)
        return self._accept(panel, body)

    def _check_target(self, target: str) -> store.Panel:
        """The panel of ``/webhook/<its secret>`` (or of the old ``/webhook/<token>/<panel>``
        while that still works for it); 404 for anything else."""
        path = target.split("?", 1)[0]
        parts = path[len(PREFIX) :].split("/") if path.startswith(PREFIX) else []
        if len(parts) == 1 and parts[0]:
            panel = store.panel_by_webhook_secret(self.desk.db, parts[0])
            if panel is not None:
                if panel.webhook_legacy:
                    store.close_legacy_webhook(self.desk.db, panel.id)
                return panel
        elif (
            len(parts) == 2
            and parts[1]
            and hmac.compare_digest(parts[0].encode(), self._token.encode())
        ):
            panel = self._legacy_panel(unquote(parts[1]))
            if panel is not None:
                return panel
        log.warning("Webhook post to an unknown path refused")
        raise _Refused(404, "Not found.")

    def _legacy_panel(self, name: str) -> store.Panel | None:
        try:
            panel = self.desk.panel(name)
        except NotFoundLocally:
            return None
        if not panel.webhook_legacy:
            log.warning("Webhook post for %s on the old shared path refused", panel.name)
            return None
        return panel

    def _check_length(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        fields = dict(headers)
        if b"transfer-encoding" in fields or b"content-length" not in fields:
            raise _Refused(411, "Content-Length is required.")
        if int(fields[b"content-length"]) > self.max_body:
            raise _Refused(413, f"The body must be at most {self.max_body} bytes.")

    # --- the post itself -----------------------------------------------------------------------

    def _accept(self, panel: store.Panel, body: bytes) -> dict[str, Any]:
        remote_id, answer = _status_post(body)
        order = store.find_order(self.desk.db, panel.id, remote_id)
        if order is None:
            log.warning(
                "Webhook post for order %s, unknown on panel %s, ignored", remote_id, panel.name
            )
            raise _Refused(404, "No such order.")
        written = store.apply_statuses(
            self.desk.db, panel.id, {remote_id: answer}, source="webhook"
        )
        changes = Changes.from_statuses(written, {order.id: answer}, panel.name)
        self.desk.events.publish(Changed.from_refresh(changes))  # every view hears it
        if self.on_changes is not None:
            try:
                self.on_changes(changes)
            except Exception:
                log.exception("Handling the changes of a webhook post failed")
        return {"ok": True, "changed": bool(written.changed)}


def _status_post(body: bytes) -> tuple[str, OrderStatus]:
    """(remote order id, its status) from a post's body; 400 when it is not one."""
    try:
        data = json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Refused(400, "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise _Refused(400, "The body must be a JSON object.")
    remote_id = parse.to_id(data.get("order_id"))
    try:
        answer = parse.order_status(data)
    except parse.ImpossibleValues as error:
        raise _Refused(400, error.user_message) from None
    if remote_id is None or answer is None:
        raise _Refused(400, "The body must hold an order_id and a status.")
    for name, reader in (("remains", parse.to_int), ("start_count", parse.to_int)):
        if data.get(name) is not None and reader(data[name]) is None:
            raise _Refused(400, f"{name} must be a whole number.")
    if data.get("charge") is not None and parse.to_decimal(data["charge"]) is None:
        raise _Refused(400, "charge must be a number.")
    return remote_id, answer


def path_for(panel: store.Panel) -> str:
    """The webhook path of ``panel``: its own secret (give the panel your address + this)."""
    return f"{PREFIX}{panel.webhook_secret}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> Any:
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        conn.receive_data(await reader.read(READ_SIZE))


async def _read_body(conn: h11.Connection, reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while True:
        event = await _next_event(conn, reader)
        if isinstance(event, h11.Data):
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            return b"".join(chunks)
        else:  # the connection closed before the whole body came
            raise _Refused(400, "The body is incomplete.")


async def _linger(reader: asyncio.StreamReader) -> None:
    """Read (and drop) what the sender still sends, briefly: closing with unread data would
    reset the connection before the sender reads the answer."""
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(LINGER_SECONDS):
            for _ in range(LINGER_READS):
                if not await reader.read(READ_SIZE):
                    return


def _response(conn: h11.Connection, status: int, answer: dict[str, Any]) -> bytes:
    body = json.dumps(answer).encode()
    headers = [
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("connection", "close"),
    ]
    head = conn.send(h11.Response(status_code=status, headers=headers))
    return (
        (head or b"")
        + (conn.send(h11.Data(data=body)) or b"")
        + (conn.send(h11.EndOfMessage()) or b"")
    )
