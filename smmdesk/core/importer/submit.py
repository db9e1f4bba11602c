"""Submission of an import: every valid row placed exactly once, whatever happens.

``submit(desk, preview)`` records the import and its rows in the ledger, then for each
valid row never sent (``ready``, or ``failed``: the panel definitely placed nothing):

    claim: the order recorded "sending" and linked to the row, ONE committed transaction
      -> add (one request, paced by the panel's client; never resent by the client)
      -> settle: placed (remote id) | failed (the panel's reason) | unknown (no answer)

Rows sent before whose fate is unknown (``sending``: the process died mid-request;
``unknown``: the connection broke) are never sent again here: they are reported, and
``ledger.resolve_row`` lets the user mark them placed (remote id) or choose to resend.

Each panel's rows go in file order through ``concurrency`` workers (a few adds in flight
per panel; the panel's pacer spaces them). A panel stops taking rows when it answers that
the balance is too low, the key is refused, or it cannot be reached; the other panels go
on. ``Control`` pauses, resumes and cancels between rows (an add in flight is always
settled). ``on_progress`` is called after each row is settled.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from smmdesk.core import sending, store
from smmdesk.core.api import PanelClient
from smmdesk.core.errors import (
    BadKey,
    InsufficientFunds,
    RateLimited,
    SmmdeskError,
    TransportError,
)
from smmdesk.core.i18n import _
from smmdesk.core.importer import ledger
from smmdesk.core.importer.ledger import RowState
from smmdesk.core.importer.validate import Preview, PreviewRow, row_plans
from smmdesk.core.store import STOPPED_WHILE_SENDING

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk

DEFAULT_CONCURRENCY = 4  # adds in flight per panel
SAVE_CHUNK = 250  # rows written per transaction when recording an import (~10 ms)
PANEL_STOPPERS = (InsufficientFunds, BadKey, TransportError, RateLimited)


class Control:
    """Pause, resume or cancel a running submission (between rows)."""

    def __init__(self) -> None:
        self._running = asyncio.Event()
        self._running.set()
        self.canceled = False

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def pause(self) -> None:
        if not self.canceled:
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self.canceled = True
        self._running.set()

    async def proceed(self) -> bool:
        """Wait while paused; False once canceled."""
        await self._running.wait()
        return not self.canceled


@dataclass(frozen=True)
class RowResult:
    """What became of one row. ``state``: placed, failed, invalid, unknown (it may be on
    the panel: check), skipped (not sent this time: ``error`` says why) or not_placed (the
    user checked: not on the panel)."""

    number: int
    panel: str | None
    service: str | None
    link: str | None
    state: RowState
    remote_id: str | None = None
    order_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Progress:
    total: int  # rows this run sends
    done: int
    placed: int
    failed: int
    unknown: int
    row: RowResult | None = None  # the row just settled


@dataclass(frozen=True)
class Report:
    import_id: int
    file_name: str
    rows: list[RowResult]  # every row of the file, in order
    placed_now: int
    stopped: dict[str, str] = field(default_factory=dict)  # panel -> why it stopped
    canceled: bool = False

    def count(self, *states: RowState) -> int:
        return sum(1 for row in self.rows if row.state in states)

    @property
    def unresolved(self) -> list[RowResult]:
        return [row for row in self.rows if row.state is RowState.UNKNOWN]

    def counts(self) -> dict[str, int]:
        """{rows, placed, failed, skipped, unknown} (failed includes invalid rows; skipped
        includes rows the user settled as not placed), plus invalid and placed_now."""
        return {
            "rows": len(self.rows),
            RowState.PLACED: self.count(RowState.PLACED),
            RowState.FAILED: self.count(RowState.FAILED, RowState.INVALID),
            RowState.SKIPPED: self.count(RowState.SKIPPED, RowState.NOT_PLACED),
            RowState.UNKNOWN: self.count(RowState.UNKNOWN),
            RowState.INVALID: self.count(RowState.INVALID),
            "placed_now": self.placed_now,
        }


ProgressCallback = Callable[[Progress], None]


async def record_import(desk: Desk, preview: Preview) -> ledger.ImportRecord:
    """Write the import and its validated rows to the ledger (rows sent before keep their
    state). Yields to the event loop between chunks."""
    record = ledger.open_import(desk.db, preview.file, default_panel=preview.default_panel)
    plans = row_plans(preview)
    for start in range(0, len(plans), SAVE_CHUNK):
        ledger.save_rows(desk.db, record, plans[start : start + SAVE_CHUNK])
        await asyncio.sleep(0)
    return record


async def submit(
    desk: Desk,
    preview: Preview,
    *,
    control: Control | None = None,
    on_progress: ProgressCallback | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    skip_duplicates: bool = False,
) -> Report:
    """Place the preview's rows that were never placed; return what became of every row."""
    record = await record_import(desk, preview)
    sendable = ledger.sendable_numbers(desk.db, record.id)
    todo = [row for row in preview.rows if row.valid and row.draft and row.number in sendable]
    if skip_duplicates:
        skipped = [row.number for row in todo if row.duplicate]
        note = _("Not sent: a possible duplicate of an order already sent (skipped as asked).")
        ledger.note_rows(desk.db, record.id, skipped, note)
        todo = [row for row in todo if not row.duplicate]
    run = _Run(desk, record, control or Control(), on_progress, len(todo))
    await run.go(todo, max(int(concurrency), 1))
    return await build_report(desk, record, preview, run.placed, run.stopped, run.control.canceled)


