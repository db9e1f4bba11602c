"""The Desk: smmdesk's core as one object, shared by the GUI, the CLI and the importer.

One Desk per data folder. It owns the SQLite store, the keyring access and one long-lived
``PanelClient`` per panel (created on first use, closed by ``aclose``), and it does what a
reseller does with panels: add and remove them, read balances and catalogs. Orders are
placed, tracked, canceled and refilled through ``smmdesk.core.ordering`` (also reachable as
Desk methods, so callers need one object).

The Desk is the one door of the GUI and the CLI: every write is a Desk method (or one of its
operation objects: ``desk.business``, ``desk.imports``), every read goes through
``desk.read`` (``smmdesk.core.reads``). Each write publishes what it changed on
``desk.events`` (``smmdesk.core.events``), which the GUI's one bridge turns into signals.

Everything here runs on one thread: the event loop's (the GUI's qasync loop, or the CLI's
``asyncio.run``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from smmdesk.core import backup, ordering, sending, store
from smmdesk.core.api import PacerRegistry, PanelClient, check_panel_url, probe
from smmdesk.core.api.dialect import Dialect
from smmdesk.core.api.models import Balance, Service
from smmdesk.core.api.urls import api_variants
from smmdesk.core.backup.health import check_database, mark_clean
from smmdesk.core.business import BusinessOps
from smmdesk.core.errors import (
    BadKey,
    InvalidResponse,
    NotFound,
    NotFoundLocally,
    SmmdeskError,
)
from smmdesk.core.events import Changed, Hub
from smmdesk.core.export import BY_ID, export_snapshot
from smmdesk.core.i18n import _
from smmdesk.core.importer.operations import ImportOps
from smmdesk.core.paths import data_dir, database_path
from smmdesk.core.reads import Reads
from smmdesk.core.secrets import KeyStore
from smmdesk.core.settings import Settings
from smmdesk.core.store import liveness
from smmdesk.core.store.name_parts import remember_names
from smmdesk.core.threads import in_thread

log = logging.getLogger(__name__)

# A catalog older than this is fetched again before it is used to validate an order.
CATALOG_MAX_AGE = timedelta(hours=6)
# A service id missing from a catalog older than this makes smmdesk fetch it again.
CATALOG_RECHECK = timedelta(minutes=5)


class Desk:
    """smmdesk's core over one data folder. Close with ``await desk.aclose()``."""

    def __init__(
        self,
        folder: Path,
        keys: KeyStore,
        *,
        pacers: PacerRegistry | None = None,
        timeout: float = 30.0,
    ):
        self.folder = data_dir(str(folder))
        self.keys = keys
        check_database(self.folder)  # a damaged order book: DamagedDatabase, with a backup
        self.db: Database = store.open_db(database_path(self.folder))
        self.events = Hub()  # what each write changed (smmdesk.core.events)
        self.read = Reads(self.db)  # every read of the order book
        self.business = BusinessOps(self.db, self.events)
        self.imports = ImportOps(self)
        self.pacers = pacers if pacers is not None else PacerRegistry()
        self._timeout = timeout
        self._clients: dict[str, PanelClient] = {}
        self.mark = liveness.ProcessMark(self.folder)  # held while this process lives
        # rows a process that died mid-request left "sending": their fate is unknown
        self.stale_sending = self.reap_dead_sends()

    def __repr__(self) -> str:
        return f"<Desk {self.folder}>"

    def reap_dead_sends(self) -> list[store.Order]:
        """Orders another smmdesk process left "sending" when it died (it holds no mark any
        more): unknown from now on, to be resolved by the user. Returns them."""
        reaped = store.expire_sending(self.db, alive=partial(liveness.alive, self.folder))
        self.events.publish(Changed.of_orders(changed=[order.id for order in reaped]))
        return reaped

    async def aclose(self) -> None:
        """Close every panel client and the database (the event hub first)."""
        self.events.close()
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        # keeps the query planner's statistics current; the limit keeps that quick (a full
        # ANALYZE of a million orders takes seconds, on quit); never worth failing a close
        try:
            self.db.execute("PRAGMA analysis_limit = 1000")
            self.db.execute("PRAGMA optimize")
        except sqlite3.Error as error:  # another process holds the write lock, the disk ...
            log.info("PRAGMA optimize skipped at close: %s", error)
        self.db.close()
        mark_clean(self.folder)  # closed cleanly: the next start need not check the file
        self.mark.close()

    async def __aenter__(self) -> Desk:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- panels ----------------------------------------------------------------------
    def panels(self) -> list[store.Panel]:
        return store.list_panels(self.db)

    def panel(self, name: str) -> store.Panel:
        return store.get_panel(self.db, name)

    async def add_panel(
        self, name: str, url: str, key: str, *, rate_limit: int | None = None
    ) -> store.Panel:
        """Test the connection (the key must work; the usual other API addresses of the site
        are tried when ``url`` is not one), find out what the panel speaks, then keep the key
        in the keyring and the panel (with its working URL, dialect, balance and catalog) in
        the store. Nothing is kept when any step fails."""
        url = check_panel_url(url)
        self.keys.check()
        store.check_new_panel_name(self.db, name)
        per_minute = rate_limit or self.pacers.default_per_minute
        url, balance = await self._find_api(url, key, per_minute)
        async with self._new_client(url, key, per_minute) as client:
            dialect, services = await probe.detect(client)
        panel = store.add_panel(self.db, name, url, rate_limit=per_minute)
        try:
            self.keys.set(panel.name, key)
        except SmmdeskError:
            store.remove_panel(self.db, panel.name, purge=True)
            raise
        store.set_dialect(self.db, panel.id, dialect)
        if services:  # none when it could not be read now: fetched when first needed
            self._keep_catalog(panel, services)
        panel = store.set_balance(self.db, panel.id, balance.amount, balance.currency)
        catalogs = frozenset([panel.name] if services else [])
        self._publish(panels=True, balances=frozenset([panel.name]), catalogs=catalogs)
        return panel

    async def _find_api(self, url: str, key: str, per_minute: int) -> tuple[str, Balance]:
        """The first of ``url`` and its usual variants that answers as a panel API, with the
        balance it gave; the first error (for ``url`` itself) when none does."""
        first: SmmdeskError | None = None
        for candidate in api_variants(url):
            try:
                async with self._new_client(candidate, key, per_minute) as client:
                    return candidate, await client.balance()
            except (InvalidResponse, NotFound) as error:  # no API at this address
                first = first or error
            except BadKey as error:  # an API (it read the key): the key is the problem
                if candidate != url:
                    # Translators: {message} is an error's sentence; {url} an API address.
                    found = _("{message} (smmdesk found the panel's API at {url}.)")
                    error.user_message = found.format(message=error.user_message, url=candidate)
                raise
        assert first is not None
        raise first

    async def detect_dialect(self, name: str) -> store.Panel:
        """Find out again what the panel speaks (what the user set by hand stays)."""
        panel = self.panel(name)
        client = self.client(panel)
        await probe.detect(client)
        self._publish(panels=True)
        return self.panel(name)

    def set_dialect(self, name: str, field: str, value: str) -> store.Panel:
        """Set one thing the panel speaks by hand ("auto" gives it back to detection)."""
        panel = self.panel(name)
        dialect = panel.dialect.overridden(field, value)
        client = self._clients.get(panel.name)
        if client is not None:
            client.dialect = dialect
        panel = store.set_dialect(self.db, panel.id, dialect)
        self._publish(panels=True)
        return panel

    async def update_panel(
        self,
        name: str,
        *,
        url: str | None = None,
        key: str | None = None,
        rate_limit: int | None = None,
    ) -> store.Panel:
        """Change a panel's URL, key or pace; a new URL or key is tested before it is kept."""
        panel = self.panel(name)
        new_url = check_panel_url(url) if url else panel.url
        per_minute = rate_limit or panel.rate_limit
        if url or key:
            new_key = key or self.keys.get(panel.name)
            async with self._new_client(new_url, new_key, per_minute) as client:
                balance = await client.balance()
            if key:
                self.keys.set(panel.name, key)
            store.set_balance(self.db, panel.id, balance.amount, balance.currency)
        await self._drop_client(panel.name)
        panel = store.update_panel(self.db, panel.id, url=new_url, rate_limit=per_minute)
        self._publish(panels=True, balances=frozenset([panel.name]) if url or key else frozenset())
        return panel

    async def remove_panel(self, name: str, *, purge: bool = False) -> store.Panel:
        """Forget a panel and delete its key. Refused while it has orders unless ``purge``."""
        panel = store.remove_panel(self.db, name, purge=purge)
        await self._drop_client(panel.name)
        self.keys.delete(panel.name)
        self._publish(panels=True)
        return panel

    def client(self, panel: store.Panel | str) -> PanelClient:
        """The long-lived client of a panel (made on first use with the key from the keyring)."""
        if isinstance(panel, str):
            panel = self.panel(panel)
        client = self._clients.get(panel.name)
        if client is None or client.closed:
            key = self.keys.get(panel.name)
            client = self._new_client(
                panel.url, key, panel.rate_limit, dialect=panel.dialect, panel_id=panel.id
            )
            self._clients[panel.name] = client
        return client

    def _new_client(
        self,
        url: str,
        key: str,
        per_minute: int,
        *,
        dialect: Dialect | None = None,
        panel_id: int | None = None,
    ) -> PanelClient:
        pacer = self.pacers.get(url, per_minute)

        def remember(learned: Dialect) -> None:
            if panel_id is not None:
                store.set_dialect(self.db, panel_id, learned)

        return PanelClient(
            url, key, pacer=pacer, timeout=self._timeout, dialect=dialect, on_learned=remember
        )

    async def _drop_client(self, name: str) -> None:
        client = self._clients.pop(name, None)
        if client is not None:
            await client.aclose()

    # --- balances and catalogs -------------------------------------------------------
    async def refresh_balance(self, name: str) -> Balance:
        panel = self.panel(name)
        balance = await self.client(panel).balance()
        store.set_balance(self.db, panel.id, balance.amount, balance.currency)
        self._publish(balances=frozenset([panel.name]))
        return balance

    async def refresh_catalog(self, name: str) -> store.CatalogChanges:
        """Fetch the panel's catalog; keep it with every price change seen."""
        panel = self.panel(name)
        changes = self._keep_catalog(panel, await self.client(panel).services())
        self._publish(catalogs=frozenset([panel.name]))
        return changes

    def _keep_catalog(self, panel: store.Panel, services: list[Service]) -> store.CatalogChanges:
        changes = store.save_catalog(self.db, panel.id, services)
        remember_names(self.db, services)  # read once here, not at each comparison
        return changes

    async def catalog(self, name: str, *, max_age: timedelta = CATALOG_MAX_AGE) -> list[Service]:
        """The panel's catalog, fetched again when missing or older than ``max_age``."""
        panel = self.panel(name)
        age = store.catalog_age(self.db, panel.id)
        if age is None or age > max_age:
            await self.refresh_catalog(name)
        return store.load_catalog(self.db, panel.id)

    async def service(self, name: str, service_id: str) -> Service:
        """One service of a panel's catalog. The catalog is fetched again when it is old, or
        when it lacks the id and is more than a few minutes old (a new service)."""
        panel = self.panel(name)
        service_id = str(service_id).strip()
        age = store.catalog_age(self.db, panel.id)
        found = self._saved_service(panel, service_id)
        if age is None or age > CATALOG_MAX_AGE or (found is None and age > CATALOG_RECHECK):
            await self.refresh_catalog(panel.name)
            found = self._saved_service(panel, service_id)
        if found is None:
            # Translators: {panel} is a panel's name, {service} a service id; the command
            # after "with:" is typed as it is.
            message = _(
                'Panel "{panel}" has no service {service} in its catalog. Look up the service '
                "id with: smmdesk-cli services {panel}"
            )
            raise NotFoundLocally(message.format(panel=panel.name, service=service_id))
        return found

    def _saved_service(self, panel: store.Panel, service_id: str) -> Service | None:
        try:
            return store.get_service(self.db, panel.id, service_id)
        except NotFoundLocally:
            return None

    # --- orders (placing: smmdesk.core.sending; the rest: smmdesk.core.ordering) ---------
    async def prepare_order(
        self, panel: str, service_id: str, values: Mapping[str, str]
    ) -> sending.Prepared:
        """Check an order for the panel it goes to (nothing is sent or recorded): what the
        caller shows for confirmation, and then hands to ``send_order`` as it is."""
        chosen = self.panel(panel)
        return sending.prepare(chosen, await self.service(chosen.name, service_id), values)

    async def send_order(
        self,
        prepared: sending.Prepared,
        *,
        reference: str | None = None,
        source: str = "form",
        sale_price: Decimal | None = None,
        customer: str | None = None,
    ) -> sending.Sent:
        """Record the confirmed order and send exactly it, once. The panel's refusal or an
        unknown outcome is the result's ``error`` (the order is recorded either way)."""
        client = self.client(prepared.panel)
        order = sending.record(
            self.db,
            prepared,
            owner=self.mark.token,
            source=source,
            reference=reference,
            sale_price=sale_price,
            customer=customer,
        )
        try:
            return await sending.send(self.db, client, prepared, order)
        finally:  # recorded: the history shows it, whatever the answer (or none) was
            self.events.publish(Changed.of_orders(added=[order.id]))

    async def place_order(
        self,
        panel: str,
        service_id: str,
        values: Mapping[str, str],
        *,
        reference: str | None = None,
        source: str = "form",
        sale_price: Decimal | None = None,
        customer: str | None = None,
    ) -> sending.Sent:
        """Prepare and send without a confirmation (the demo, the self-test, scripts).
        Raises the panel's error, after recording the order, when it was not placed."""
        prepared = await self.prepare_order(panel, service_id, values)
        sent = await self.send_order(
            prepared, reference=reference, source=source, sale_price=sale_price, customer=customer
        )
        return sent.raise_error()

    async def track_orders(
        self, panel: str, remote_ids: Iterable[str], *, reference: str | None = None
    ) -> ordering.Tracked:
        tracked = await ordering.track_orders(self, panel, remote_ids, reference=reference)
        self.events.publish(Changed.of_orders(added=[order.id for order in tracked.orders]))
        return tracked

    async def cancel_orders(self, panel: str, remote_ids: Iterable[str]) -> list[ordering.Outcome]:
        return self._touched(await ordering.cancel_orders(self, panel, remote_ids))

    async def refill_orders(self, panel: str, remote_ids: Iterable[str]) -> list[ordering.Outcome]:
        return self._touched(await ordering.refill_orders(self, panel, remote_ids))

    def _touched(self, outcomes: list[ordering.Outcome]) -> list[ordering.Outcome]:
        ids = [o.order_id for o in outcomes if o.order_id is not None]
        self.events.publish(Changed.of_orders(changed=ids))
        return outcomes

    def resolve_unknown(self, order_id: int, remote_id: str | None) -> store.Order:
        """The user checked the panel for an order whose fate is unknown: placed there as
        ``remote_id``, or not placed (None)."""
        order = store.resolve_unknown(self.db, order_id, remote_id)
        self.events.publish(Changed.of_orders(changed=[order.id]))
        return order

    def export_orders(
        self,
        path: Path | str,
        query: store.OrderQuery = BY_ID,
        *,
        ids: Iterable[int] | None = None,
        total: Callable[[int], object] | None = None,
        progress: Callable[[int], object] | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Stream the orders matching ``query`` (among ``ids`` when given) to a CSV file,
        from one snapshot on a connection of its own: callable on a worker thread."""
        return export_snapshot(
            str(database_path(self.folder)), path, query, ids=ids, total=total, progress=progress,
            cancel=cancel,
        )  # fmt: skip

    # --- the order book as a whole -----------------------------------------------------
    def missing_keys(self) -> list[store.Panel]:
        """The panels whose API key this computer's keyring does not have yet."""
        return backup.missing_keys(self.db, self.keys)

    async def restore(self, settings: Settings, which: str | Path) -> backup.Restored:
        """Put a backup in place of the order book (on a worker thread), then tell every
        view to read it again."""
        restored = await in_thread(backup.restore, self.folder, settings, which)
        if restored.salvage is not None:  # a damaged file was replaced: the new one
            self.reopen()
        self._publish(everything=True)
        return restored

    async def bring_in(self, source: Path) -> list[store.Panel]:
        """Bring a move file into this data folder; the panels whose key is still missing."""
        await in_thread(backup.move_in, self.folder, source)
        self._publish(everything=True)
        return self.missing_keys()

    def reopen(self) -> None:
        """Point the database (the object every read holds) at the file now in place."""
        fresh = store.open_db(database_path(self.folder))
        self.db.conn.close()
        self.db.conn = fresh.conn

    def _publish(self, **what: object) -> None:
        self.events.publish(Changed(**what))  # type: ignore[arg-type]
