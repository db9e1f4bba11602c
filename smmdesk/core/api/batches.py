"""Batch calls in the panel's own dialect: statuses, cancel, refill, refill statuses.

Each function takes one chunk of ids (at most MULTI_STATUS_MAX) and the client, and asks the
way ``client.dialect`` says (smmdesk.core.api.dialect), finding out first when it is not known
(smmdesk.core.api.probe), and again when an answer shows the guess was wrong:

    statuses         multiStatus&orders= | status&orders= | status&order= per order (paced)
    cancel           cancel&orders=; none on a panel without cancel (Unsupported, unsent)
    refill           refill&orders= | refill&order= per order | none (Unsupported)
    refill_statuses  refill_status&refills= | refill_status&refill= per refill

A whole-request error (a 4xx, one error object) is never an answer about each id: it is
raised, or taken as a sign of the wrong dialect. Per-order calls turn an error about that
one order into its per-id answer, never an error about the panel or the key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from smmdesk.core.api import parse, probe
from smmdesk.core.api.dialect import Batch, BatchStatus
from smmdesk.core.api.kinds import Kind
from smmdesk.core.api.models import (
    CancelResult,
    ItemError,
    OrderStatus,
    RefillResult,
    RefillStatus,
)
from smmdesk.core.errors import (
    BadKey,
    BadRequest,
    InvalidResponse,
    NotFound,
    PanelError,
    RateLimited,
    Unsupported,
    UpstreamFailure,
)
from smmdesk.core.i18n import N_, _

if TYPE_CHECKING:
    from smmdesk.core.api.client import PanelClient

T = TypeVar("T")
ONE_BY_ONE_CONCURRENCY = 4  # per chunk; the pacer holds the panel's per-minute budget

NO_CANCEL = N_(
    "This panel has no cancel action in its API, so smmdesk did not send the request. Ask "
    "the panel's support to cancel the order, or cancel it on the panel's website."
)
NO_REFILL = N_(
    "This panel has no refill action in its API. Ask for the refill on the panel's website "
    "or from its support."
)


def about_the_request(error: PanelError) -> bool:
    """True for a refusal that may mean "not this way" (a wrong dialect): not a key, funds,
    rate or provider problem."""
    if isinstance(error, BadKey | RateLimited | UpstreamFailure | Unsupported):
        return False
    return isinstance(error, BadRequest | NotFound | InvalidResponse)


# --- statuses ----------------------------------------------------------------------------


async def statuses(client: PanelClient, chunk: list[str]) -> dict[str, OrderStatus | ItemError]:
    mode = client.dialect.batch_status
    if mode is None:  # not known yet: the chunk itself is the probe
        mode, answered = await probe.batch_status(client, chunk)
        if answered is not None:
            return answered
    try:
        return await _statuses(client, mode, chunk)
    except PanelError as error:
        if not about_the_request(error):
            raise
        retry, answered = await probe.batch_status(client, chunk, instead_of=mode)
        if retry is mode:
            raise
        return answered if answered is not None else await _statuses(client, retry, chunk)


async def _statuses(
    client: PanelClient, mode: BatchStatus, chunk: list[str]
) -> dict[str, OrderStatus | ItemError]:
    if mode is BatchStatus.ONE_BY_ONE:
        return await _one_by_one(chunk, partial(_one_status, client))
    action = "multiStatus" if mode is BatchStatus.MULTI_STATUS else "status"
    parser = partial(parse.parse_multi_status, ids=chunk)
    return await client.request(action, {"orders": ",".join(chunk)}, parser)


async def _one_status(client: PanelClient, order_id: str) -> OrderStatus | ItemError:
    try:
        return await client.request("status", {"order": order_id}, parse.parse_status)
    except NotFound as error:  # a request about this one order: a per-order answer
        return ItemError(error.panel_message or error.user_message)
    except parse.ImpossibleValues as error:
        return ItemError(error.user_message)


async def _one_by_one(
    ids: list[str], ask: Callable[[str], Awaitable[T]], limit: int = ONE_BY_ONE_CONCURRENCY
) -> dict[str, T]:
    gate = asyncio.Semaphore(limit)

    async def one(ident: str) -> T:
        async with gate:
            return await ask(ident)

    answers = await asyncio.gather(*(one(i) for i in ids))
    return dict(zip(ids, answers, strict=True))


# --- cancel ------------------------------------------------------------------------------


async def cancel(client: PanelClient, chunk: list[str]) -> list[CancelResult]:
    if client.dialect.cancel is False:
        raise Unsupported(_(NO_CANCEL))
    parser = partial(parse.parse_cancel, ids=chunk)
    try:
        results = await client.request("cancel", {"orders": ",".join(chunk)}, parser, Kind.WRITE)
    except PanelError as error:
        if probe.means_unknown_action(error):
            client.learn(cancel=False)
            raise Unsupported(_(NO_CANCEL), panel_message=error.panel_message) from None
        raise
    client.learn(cancel=True)
    return results


# --- refill ------------------------------------------------------------------------------


async def refill(client: PanelClient, chunk: list[str]) -> list[RefillResult]:
    mode = client.dialect.refill
    if mode is Batch.NONE:
        raise Unsupported(_(NO_REFILL))
    if mode is not Batch.SINGLE:
        parser = partial(parse.parse_refill_many, ids=chunk)
        try:
            results = await client.request(
                "refill", {"orders": ",".join(chunk)}, parser, Kind.WRITE
            )
        except PanelError as error:
            _no_refill(client, error)
            if not about_the_request(error):
                raise
            first = await _one_refill(client, chunk[0])  # the panel may read order= only
            if first.error is not None and not _about_one_order(first):
                raise error from None
            client.learn(refill=Batch.SINGLE)
            rest = await _in_turn_each(chunk[1:], partial(_one_refill, client))
            return [first, *rest]
        client.learn(refill=Batch.BATCH)
        return results
    return await _in_turn_each(chunk, partial(_one_refill, client))


async def _one_refill(client: PanelClient, order_id: str) -> RefillResult:
    try:
        refill_id = await client.request(
            "refill", {"order": order_id}, parse.parse_refill, Kind.WRITE
        )
    except PanelError as error:
        _no_refill(client, error)
        if not about_the_request(error) or isinstance(error, InvalidResponse):
            raise
        return RefillResult(order_id, None, error.panel_message or error.user_message)
    return RefillResult(order_id, refill_id)


def _about_one_order(result: RefillResult) -> bool:
    """A single refill's refusal that speaks of that order (so the panel read order=)."""
    return result.error is not None and not probe.means_missing_field(result.error)


