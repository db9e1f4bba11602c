"""The panel API v2 client: ``PanelClient`` (async, paced, careful with ``add``), the
typed results it returns, and the per-origin ``Pacer``.

    from smmdesk.core.api import PanelClient
    async with PanelClient("https://panel.example/api/v2", key) as panel:
        print(await panel.balance())
"""

from smmdesk.core.api import probe
from smmdesk.core.api.client import PanelClient
from smmdesk.core.api.dialect import Batch, BatchStatus, Dialect
from smmdesk.core.api.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    RefillResult,
    RefillStatus,
    Service,
)
from smmdesk.core.api.pacing import Pacer, PacerRegistry, pacer_for
from smmdesk.core.api.urls import check_panel_url, is_loopback, origin

__all__ = [
    "Balance",
    "Batch",
    "BatchStatus",
    "CancelResult",
    "Dialect",
    "ItemError",
    "OrderStatus",
    "Pacer",
    "PacerRegistry",
    "PanelClient",
    "RefillResult",
    "RefillStatus",
    "Service",
    "check_panel_url",
    "is_loopback",
    "origin",
    "pacer_for",
    "probe",
]
