"""The refresh engine: keeps the local copy of every open order (and balance, and refill)
true to what the panels say, fast, without tripping any panel's limits.

    changes = await refresh(desk)                      # every panel, every open order
    changes = await refresh(desk, panels=["main"])     # one panel
    changes = await refresh(desk, order_ids=[12, 40])  # exactly these orders, final or not

Per panel: the orders still open (``store.open_orders``: not final, not lost) are asked in
multiStatus chunks of at most 100 ids, ``CONCURRENCY`` chunks in flight at once under the
panel's Pacer; each chunk's answers are written atomically as soon as they arrive
(``store.apply_statuses``: an event only where something changed, "Incorrect order ID"
counted until the order is lost); chunks that arrive in the same turn of the event loop
share one commit (``_Writer``). The balance is read alongside, and pending refills are
refreshed. Panels run concurrently. The client retries safe calls (502, 429 with
Retry-After, timeouts, with backoff); when a panel still fails, the chunks not answered yet
are dropped for this run, its error is recorded in ``Changes.errors`` and the other panels
go on. Chunks already written stay written.

The result is a ``Changes`` value: what the CLI prints, and what the GUI uses to redraw only
what changed; it is published on the Desk's hub (``desk.events``, wrapped in an
``events.Changed``) at the end of every run, and its start too. Nothing here imports Qt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from smmdesk.core import store
from smmdesk.core.api import parse
from smmdesk.core.api.client import PanelClient
from smmdesk.core.api.models import Balance, ItemError, OrderStatus
from smmdesk.core.errors import SmmdeskError
from smmdesk.core.events import Changed as Changed
from smmdesk.core.store.history import orders_by_ids

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk

log = logging.getLogger(__name__)

# multiStatus calls in flight per panel. With 100 ms of latency, 16 at once refresh 10,000
# orders of one panel in ~0.7 s (100 calls), well inside the reference budget of 1000/min;
# the Pacer still holds every panel to its own per-minute budget.
CONCURRENCY = 16
# Chunks of answers written in one commit at most (~1 ms of work each): keeps each write
# short for the GUI's event loop.
MAX_CHUNKS_PER_COMMIT = 10

# Orders the user may refresh by id, final or not (a placed or tracked order has a remote id).
_ASKABLE_STATES = (store.OrderState.PLACED, store.OrderState.TRACKED)


@dataclass(frozen=True)
class Changes:
    """What a refresh (or a webhook post) changed. Order and refill ids are local ids.

    ``changed``: orders that got a history event (status, start count, remains or charge
    changed, or lost). ``finished``: orders that became final -> their final status.
    ``order_errors``: per-order error answers (the panel's words). ``errors``: panel name ->
    why (part of) its refresh failed. ``checked``: status answers that matched an order.
    ``requests``: HTTP requests the panels' clients sent during the run. ``elapsed``: wall
    seconds.
    """

    changed: frozenset[int] = frozenset()
    finished: Mapping[int, str] = field(default_factory=dict)
    lost: frozenset[int] = frozenset()
    order_errors: Mapping[int, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    balances: Mapping[str, Balance] = field(default_factory=dict)
    refills_changed: frozenset[int] = frozenset()
    refills_finished: frozenset[int] = frozenset()
    checked: int = 0
    requests: int = 0
    elapsed: float = 0.0
    panels: tuple[str, ...] = ()  # the panels this covers

    @property
    def has_changes(self) -> bool:
        """True when an order or a refill changed (balances and errors are apart)."""
        return bool(self.changed or self.lost or self.refills_changed or self.refills_finished)

    def merge(self, other: Changes) -> Changes:
        """Both together (``other`` wins where both say something of one order or panel);
        counts and elapsed times add up."""
        return Changes(
            changed=self.changed | other.changed,
            finished={**self.finished, **other.finished},
            lost=self.lost | other.lost,
            order_errors={**self.order_errors, **other.order_errors},
            errors={**self.errors, **other.errors},
            balances={**self.balances, **other.balances},
            refills_changed=self.refills_changed | other.refills_changed,
            refills_finished=self.refills_finished | other.refills_finished,
            checked=self.checked + other.checked,
            requests=self.requests + other.requests,
            elapsed=self.elapsed + other.elapsed,
            panels=tuple(dict.fromkeys(self.panels + other.panels)),
        )

    @classmethod
    def from_statuses(
        cls,
        written: store.StatusChanges,
        answers: Mapping[int, OrderStatus | ItemError],
        panel: str | None = None,
    ) -> Changes:
        """The Changes of one ``store.apply_statuses`` batch; ``answers``: local order id ->
        the answer written (gives each finished order its status)."""
        finished = {}
        for order_id in written.finished:
            answer = answers.get(order_id)
            if isinstance(answer, OrderStatus):
                finished[order_id] = answer.status
        return cls(
            changed=frozenset(written.changed),
            finished=finished,
            lost=frozenset(written.lost),
            order_errors=dict(written.errors),
            checked=written.checked,
            panels=() if panel is None else (panel,),
        )


async def refresh(
    desk: Desk,
    panels: Iterable[str] | None = None,
    order_ids: Iterable[int] | None = None,
    include_final: bool = False,
    *,
    concurrency: int = CONCURRENCY,
    balances: bool | None = None,
    refills: bool | None = None,
    on_waiting: Callable[[tuple[str, ...]], None] | None = None,
) -> Changes:
    """Refresh panels' orders, balances and pending refills; return what changed.

    ``on_waiting`` is told the names of the panels still being asked, at the start and each
    time one is done (so a window can name a panel that hangs).

    ``panels``: names (default: every panel). ``order_ids``: refresh exactly these local
    orders, final or not (within ``panels`` when both are given; an empty list asks no
    status). ``include_final``: every order of the panels, final ones too (the user asked).
    ``balances`` / ``refills``: also read each panel's balance / its pending refills
    (default: yes, except when ``order_ids`` are given).
    A panel that fails is reported in ``Changes.errors``; the others go on. An unknown
    panel name or order id raises NotFoundLocally before anything is sent.
    """
    started = time.monotonic()
    reaped = frozenset(order.id for order in desk.reap_dead_sends())  # unknown at once
    chosen = _chosen_panels(desk, panels)
    if order_ids is not None:
        work = _by_panel(desk, order_ids, {p.id for p in chosen})
    else:
        work = {p.id: _orders_of(desk, p, include_final) for p in chosen}
    extras = _Extras(
        balances=order_ids is None if balances is None else balances,
        refills=order_ids is None if refills is None else refills,
    )
    desk.events.publish(Changed(refresh_started=True))
    writer = _Writer(desk.db)
    asked = [p for p in chosen if work.get(p.id) or extras.any]
    waiting = {p.name for p in asked}

    async def ask(panel: store.Panel) -> _Collector:
        try:
            return await _refresh_panel(desk, writer, panel, work.get(panel.id, []), concurrency,
                                        extras)  # fmt: skip
        finally:
            waiting.discard(panel.name)
            if on_waiting is not None:
                on_waiting(tuple(sorted(waiting)))

    if on_waiting is not None:
        on_waiting(tuple(sorted(waiting)))
    found = await _all(ask(p) for p in asked)
    writer.close()
    total = Changes(changed=reaped, panels=tuple(p.name for p in chosen))
    for one in found:
        total = total.merge(one.changes())
    total = replace(total, elapsed=time.monotonic() - started)
    desk.events.publish(Changed.from_refresh(total))  # the views redraw what it changed
    return total


async def refresh_refills(desk: Desk, panels: Iterable[str] | None = None) -> Changes:
    """Refresh only the pending refills (of ``panels``, default all)."""
    return await refresh(desk, panels, order_ids=(), balances=False, refills=True)


@dataclass(frozen=True)
class _Extras:
    balances: bool
    refills: bool

    @property
    def any(self) -> bool:
        return self.balances or self.refills


# --- choosing what to ask ----------------------------------------------------------------


def _chosen_panels(desk: Desk, names: Iterable[str] | None) -> list[store.Panel]:
    if names is None:
        return list(desk.panels())
    if isinstance(names, str):
        names = [names]
    chosen = {}
    for name in names:
        panel = desk.panel(name)
        chosen[panel.id] = panel
    return list(chosen.values())


def _orders_of(desk: Desk, panel: store.Panel, include_final: bool) -> list[tuple[int, str]]:
    if not include_final:
        return store.open_orders(desk.db, panel.id)
    query = store.OrderQuery(panel=panel.name, state=_ASKABLE_STATES, order_by="id")
    orders = store.query_orders(desk.db, query)
    return [(o.id, o.remote_id) for o in orders if o.remote_id]


def _by_panel(
    desk: Desk, order_ids: Iterable[int], panel_ids: set[int]
) -> dict[int, list[tuple[int, str]]]:
    """(local id, remote id) of the chosen orders, per panel id; orders without a remote
    id (never placed) are left out."""
    wanted = list(dict.fromkeys(int(i) for i in order_ids))
    found = {o.id: o for o in orders_by_ids(desk.db, wanted, store.OrderQuery(order_by="id"))}
    work: dict[int, list[tuple[int, str]]] = {}
    for order_id in wanted:
        order = found.get(order_id) or store.get_order(desk.db, order_id)  # absent: raises
        if order.panel_id not in panel_ids:
            continue
        if order.remote_id and order.state in _ASKABLE_STATES:
            work.setdefault(order.panel_id, []).append((order.id, order.remote_id))
    return work


# --- one panel ---------------------------------------------------------------------------


class _Collector:
    """One panel's results, gathered while its chunks arrive (sets, not merges: 100 chunks
    of 100 orders)."""

    def __init__(self, panel: store.Panel):
        self.panel = panel
        self.changed: set[int] = set()
        self.finished: dict[int, str] = {}
        self.lost: set[int] = set()
        self.order_errors: dict[int, str] = {}
        self.checked = 0
        self.balances: dict[str, Balance] = {}
        self.refills: store.RefillChanges | None = None
        self.errors: list[str] = []
        self.requests = 0
        self.elapsed = 0.0

    def add_statuses(self, written: store.StatusChanges, answers: Mapping[int, Any]) -> None:
        part = Changes.from_statuses(written, answers)
        self.changed.update(part.changed)
        self.finished.update(part.finished)
        self.lost.update(part.lost)
        self.order_errors.update(part.order_errors)
        self.checked += part.checked

    def failed(self, what: str, error: SmmdeskError) -> None:
        log.warning("Refresh of %s on panel %s failed: %s", what, self.panel.name, error)
        self.errors.append(str(error))

    def changes(self) -> Changes:
        refills = self.refills or store.RefillChanges()
        return Changes(
            changed=frozenset(self.changed),
            finished=self.finished,
            lost=frozenset(self.lost),
            order_errors=self.order_errors,
            errors={self.panel.name: self.errors[0]} if self.errors else {},
            balances=self.balances,
            refills_changed=frozenset(refills.changed),
            refills_finished=frozenset(refills.finished),
            checked=self.checked,
            requests=self.requests,
            elapsed=self.elapsed,
            panels=(self.panel.name,),
        )


class _Writer:
    """Writes status answers as they arrive: each chunk atomically, and the chunks that
    arrived in the same turn of the event loop in one commit (at most MAX_CHUNKS_PER_COMMIT).

    The store commits with synchronous=FULL, so every commit waits for the disk (~5-10 ms
    on an ordinary disk): one commit per chunk would cost seconds for 300 chunks and hold
    the event loop that long. Grouping keeps that durability and needs a few dozen commits.
    """

    def __init__(self, db: Database):
        self.db = db
        self.commits = 0
        self._queue: list[tuple[_Collector, dict[str, Any], Mapping[str, int]]] = []
        self._scheduled = False
        self._error: BaseException | None = None

    def put(self, found: _Collector, part: dict[str, Any], local_of: Mapping[str, int]) -> None:
        self._queue.append((found, part, local_of))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def close(self) -> None:
        """Write what is left; raise what went wrong writing (the disk, the database)."""
        while self._queue and self._error is None:
            self._write()
        if self._error is not None:
            raise self._error

    def _flush(self) -> None:
        self._scheduled = False
        self._write()
        if self._queue and self._error is None:  # more than one commit's worth: next turn
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _write(self) -> None:
        batch = self._queue[:MAX_CHUNKS_PER_COMMIT]
        del self._queue[:MAX_CHUNKS_PER_COMMIT]
        if not batch or self._error is not None:
            return
        try:
            with store.transaction(self.db):
                written = [
                    store.apply_statuses(self.db, found.panel.id, part, source="refresh")
                    for found, part, _ in batch
                ]
        except Exception as error:  # reported by close()
            log.exception("Writing order statuses failed")
            self._error = error
            return
        self.commits += 1
        for (found, part, local_of), result in zip(batch, written, strict=True):
            found.add_statuses(result, {local_of[r]: a for r, a in part.items()})


async def _refresh_panel(
    desk: Desk,
    writer: _Writer,
    panel: store.Panel,
    pairs: list[tuple[int, str]],
    concurrency: int,
    extras: _Extras,
) -> _Collector:
    started = time.monotonic()
    found = _Collector(panel)
    try:
        client: PanelClient = desk.client(panel)
    except SmmdeskError as error:  # no key in the keyring, keyring locked ...
        found.failed("the connection", error)
        return found
    before = client.requests_made
    jobs = [_statuses(writer, client, found, pairs, concurrency)] if pairs else []
    if extras.balances:
        jobs.append(_balance(desk, client, found))
    if extras.refills:
        jobs.append(_refills(desk, client, found, concurrency))
    await _all(jobs)
    found.requests = client.requests_made - before
    found.elapsed = time.monotonic() - started
    return found


async def _statuses(
    writer: _Writer,
    client: PanelClient,
    found: _Collector,
    pairs: list[tuple[int, str]],
    concurrency: int,
) -> None:
    local_of: dict[str, int] = {}
    for order_id, remote_id in pairs:
        if parse.to_id(remote_id) == remote_id:
            local_of[remote_id] = order_id
        else:  # the panel could not be asked about it in a batch: leave it be
            log.warning("Order #%s has a remote id smmdesk cannot ask about", order_id)
    try:
        chunks = client.multi_status_chunks(list(local_of), concurrency=concurrency)
        async with aclosing(chunks) as answered:
            async for part in answered:
                writer.put(found, part, local_of)
    except SmmdeskError as error:
        found.failed("order statuses", error)


async def _balance(desk: Desk, client: PanelClient, found: _Collector) -> None:
    try:
        balance = await client.balance()
    except SmmdeskError as error:
        found.failed("the balance", error)
        return
    store.set_balance(desk.db, found.panel.id, balance.amount, balance.currency)
    found.balances[found.panel.name] = balance


async def _refills(desk: Desk, client: PanelClient, found: _Collector, concurrency: int) -> None:
    pending = [r.refill_id for r in store.pending_refills(desk.db, found.panel.id) if r.refill_id]
    if not pending:
        return
    try:
        answers = await client.refill_statuses(pending, concurrency=concurrency)
    except SmmdeskError as error:
        found.failed("refill statuses", error)
        return
    found.refills = store.apply_refill_statuses(desk.db, found.panel.id, answers)


async def _all(coros: Iterable[Awaitable[Any]]) -> list[Any]:
    """Await every coroutine concurrently; if one raises (a bug: known errors are caught
    where they happen), cancel the others and raise it."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