def _no_refill(client: PanelClient, error: PanelError) -> None:
    if probe.means_unknown_action(error):
        client.learn(refill=Batch.NONE, refill_status=Batch.NONE)
        raise Unsupported(_(NO_REFILL), panel_message=error.panel_message) from None


async def _in_turn_each(ids: list[str], ask: Callable[[str], Awaitable[T]]) -> list[T]:
    """Writes one at a time, in order (each answered before the next is sent)."""
    return [await ask(ident) for ident in ids]


# --- refill statuses ---------------------------------------------------------------------


async def refill_statuses(
    client: PanelClient, chunk: list[str]
) -> dict[str, RefillStatus | ItemError]:
    mode = client.dialect.refill_status
    if mode is not Batch.SINGLE:
        parser = partial(parse.parse_refill_statuses, ids=chunk)
        try:
            answers = await client.request("refill_status", {"refills": ",".join(chunk)}, parser)
        except PanelError as error:
            if not about_the_request(error):
                raise
            client.learn(refill_status=Batch.SINGLE)
        else:
            client.learn(refill_status=Batch.BATCH)
            return answers
    return await _one_by_one(chunk, partial(_one_refill_status, client))


async def _one_refill_status(client: PanelClient, refill_id: str) -> RefillStatus | ItemError:
    try:
        return await client.refill_status(refill_id)
    except NotFound as error:
        return ItemError(error.panel_message or error.user_message)
