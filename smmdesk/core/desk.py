"""The Desk: smmdesk's core as one object, shared by the GUI, the CLI and the importer.

One Desk per data folder. It owns the SQLite store, the keyring access and one long-lived
``PanelClient`` per panel (created on first use, closed by ``aclose``), and it does what a
reseller does with panels: add and remove them, read balances and catalogs. Orders are
placed, tracked, canceled and refilled through ``smmdesk.core.ordering`` (also reachable as
Desk methods, so callers need one object).

Everything here runs on one thread: the event loop's (the GUI's qasync loop, or the CLI's
``asyncio.run``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database

from smmdesk.core import ordering, store
from smmdesk.core.api import PacerRegistry, PanelClient, check_panel_url
from smmdesk.core.api.models import Balance, Service
from smmdesk.core.errors import NotFoundLocally, SmmdeskError
from smmdesk.core.paths import data_dir, database_path
from smmdesk.core.secrets import KeyStore

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
        self.db: Database = store.open_db(database_path(self.folder))
        self.pacers = pacers if pacers is not None else PacerRegistry()
        self._timeout = timeout
        self._clients: dict[str, PanelClient] = {}
        # rows a process that died mid-request left "sending": their fate is unknown
        self.stale_sending = store.expire_sending(self.db)

    def __repr__(self) -> str:
        return f"<Desk {self.folder}>"

    async def aclose(self) -> None:
        """Close every panel client and the database."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        # keeps the query planner's statistics current; the limit keeps that quick (a full
        # ANALYZE of a million orders takes seconds, on quit)
        self.db.execute("PRAGMA analysis_limit = 1000")
        self.db.execute("PRAGMA optimize")
        self.db.close()

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
        """Test the connection (the key must work), then keep the key in the keyring and the
        panel, its currency and balance in the store. Nothing is kept when any step fails."""
        url = check_panel_url(url)
        self.keys.check()
        per_minute = rate_limit or self.pacers.default_per_minute
        async with self._new_client(url, key, per_minute) as client:
            balance = await client.balance()
        panel = store.add_panel(self.db, name, url, rate_limit=per_minute)
        try:
            self.keys.set(panel.name, key)
        except SmmdeskError:
            store.remove_panel(self.db, panel.name, purge=True)
            raise
        return store.set_balance(self.db, panel.id, balance.amount, balance.currency)

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
        return store.update_panel(self.db, panel.id, url=new_url, rate_limit=per_minute)

    async def remove_panel(self, name: str, *, purge: bool = False) -> store.Panel:
        """Forget a panel and delete its key. Refused while it has orders unless ``purge``."""
        panel = store.remove_panel(self.db, name, purge=purge)
        await self._drop_client(panel.name)
        self.keys.delete(panel.name)
        return panel

    def client(self, panel: store.Panel | str) -> PanelClient:
        """The long-lived client of a panel (made on first use with the key from the keyring)."""
        if isinstance(panel, str):
            panel = self.panel(panel)
        client = self._clients.get(panel.name)
        if client is None or client.closed:
            key = self.keys.get(panel.name)
            client = self._new_client(panel.url, key, panel.rate_limit)
            self._clients[panel.name] = client
        return client

    def _new_client(self, url: str, key: str, per_minute: int) -> PanelClient:
        pacer = self.pacers.get(url, per_minute)
        return PanelClient(url, key, pacer=pacer, timeout=self._timeout)

    async def _drop_client(self, name: str) -> None:
        client = self._clients.pop(name, None)
        if client is not None:
            await client.aclose()

    # --- balances and catalogs -------------------------------------------------------
    async def refresh_balance(self, name: str) -> Balance:
        panel = self.panel(name)
        balance = await self.client(panel).balance()
        store.set_balance(self.db, panel.id, balance.amount, balance.currency)
        return balance

    async def refresh_catalog(self, name: str) -> store.CatalogChanges:
        """Fetch the panel's catalog; keep it with every price change seen."""
        panel = self.panel(name)
        services = await self.client(panel).services()
        return store.save_catalog(self.db, panel.id, services)

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
            raise NotFoundLocally(
                f'Panel "{panel.name}" has no service {service_id} in its catalog. Look up the '
                f"service id with: smmdesk-cli services {panel.name}"
            )
        return found

    def _saved_service(self, panel: store.Panel, service_id: str) -> Service | None:
        try:
            return store.get_service(self.db, panel.id, service_id)
        except NotFoundLocally:
            return None

    # --- orders (see smmdesk.core.ordering) --------------------------------------------
    async def place_order(
        self,
        panel: str,
        service_id: str,
        values: Mapping[str, str],
        *,
        reference: str | None = None,
        source: str = "form",
    ) -> ordering.Placed:
        return await ordering.place_order(
            self, panel, service_id, values, reference=reference, source=source
        )

    async def track_orders(
        self, panel: str, remote_ids: Iterable[str], *, reference: str | None = None
    ) -> ordering.Tracked:
        return await ordering.track_orders(self, panel, remote_ids, reference=reference)

    async def cancel_orders(self, panel: str, remote_ids: Iterable[str]) -> list[ordering.Outcome]:
        return await ordering.cancel_orders(self, panel, remote_ids)

    async def refill_orders(self, panel: str, remote_ids: Iterable[str]) -> list[ordering.Outcome]:
        return await ordering.refill_orders(self, panel, remote_ids)
