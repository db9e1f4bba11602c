"""Finding out what a panel speaks, with harmless requests (smmdesk.core.api.dialect).

    dialect, services = await detect(client)    # when a panel is added or tested

asks, in this order (each answer judged by its shape, never by one panel's wording):

    services                  the catalog's shape: a {"status":"success","data":...} wrapper
                              or snake_case types mark the SmartPanel family
    multiStatus&orders=1,2    answered per id -> the reference's batch status
    status&orders=1,2         answered per id -> the common batch status
                              neither -> one status&order= per order (the last resort)
    cancel&orders=0           per id -> cancel exists; "unknown action" -> it has none
    refill&orders=0           per id -> batch refill; else refill&order=0 about that order
                              -> refill one by one; "unknown action" -> no refill
    refill_status&refills=0   the same for refill statuses

Order id 0 is never a real order, so the write probes change nothing anywhere. A key the
panel refuses is raised (BadKey) at once: nothing else can be learned without it.
``batch_status`` alone runs when a batch call shows the remembered guess was wrong.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from smmdesk.core.api import parse
from smmdesk.core.api.answers import load_json
from smmdesk.core.api.dialect import DMY_DATE, ISO_DATE, MANGLED, SMARTPANEL, Batch, BatchStatus
from smmdesk.core.api.kinds import Kind
from smmdesk.core.api.models import ItemError, OrderStatus, Service
from smmdesk.core.errors import BadKey, NotFound, PanelError, RateLimited, UpstreamFailure
from smmdesk.protocol import squash

if TYPE_CHECKING:
    from smmdesk.core.api.client import PanelClient
    from smmdesk.core.api.dialect import Dialect

log = logging.getLogger(__name__)

PROBE_IDS = ["1", "2"]
NO_ORDER = "0"
_FATAL = (BadKey, RateLimited, UpstreamFailure)
_ACTION_WORDS = ("invalid", "unsupported", "unknown", "notsupported", "notallowed", "incorrect")


def means_unknown_action(error: PanelError) -> bool:
    """The panel's words say it has no such action ("Unsupported action: cancel", "This
    action is Invalid", "this_action_is_invalid")."""
    text = squash(error.panel_message or "")
    return "action" in text and any(word in text for word in _ACTION_WORDS)


def means_missing_field(message: str) -> bool:
    """ "Missing field: order", "order is required": the request lacked a field."""
    text = squash(message)
    return "missing" in text or "required" in text


async def detect(client: PanelClient) -> tuple[Dialect, list[Service]]:
    """What the panel speaks (learned into ``client.dialect``), and its catalog."""
    async with client.detecting:
        services, family = await _catalog(client)
        status_mode, _ = await _batch_status(client, PROBE_IDS)
        learned: dict[str, Any] = {
            "batch_status": status_mode,
            "cancel": await _cancel(client),
            "refill": await _batch_or_single(client, "refill", "orders", "order"),
            "refill_status": await _batch_or_single(client, "refill_status", "refills", "refill"),
            "family": family,
            "expiry_format": ISO_DATE if status_mode is BatchStatus.MULTI_STATUS else DMY_DATE,
            "detected_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if family == SMARTPANEL:
            learned |= {
                "quantity_always": True,
                "subscriptions": False,
                "dripfeed_total": True,
                "mangles": MANGLED,
            }
        return client.learn(**learned), services


async def batch_status(
    client: PanelClient, chunk: list[str], *, instead_of: BatchStatus | None = None
) -> tuple[BatchStatus, dict[str, OrderStatus | ItemError] | None]:
    """The panel's batch status call, found with ``chunk`` itself (its answer comes back too
    when the finding call was the chunk's own). ``instead_of``: the guess that just failed."""
    async with client.detecting:
        known = client.dialect.batch_status
        if known is not None and known is not instead_of:
            return known, None  # found out meanwhile by another chunk
        mode, answered = await _batch_status(client, chunk)
        if mode is BatchStatus.ONE_BY_ONE and instead_of not in (None, BatchStatus.ONE_BY_ONE):
            # a batch call that worked before failed for this chunk alone: ask its orders
            # one by one this time, but don't take the panel for one without batches
            return mode, answered
        client.learn(batch_status=mode)
        return mode, answered


_BATCH_CALLS = ((BatchStatus.MULTI_STATUS, "multiStatus"), (BatchStatus.STATUS_ORDERS, "status"))


async def _batch_status(
    client: PanelClient, chunk: list[str]
) -> tuple[BatchStatus, dict[str, OrderStatus | ItemError] | None]:
    for mode, action in (
        (BatchStatus.MULTI_STATUS, "multiStatus"),
        (BatchStatus.STATUS_ORDERS, "status"),
    ):
        answer = await _shape(client, action, {"orders": ",".join(chunk)})
        if answer is not None and parse.is_per_id(answer, chunk):
            return mode, _read_statuses(answer, chunk)
    return BatchStatus.ONE_BY_ONE, None


def _read_statuses(answer: Any, chunk: list[str]) -> dict[str, OrderStatus | ItemError] | None:
    try:
        return parse.read_multi_status(answer, chunk)
    except PanelError:
        return None


async def _cancel(client: PanelClient) -> bool | None:
    try:
        answer = await client.request("cancel", {"orders": NO_ORDER}, parse.decode_json, Kind.WRITE)
    except _FATAL:
        raise
    except PanelError as error:
        return False if means_unknown_action(error) else None
    return True if parse.is_per_id(answer, [NO_ORDER]) else None


async def _batch_or_single(client: PanelClient, action: str, many: str, one: str) -> Batch | None:
    id_keys = ("refill", "id") if action == "refill_status" else ("order", "id")
    try:
        answer = await client.request(action, {many: NO_ORDER}, parse.decode_json, Kind.WRITE)
    except _FATAL:
        raise
    except PanelError as error:
        if means_unknown_action(error):
            return Batch.NONE
    else:
        if parse.is_per_id(answer, [NO_ORDER], id_keys):
            return Batch.BATCH
    try:
        await client.request(action, {one: NO_ORDER}, parse.decode_json, Kind.WRITE)
    except _FATAL:
        raise
    except NotFound:
        return Batch.SINGLE  # it looked the one id up
    except PanelError as error:
        return Batch.NONE if means_unknown_action(error) else None
    return Batch.SINGLE


async def _shape(client: PanelClient, action: str, fields: dict[str, str]) -> Any | None:
    """The decoded answer, or None when the panel refused the request as a whole."""
    try:
        return await client.request(action, fields, parse.decode_json)
    except _FATAL:
        raise
    except PanelError as error:
        log.debug("Probe %s refused: %s", action, error)
        return None


async def _catalog(client: PanelClient) -> tuple[list[Service], str]:
    """The catalog and the family its shape shows; none when the panel's catalog can't be
    read now (the ordinary catalog refresh says why later: adding the panel goes on)."""
    try:
        raw, services = await client.request(
            "services", {}, partial(_raw_and, parse.parse_services)
        )
    except _FATAL:
        raise
    except PanelError as error:
        log.info("The catalog could not be read while finding out the dialect: %s", error)
        return [], ""
    wrapped = (
        isinstance(raw, dict) and "data" in raw and squash(str(raw.get("status"))) == "success"
    )
    snake = sum(1 for s in services if "_" in s.type and s.type == s.type.lower())
    family = SMARTPANEL if wrapped or (services and snake * 2 > len(services)) else ""
    return services, family


def _raw_and(parser: Any, status_code: int, headers: Any, body: bytes) -> tuple[Any, Any]:
    return load_json(body), parser(status_code, headers, body)
