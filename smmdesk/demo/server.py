"""DemoPanel: the demo panel served over a real socket, and the `smmdesk-demo-panel` command.

uvicorn serves `PanelApp` in a daemon thread with its own event loop, on a socket bound here
(port 0 picks a free one). A ticker on that loop applies due transitions every 0.2 s and hands
webhook posts to the sender. Every test-reading method is safe from any thread.

    with DemoPanel(latency=0.1) as panel:
        httpx.post(panel.url, data={"key": panel.key, "action": "balance"})
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import socket
import sys
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import TracebackType

import uvicorn

from smmdesk.protocol import DEFAULT_RATE_LIMIT

from .app import PanelApp
from .catalogs import CATALOGS
from .dialects import PROFILES, REFERENCE, Profile, profile
from .faults import install_quiet_drops
from .state import PanelState
from .webhooks import WebhookSender

log = logging.getLogger(__name__)
TICK_SECONDS = 0.2
SEED_OPEN_MINUTES = 14 * 24 * 60.0


class _Server(uvicorn.Server):
    """uvicorn's server, telling a threading.Event once it accepts connections."""

    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started_event = started
        self._loop: asyncio.AbstractEventLoop | None = None
        self._exit_requested = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().startup(sockets=sockets)
        self._started_event.set()

    async def main_loop(self) -> None:
        """uvicorn's loop (on_tick every 0.1 s), but woken at once by request_exit()."""
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exit_requested.wait(), 0.1)

    def request_exit(self) -> None:
        """Ask to stop, from any thread: saves up to 0.1 s per stop (tests start many)."""
        self.should_exit = True
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                self._loop.call_soon_threadsafe(self._exit_requested.set)


