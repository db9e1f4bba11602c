"""Webhook posts: every status change of an order, POSTed as JSON to its account's URL.

The body matches the reference: {"order_id": 1487, "status": "Completed", "remains": 0,
"start_count": 8421, "charge": 4.5} with JSON numbers (the charge written from its Decimal,
never through a float). Posts go out one after another, in the order the changes happened;
a failure is logged and never stops the panel.
"""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal

import httpx

from smmdesk import __version__

from .money import json_number

log = logging.getLogger(__name__)
USER_AGENT = f"smmdesk-demo-panel/{__version__}"


def encode(payload: dict[str, object]) -> bytes:
    """``payload`` as JSON; Decimal values become exact JSON numbers."""
    parts = [
        f"{json.dumps(name)}: {json_number(v) if isinstance(v, Decimal) else json.dumps(v)}"
        for name, v in payload.items()
    ]
    return ("{" + ", ".join(parts) + "}").encode()


class WebhookSender:
    """Create and run it on the server's event loop; `submit()` from that loop. The HTTP
    client is made at the first post: most panels never send one, and making it slows start."""

    def __init__(self, timeout: float = 5.0) -> None:
        self._queue: asyncio.Queue[tuple[str, dict[str, object]]] = asyncio.Queue()
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def submit(self, url: str, payload: dict[str, object]) -> None:
        self._queue.put_nowait((url, payload))

    async def run(self) -> None:
        while True:
            url, payload = await self._queue.get()
            await self._post(url, payload)

    async def _post(self, url: str, payload: dict[str, object]) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._timeout, trust_env=False, headers={"user-agent": USER_AGENT}
            )
        try:
            response = await self._client.post(
                url, content=encode(payload), headers={"content-type": "application/json"}
            )
        except Exception as error:  # any failure of the receiver must not stop the panel
            log.warning("Webhook post to %s failed: %s", url, type(error).__name__)
            return
        if response.status_code >= 400:
            log.warning("Webhook post to %s answered HTTP %s", url, response.status_code)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