async def build_report(
    desk: Desk,
    record: ledger.ImportRecord,
    preview: Preview | None = None,
    placed_now: int = 0,
    stopped: dict[str, str] | None = None,
    canceled: bool = False,
) -> Report:
    """What the ledger says about every row of an import now."""
    shown = {row.number: row for row in preview.rows} if preview else {}
    stored = await ledger.read_rows(desk.db, record.id)
    rows = [_result(row, shown.get(row.number)) for row in stored]
    return Report(record.id, record.file_name, rows, placed_now, dict(stopped or {}), canceled)


class _Run:
    """One submission: per-panel queues, their workers, and the counts so far."""

    def __init__(
        self,
        desk: Desk,
        record: ledger.ImportRecord,
        control: Control,
        on_progress: ProgressCallback | None,
        total: int,
    ):
        self.desk, self.record, self.control = desk, record, control
        self.on_progress = on_progress
        self.total, self.done, self.placed, self.failed, self.unknown = total, 0, 0, 0, 0
        self.stopped: dict[str, str] = {}
        self.queues: dict[str, deque[PreviewRow]] = {}

    async def go(self, todo: list[PreviewRow], concurrency: int) -> None:
        for row in todo:
            self.queues.setdefault(row.panel or "", deque()).append(row)
        workers = []
        for name, queue in self.queues.items():
            panel = self.desk.panel(name)
            try:
                client = self.desk.client(panel)
            except SmmdeskError as exc:
                # Translators: an import row's note; {error} says why the panel can't be used.
                self._stop(panel.name, _("Not sent: {error}").format(error=exc))
                continue
            workers += [self._worker(panel, client, queue) for _worker in range(concurrency)]
        tasks = [asyncio.ensure_future(worker) for worker in workers]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:  # a bug or a cancel: settle what is in flight, then stop
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            self._note_left()

    async def _worker(
        self, panel: store.Panel, client: PanelClient, queue: deque[PreviewRow]
    ) -> None:
        while queue and panel.name not in self.stopped:
            if not await self.control.proceed():
                return
            if not queue or panel.name in self.stopped:
                return
            await self._send(panel, client, queue.popleft())

    async def _send(self, panel: store.Panel, client: PanelClient, row: PreviewRow) -> None:
        """The row through the one send (smmdesk.core.sending), its ledger row as the hook."""
        assert row.service is not None and row.draft is not None
        db, import_id = self.desk.db, self.record.id
        prepared = sending.Prepared(panel, row.service, row.draft)
        hook = ledger.RowHook(import_id, row.number)
        try:
            order = sending.record(
                db,
                prepared,
                owner=self.desk.mark.token,
                source="import",
                reference=row.reference,
                sale_price=row.sale_price,
                hook=hook,
            )
        except ledger.RowTaken:
            return self._settled(_result(ledger.load_row(db, import_id, row.number), row))
        sent = await sending.send(db, client, prepared, order, hook=hook)
        if sent.error is not None and sent.state is store.OrderState.FAILED:
            self._after_refusal(panel, sent.error)
        order = sent.order
        self._settled(
            RowResult(
                row.number,
                panel.name,
                row.service_id,
                order.link,
                RowState(sent.state),
                order.remote_id,
                order.id,
                order.error,
            )
        )

    def _after_refusal(self, panel: store.Panel, exc: SmmdeskError) -> None:
        if isinstance(exc, PANEL_STOPPERS) and panel.name not in self.stopped:
            self._stop(panel.name, _stop_note(panel.name, exc))

    def _stop(self, panel_name: str, note: str) -> None:
        self.stopped[panel_name] = note

    def _settled(self, result: RowResult) -> None:
        self.done += 1
        if result.state is RowState.PLACED:
            self.placed += 1
        elif result.state is RowState.FAILED:
            self.failed += 1
        elif result.state is RowState.UNKNOWN:
            self.unknown += 1
        if self.on_progress is not None:
            self.on_progress(
                Progress(self.total, self.done, self.placed, self.failed, self.unknown, result)
            )

    def _note_left(self) -> None:
        """Rows never taken: say why they were not sent (they are sent on the next run)."""
        for name, queue in self.queues.items():
            if not queue:
                continue
            if name in self.stopped:
                note = self.stopped[name]
            elif self.control.canceled:
                note = _("Not sent: the import was canceled. Run it again to place the rest.")
            else:
                note = _("Not sent: the import stopped. Run it again to place the rest.")
            ledger.note_rows(self.desk.db, self.record.id, [row.number for row in queue], note)


def _stop_note(panel_name: str, exc: SmmdeskError) -> str:
    if isinstance(exc, InsufficientFunds):
        return _(
            'Not sent: the balance of panel "{panel}" ran out. Add funds on the panel, '
            "then run the import again: only the rows not placed yet are sent."
        ).format(panel=panel_name)
    # Translators: {problem} is the panel's error, a whole sentence ending with a full stop.
    return _(
        'Not sent: panel "{panel}" stopped taking orders ({problem}) Fix '
        "that, then run the import again: only the rows not placed yet are sent."
    ).format(panel=panel_name, problem=exc.user_message)


def _result(row: ledger.RowRecord, shown: PreviewRow | None) -> RowResult:
    state = {
        RowState.READY: RowState.SKIPPED,
        RowState.SENDING: RowState.UNKNOWN,
    }.get(row.state, row.state)
    error = row.error
    if row.state is RowState.SENDING and not error:
        error = _(STOPPED_WHILE_SENDING)
    if row.state is RowState.READY and not error:
        error = _("Not sent yet.")
    link = row.link or (shown.link if shown else None)
    service = row.service or (shown.service_id if shown else None)
    return RowResult(
        row.number, row.panel, service, link, state, row.remote_id, row.order_id, error
    )