class DemoPanel:
    """A panel API v2 server on ``host``:``port`` (see the interface in the module doc)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        clock_speed: float = 60.0,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        accept_subscriptions: bool = False,
        webhook_url: str | None = None,
        seed: int = 0,
        key: str | None = None,
        dialect: str | Profile = REFERENCE,
        require_request_id: bool = False,
        catalog: str = "demo",
    ) -> None:
        self.host = host
        self.port = port
        self.profile = profile(dialect)
        self.state = PanelState(
            seed=seed,
            clock_speed=clock_speed,
            key=key,
            profile=self.profile,
            catalog=CATALOGS[catalog],
        )
        self.app = PanelApp(
            self.state,
            latency=latency,
            rate_limit=rate_limit,
            accept_subscriptions=accept_subscriptions,
            require_request_id=require_request_id,
        )
        if webhook_url:
            self.state.set_webhook(webhook_url)
        self._started = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    # --- running -------------------------------------------------------------------------
    def start(self) -> DemoPanel:
        """Listen and serve in a daemon thread; returns once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("This demo panel was already started; make a new one")
        sock = _listen(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", timeout_keep_alive=30
        )
        install_quiet_drops()
        self._server = _Server(config, self._started)
        self._thread = threading.Thread(
            target=self._serve, args=(sock,), daemon=True, name=f"demo-panel-{self.port}"
        )
        self._thread.start()
        self._started.wait()
        if self._failure is not None:
            self._thread.join()
            raise RuntimeError("The demo panel could not start") from self._failure
        return self

    def stop(self) -> None:
        """Stop serving and wait for the server thread to end (does nothing if not running)."""
        if self._server is None or self._thread is None:
            return
        self._server.request_exit()
        self._thread.join(timeout=10)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join()

    def wait(self) -> None:
        """Block until the server stops (Ctrl+C still gets through on every platform)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> DemoPanel:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self, sock: socket.socket) -> None:
        try:
            asyncio.run(self._main(sock))
        except BaseException as error:  # reported by start(); a thread must not raise
            self._failure = error
            log.error("The demo panel stopped: %r", error)
        finally:
            self._started.set()
            sock.close()

    async def _main(self, sock: socket.socket) -> None:
        assert self._server is not None
        sender = WebhookSender()
        tasks = [asyncio.create_task(sender.run()), asyncio.create_task(self._tick(sender))]
        try:
            await self._server.serve(sockets=[sock])
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await sender.aclose()

    async def _tick(self, sender: WebhookSender) -> None:
        while True:
            try:
                for url, payload in self.state.take_webhooks():
                    sender.submit(url, payload)
            except Exception:
                log.exception("The demo panel's ticker failed; it goes on")
            await asyncio.sleep(TICK_SECONDS)

    # --- where and who -------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._thread is None:
            raise RuntimeError("The demo panel is not started: call start() first")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.profile.api_path}"

    @property
    def dialect(self) -> str:
        return self.profile.name

    @property
    def key(self) -> str:
        return self.state.main_key

    # --- switches, settable at runtime ---------------------------------------------------
    @property
    def latency(self) -> float:
        return self.app.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.app.latency = seconds

    @property
    def rate_limit(self) -> int:
        return self.app.limiter.limit

    @rate_limit.setter
    def rate_limit(self, per_minute: int) -> None:
        self.app.limiter.limit = per_minute

    @property
    def accept_subscriptions(self) -> bool:
        return self.app.accept_subscriptions

    @accept_subscriptions.setter
    def accept_subscriptions(self, accept: bool) -> None:
        self.app.accept_subscriptions = accept

    @property
    def clock_speed(self) -> float:
        return self.state.clock.speed

    @clock_speed.setter
    def clock_speed(self, panel_minutes_per_second: float) -> None:
        self.state.set_clock_speed(panel_minutes_per_second)

    def inject(
        self, fault: str, action: str | None = None, times: int = 1, *, after: int = 0
    ) -> None:
        """Break the next ``times`` requests (of ``action``, or any), once ``after`` of them
        have gone through; see smmdesk.demo.faults."""
        self.app.faults.inject(fault, action, times, after=after)

    def advance(self, minutes: float) -> None:
        """Move the panel clock forward; orders progress accordingly."""
        self.state.advance(minutes)

    # --- accounts ------------------------------------------------------------------------
    def add_account(
        self,
        key: str | None = None,
        balance: Decimal | int | str = Decimal(100),
        currency: str = "USD",
    ) -> str:
        return self.state.add_account(key, balance, currency)

    def balance(self, key: str | None = None) -> Decimal:
        return self.state.balance(key)

    def set_balance(self, amount: Decimal | int | str, key: str | None = None) -> None:
        self.state.set_balance(amount, key)

    def set_webhook(self, url: str | None, key: str | None = None) -> None:
        self.state.set_webhook(url, key)

    def set_disabled(self, disabled: bool, key: str | None = None) -> None:
        """Disable (or enable again) the API access of an account (the main one)."""
        self.state.set_disabled(disabled, key)

    # --- what happened -------------------------------------------------------------------
    @property
    def requests(self) -> Counter[str]:
        return self.app.requests

    @property
    def shapes(self) -> Counter[str]:
        """Requests by action and id fields as they arrived ("status?orders": n)."""
        return self.app.shapes

    @property
    def rate_limited(self) -> int:
        return self.app.rate_limited

    def reset_counters(self) -> None:
        self.app.reset_counters()

    def orders(self, key: str | None = None) -> list[dict[str, object]]:
        return self.state.orders(key)

    def order(self, order_id: str | int) -> dict[str, object]:
        return self.state.order(order_id)

    def refills(self, key: str | None = None) -> list[dict[str, object]]:
        return self.state.refills(key)

    # --- orders made without the API ---------------------------------------------------------
    def place_on_site(
        self, service_id: str, fields: Mapping[str, str], key: str | None = None
    ) -> str:
        """An order made on the panel's website (Subscriptions too); raises ApiError."""
        params = {name: str(value) for name, value in fields.items()}
        return str(self.state.place(key, service_id, params, accept_subscriptions=True))

    def seed_orders(
        self,
        count: int,
        service_id: str = "1",
        key: str | None = None,
        *,
        open_minutes: float = SEED_OPEN_MINUTES,
    ) -> list[str]:
        """``count`` orders In progress for ``open_minutes`` of panel time, made fast."""
        ids = self.state.seed_orders(count, service_id, key, open_minutes)
        return [str(order_id) for order_id in ids]


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on connections
    (without it every answer waits ~40 ms for the client's delayed ACK)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def main(argv: Sequence[str] | None = None) -> int:
    """`smmdesk-demo-panel`: serve the demo panel until Ctrl+C."""
    parser = argparse.ArgumentParser(
        prog="smmdesk-demo-panel",
        description="Run the smmdesk demo panel (panel API v2) until Ctrl+C.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--key", help="API key of the demo account (default: a random one)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--clock-speed", type=float, default=60.0, help="panel minutes per real second (default 60)"
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=DEFAULT_RATE_LIMIT,
        help="requests per minute per IP, 0 = none",
    )
    parser.add_argument("--webhook", metavar="URL", help="POST order status changes here")
    parser.add_argument(
        "--accept-subscriptions",
        action="store_true",
        help="accept Subscriptions orders through the API",
    )
    parser.add_argument(
        "--dialect",
        choices=tuple(PROFILES),
        default=REFERENCE,
        help="which panels to imitate: the reference document read literally (default), the "
        "common Perfect-Panel-like API, the SmartPanel script family, or a panel with no "
        "batch status at all",
    )
    parser.add_argument(
        "--require-request-id",
        action="store_true",
        help="refuse an add without request_id; a repeated request_id gets its first answer",
    )
    parser.add_argument(
        "--catalog", choices=sorted(CATALOGS), default="demo", help="which services it sells"
    )
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    panel = DemoPanel(
        args.host,
        args.port,
        latency=args.latency,
        clock_speed=args.clock_speed,
        rate_limit=args.rate_limit,
        accept_subscriptions=args.accept_subscriptions,
        webhook_url=args.webhook,
        seed=args.seed,
        key=args.key,
        dialect=args.dialect,
        require_request_id=args.require_request_id,
        catalog=args.catalog,
    )
    try:
        panel.start()
    except OSError as error:
        print(
            f"smmdesk-demo-panel: can't listen on {args.host}:{args.port}: {error.strerror}."
            " Choose another --port (0 picks a free one).",
            file=sys.stderr,
        )
        return 1
    print(f"Demo panel: {panel.url}", flush=True)
    print(f"API key:    {panel.key}", flush=True)
    print(f"Dialect:    {panel.dialect}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        panel.wait()
    except KeyboardInterrupt:
        pass
    finally:
        panel.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
