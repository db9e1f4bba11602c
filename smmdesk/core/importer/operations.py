"""Imports written through the Desk (``desk.imports``): placing a preview's rows and settling
rows whose fate is unknown. Both publish what they changed on the Desk's hub: each order a
row recorded as it is settled (so the views show it while the rest are sent), the import
itself at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smmdesk.core.events import Changed
from smmdesk.core.importer import ledger

if TYPE_CHECKING:  # submit and validate import the Desk: read when first used
    from smmdesk.core.desk import Desk
    from smmdesk.core.importer.submit import Control, Progress, ProgressCallback, Report
    from smmdesk.core.importer.validate import Preview


class ImportOps:
    def __init__(self, desk: Desk):
        self._desk = desk

    async def submit(
        self,
        preview: Preview,
        *,
        control: Control | None = None,
        on_progress: ProgressCallback | None = None,
        concurrency: int | None = None,
        skip_duplicates: bool = False,
    ) -> Report:
        """Place the preview's rows never placed (``smmdesk.core.importer.submit``);
        ``concurrency``: adds in flight per panel (its default when None)."""
        from smmdesk.core.importer.submit import DEFAULT_CONCURRENCY, submit

        hub = self._desk.events

        def settled(progress: Progress) -> None:
            row = progress.row
            if row is not None and row.order_id is not None:
                hub.publish(Changed(orders_added=(row.order_id,), imports=True))
            if on_progress is not None:
                on_progress(progress)

        try:
            return await submit(
                self._desk,
                preview,
                control=control,
                on_progress=settled,
                concurrency=DEFAULT_CONCURRENCY if concurrency is None else concurrency,
                skip_duplicates=skip_duplicates,
            )
        finally:
            hub.publish(Changed(imports=True))

    def resolve_row(
        self, import_id: int, number: int, *, remote_id: str | None = None, resend: bool = False
    ) -> ledger.RowRecord:
        """The user checked the panel for a row whose fate is unknown (``ledger.resolve_row``)."""
        row = ledger.resolve_row(
            self._desk.db, import_id, number, remote_id=remote_id, resend=resend
        )
        changed = () if row.order_id is None else (row.order_id,)
        self._desk.events.publish(Changed(orders_changed=changed, imports=True))
        return row
