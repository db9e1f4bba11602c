"""The preview of an order file: every row checked before anything is sent.

``validate(desk, order_file, panel=...)`` checks each row through the order-type table
(``prepare_order``) against the cached catalog of its panel (fetched again when older than
``max_age``), and gives a ``Preview``: per row its panel, service name, type, quantity,
expected cost and error; totals per panel against each balance; what earlier runs of the
same file did (from the import ledger); rows identical to one sent from another file
(same panel, service and fields), flagged as possible duplicates.

Decisions:
- A row's panel is its ``panel`` column, else the panel chosen for the file, else the only
  panel when there is just one. Panel names match regardless of case.
- An invalid row never blocks a valid one: it carries its error and is not sent.
- A catalog that cannot be fetched again falls back to the copy kept (with a note); with no
  copy, that panel's rows carry the reason. A balance that cannot be read keeps the last one.
- Checking yields to the event loop every few milliseconds, so a GUI stays responsive
  during a 10,000-row preview.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from smmdesk.core import sending, store
from smmdesk.core.api.models import Service
from smmdesk.core.desk import CATALOG_MAX_AGE
from smmdesk.core.errors import SmmdeskError, ValidationError
from smmdesk.core.i18n import N_, _
from smmdesk.core.importer import ledger
from smmdesk.core.importer.ledger import SENDABLE, UNSETTLED, RowState
from smmdesk.core.importer.rawfile import OrderFile, RawRow
from smmdesk.core.money import format_money
from smmdesk.core.ordertypes import OrderDraft
from smmdesk.core.store.sales import parse_sale_price

if TYPE_CHECKING:
    from smmdesk.core.desk import Desk

SLICE_SECONDS = 0.008  # checking runs this long between two yields to the event loop
DUPLICATE_CHUNK = 1000  # fingerprints looked up between two yields
NO_PANEL = N_(
    "This row names no panel. Choose the panel for rows without one, or add a panel column "
    "to the file."
)


@dataclass(frozen=True)
class PreviewRow:
    """One row as it will be sent (or why it won't). ``state``: what the import ledger says
    about this row (``ready`` for a row never sent)."""

    number: int
    line: int
    values: Mapping[str, str] = field(hash=False)
    panel: str | None
    service_id: str | None
    service_name: str | None
    type_name: str | None
    quantity: int | None
    expected_cost: Decimal | None
    currency: str | None
    link: str | None
    reference: str | None
    error: str | None
    warnings: tuple[str, ...] = ()
    duplicate: str | None = None  # "row 3 of “shop.csv”, sent 2024-05-01 10:00 ..."
    fingerprint: str | None = None
    state: RowState = RowState.READY
    order_id: int | None = None
    remote_id: str | None = None
    sale_price: Decimal | None = None  # what the customer pays (column sale_price)
    service: Service | None = field(default=None, compare=False, repr=False)
    draft: OrderDraft | None = field(default=None, compare=False, repr=False)

    @property
    def valid(self) -> bool:
        return self.error is None

    @property
    def to_send(self) -> bool:
        """Valid and never placed: a run sends it."""
        return self.valid and self.state in SENDABLE

    @property
    def unresolved(self) -> bool:
        """Sent before with no known outcome: listed for the user, never resent blindly."""
        return self.state in UNSETTLED


@dataclass(frozen=True)
class PanelTotal:
    """What the rows to send cost on one panel, against its balance."""

    panel: str
    currency: str | None
    rows: int
    cost: Decimal
    balance: Decimal | None

    @property
    def short(self) -> bool:
        """The balance (when known) does not cover the cost."""
        return self.balance is not None and self.cost > self.balance


@dataclass(frozen=True)
class Preview:
    file: OrderFile
    rows: list[PreviewRow]
    totals: list[PanelTotal]
    notes: list[str]
    default_panel: str | None
    import_id: int | None  # the ledger's import of this file, when it was imported before

    @property
    def to_send(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.to_send]

    @property
    def invalid(self) -> list[PreviewRow]:
        return [row for row in self.rows if not row.valid and row.state in SENDABLE]

    @property
    def unresolved(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.unresolved]

    @property
    def placed(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.state is RowState.PLACED]

    @property
    def duplicates(self) -> list[PreviewRow]:
        return [row for row in self.to_send if row.duplicate]

    def cost_text(self, rows: Iterable[PreviewRow] | None = None, *, grouping: bool = False) -> str:
        """What ``rows`` (default: the rows to send) cost, per panel: '10.80 USD + 5.00 EUR'."""
        sums: dict[str, Decimal] = {}
        for row in self.to_send if rows is None else rows:
            if row.panel:
                sums[row.panel] = sums.get(row.panel, Decimal(0)) + (row.expected_cost or 0)
        return " + ".join(
            format_money(sums[t.panel], t.currency, grouping=grouping)
            for t in self.totals
            if t.panel in sums
        )


async def validate(
    desk: Desk,
    order_file: OrderFile,
    *,
    panel: str | None = None,
    max_age: timedelta = CATALOG_MAX_AGE,
    refresh_balances: bool = True,
    today: date | None = None,
) -> Preview:
    """Check every row of ``order_file``; ``panel`` is the panel for rows naming none."""
    default = desk.panel(panel) if panel else _only_panel(desk)
    panels = {p.name.casefold(): p for p in desk.panels()}
    used = _panels_used(order_file.rows, panels, default)
    notes = list(order_file.notes)
    catalogs = await _catalogs(desk, used, max_age, notes)
    if refresh_balances:
        await _balances(desk, used, notes)
    panels = {p.name.casefold(): p for p in desk.panels()}  # with the balances just read
    default = panels.get(default.name.casefold()) if default else None
    record = ledger.find_import(desk.db, order_file.content_hash)
    known = {r.number: r for r in await ledger.read_rows(desk.db, record.id)} if record else {}
    checker = _RowChecker(panels, default, catalogs, today)
    rows: list[PreviewRow] = []
    deadline = time.perf_counter() + SLICE_SECONDS
    for raw in order_file.rows:
        rows.append(_with_ledger(checker.check(raw), known.get(raw.number)))
        if time.perf_counter() > deadline:
            await asyncio.sleep(0)
            deadline = time.perf_counter() + SLICE_SECONDS
    rows = await _flag_duplicates(desk, rows, order_file.content_hash)
    totals = _totals(rows, panels)
    default_name = default.name if default else None
    return Preview(order_file, rows, totals, notes, default_name, record.id if record else None)


class _RowChecker:
    """Checks rows one by one against the catalogs loaded before (no I/O)."""

    def __init__(
        self,
        panels: dict[str, store.Panel],
        default: store.Panel | None,
        catalogs: dict[str, dict[str, Service] | str],
        today: date | None,
    ):
        self.panels, self.default, self.catalogs, self.today = panels, default, catalogs, today

    def check(self, raw: RawRow) -> PreviewRow:
        values = raw.values
        named = values.get("panel", "").strip()
        panel = self.panels.get(named.casefold()) if named else self.default
        service_id = values.get("service", "").strip() or None
        base = PreviewRow(
            number=raw.number,
            line=raw.line,
            values=values,
            panel=panel.name if panel else named or None,
            service_id=service_id,
            service_name=None,
            type_name=None,
            quantity=None,
            expected_cost=None,
            currency=panel.currency if panel else None,
            link=values.get("link") or values.get("username"),
            reference=values.get("reference") or None,
            error=None,
        )
        if raw.problem:
            # Translators: {problem} says what is wrong with the row's line.
            message = _("This row can't be read: {problem}").format(problem=raw.problem)
            return replace(base, error=message)
        if values.get("sale_price", "").strip():
            try:
                base = replace(base, sale_price=parse_sale_price(values["sale_price"]))
            except ValidationError as exc:
                return replace(base, error=str(exc))
        if panel is None:
            return replace(base, error=_unknown_panel(named, self.panels) if named else _(NO_PANEL))
        catalog = self.catalogs.get(panel.name.casefold())
        if isinstance(catalog, str):
            return replace(base, error=catalog)
        if service_id is None:
            message = _("The service is missing: give the service id from the panel's catalog.")
            return replace(base, error=message)
        service = (catalog or {}).get(_service_key(service_id))
        if service is None:
            message = _(
                'Panel "{panel}" has no service {service}. Check the service id in '
                "the panel's catalog."
            ).format(panel=panel.name, service=service_id)
            return replace(base, error=message)
        return self._prepared(base, panel, service)

    def _prepared(self, base: PreviewRow, panel: store.Panel, service: Service) -> PreviewRow:
        error, draft = None, None
        try:  # the checks of every send (smmdesk.core.sending.prepare)
            draft = sending.prepare(panel, service, base.values, today=self.today).draft
        except ValidationError as exc:
            error = str(exc)
        return PreviewRow(  # built once: dataclasses.replace is slow over 10,000 rows
            number=base.number,
            line=base.line,
            values=base.values,
            panel=base.panel,
            service_id=service.id,
            service_name=service.name,
            type_name=service.type_name or service.type,
            quantity=draft.quantity if draft else None,
            expected_cost=draft.expected_cost if draft else None,
            currency=base.currency,
            link=(draft.link if draft else None) or base.link,
            reference=base.reference,
            sale_price=base.sale_price,
            error=error,
            warnings=tuple(draft.warnings) if draft else (),
            fingerprint=fingerprint(panel.id, service.id, draft.params) if draft else None,
            service=service,
            draft=draft,
        )


def fingerprint(panel_id: int, service_id: str, params: Mapping[str, str]) -> str:
    """What makes two orders the same: panel, service and every add field."""
    key = json.dumps([panel_id, str(service_id), sorted(params.items())], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def row_plans(preview: Preview) -> list[ledger.RowPlan]:
    """The preview's rows as the ledger keeps them."""
    return [
        ledger.RowPlan(
            row.number,
            row.line,
            row.values,
            raw.problem,
            row.panel,
            row.service_id,
            row.fingerprint,
            row.error,
        )
        for row, raw in zip(preview.rows, preview.file.rows, strict=True)
    ]


# --- helpers -------------------------------------------------------------------------------


def _only_panel(desk: Desk) -> store.Panel | None:
    panels = desk.panels()
    return panels[0] if len(panels) == 1 else None


def _panels_used(
    rows: list[RawRow], panels: dict[str, store.Panel], default: store.Panel | None
) -> list[store.Panel]:
    names = {row.values.get("panel", "").strip().casefold() for row in rows}
    used = [panels[name] for name in sorted(names) if name in panels]
    if "" in names and default is not None and default not in used:
        used.append(default)
    return used


async def _catalogs(
    desk: Desk, panels: list[store.Panel], max_age: timedelta, notes: list[str]
) -> dict[str, dict[str, Service] | str]:
    """Per panel (casefolded name): its catalog by service id, or why there is none."""

    async def one(panel: store.Panel) -> dict[str, Service] | str:
        try:
            services = await desk.catalog(panel.name, max_age=max_age)
        except SmmdeskError as exc:
            services = store.load_catalog(desk.db, panel.id)
            if not services:
                # Translators: {error} is why the catalog could not be loaded (a sentence).
                return _(
                    'The catalog of panel "{panel}" could not be loaded, so this row '
                    "can't be checked: {error}"
                ).format(panel=panel.name, error=exc)
            notes.append(
                # Translators: {error} is why the catalog could not be fetched (a sentence).
                _(
                    'The catalog of panel "{panel}" could not be fetched again ({error}); '
                    "the rows were checked against the copy kept."
                ).format(panel=panel.name, error=exc)
            )
        return {_service_key(s.id): s for s in services}

    found = await asyncio.gather(*(one(panel) for panel in panels))
    return {panel.name.casefold(): result for panel, result in zip(panels, found, strict=True)}


async def _balances(desk: Desk, panels: list[store.Panel], notes: list[str]) -> None:
    async def one(panel: store.Panel) -> None:
        try:
            await desk.refresh_balance(panel.name)
        except SmmdeskError as exc:
            notes.append(
                # Translators: {error} is why the balance could not be read (a sentence).
                _(
                    'The balance of panel "{panel}" could not be read ({error}); the last '
                    "known balance is shown."
                ).format(panel=panel.name, error=exc)
            )

    await asyncio.gather(*(one(panel) for panel in panels))


def _with_ledger(row: PreviewRow, known: ledger.RowRecord | None) -> PreviewRow:
    if known is None or known.state in (RowState.READY, RowState.INVALID):
        return row
    return replace(row, state=known.state, order_id=known.order_id, remote_id=known.remote_id)


async def _flag_duplicates(desk: Desk, rows: list[PreviewRow], file_hash: str) -> list[PreviewRow]:
    prints = [row.fingerprint for row in rows if row.to_send and row.fingerprint]
    found: dict[str, ledger.Duplicate] = {}
    for start in range(0, len(prints), DUPLICATE_CHUNK):
        chunk = prints[start : start + DUPLICATE_CHUNK]
        found |= ledger.sent_duplicates(desk.db, chunk, other_than=file_hash)
        await asyncio.sleep(0)
    if not found:
        return rows
    flagged = []
    for row in rows:
        earlier = found.get(row.fingerprint or "") if row.to_send else None
        if earlier is not None:
            # Translators: {earlier} is "row 3 of “shop.csv”, sent 2024-05-01 10:00 as order
            # 123" (its own text).
            duplicate = _("Possible duplicate of {earlier}.").format(earlier=earlier.describe())
            row = replace(row, duplicate=duplicate)
        flagged.append(row)
    return flagged


def _totals(rows: list[PreviewRow], panels: dict[str, store.Panel]) -> list[PanelTotal]:
    sums: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        if row.to_send and row.panel:
            count, cost = sums.get(row.panel, (0, Decimal(0)))
            sums[row.panel] = (count + 1, cost + (row.expected_cost or Decimal(0)))
    totals = []
    for name, (count, cost) in sorted(sums.items()):
        panel = panels[name.casefold()]
        totals.append(PanelTotal(panel.name, panel.currency, count, cost, panel.balance))
    return totals


def _unknown_panel(named: str, panels: dict[str, store.Panel]) -> str:
    # Translators: in place of the list of panels when there is none.
    known = ", ".join(sorted(p.name for p in panels.values())) or _("none yet")
    # Translators: {known} lists the panels' names, or says "none yet".
    return _(
        'smmdesk has no panel named "{name}" (panels: {known}). Fix the panel column, or '
        "add the panel first."
    ).format(name=named, known=known)


def _service_key(service_id: str) -> str:
    """Service ids as compared: "12", " 12 " and Excel's "12.0" are one id."""
    text = str(service_id).strip()
    head, dot, tail = text.partition(".")
    return head if dot and head.isdigit() and tail.strip("0") == "" else text
