"""The panel API v2 actions: form parameters in, (HTTP code, JSON-able answer) out.

Shapes follow the reference and the de-facto standard: numbers in single answers are strings
("100.84292"); order ids in batch lists are numbers; a batch answer carries per-id errors.
Batches (`orders=`, `refills=`) take at most protocol.MULTI_STATUS_MAX ids. What a dialect
profile changes (smmdesk.demo.dialects) is decided here and in validation/state: which
actions exist, which id fields they read, and how a refusal is worded and coded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smmdesk.protocol import MULTI_STATUS_MAX

from .dialects import Profile
from .errors import (
    INCORRECT_ORDER,
    INCORRECT_REFILL,
    INVALID_KEY,
    ApiError,
    bad_request,
    not_found,
)
from .money import text
from .state import PanelState

Answer = tuple[int, object]


@dataclass(frozen=True)
class Context:
    state: PanelState
    profile: Profile
    key: str
    accept_subscriptions: bool
    require_request_id: bool


_Handler = Callable[[Context, dict[str, str]], object]


def counted_name(params: dict[str, str]) -> str:
    """The action as panel.requests counts it: exactly as it arrived on the wire."""
    return params.get("action", "").strip()


def wire_shape(params: dict[str, str]) -> str:
    """The action with the id fields it carried ("status?orders", "refill?order"): what
    panel.shapes counts, so a test can tell a batch call from one call per order."""
    action = counted_name(params)
    ids = [name for name in ("order", "orders", "refill", "refills") if name in params]
    return f"{action}?{'&'.join(ids)}" if ids else action


def handle(
    state: PanelState,
    params: dict[str, str],
    *,
    accept_subscriptions: bool,
    require_request_id: bool = False,
) -> Answer:
    """Answer one request; refusals become the profile's error answer and HTTP code."""
    profile = state.profile
    action = params.get("action", "").strip()
    try:
        key = params.get("key", "")
        if not key:
            raise ApiError(401, INVALID_KEY)
        state.account(key)  # 401 before anything else
        if not action:
            raise bad_request("Action is required")
        handler = _handlers(profile).get(action)
        if handler is None:
            raise bad_request(_unknown_action(profile, action))
        context = Context(state, profile, key, accept_subscriptions, require_request_id)
        return 200, handler(context, params)
    except ApiError as error:
        message = profile.wrong_key if error.message == INVALID_KEY else error.message
        if profile.error_wrapper and action == "add" and error.message != INVALID_KEY:
            return profile.error_code(error.status), {"status": "error", "message": message}
        return profile.error_code(error.status), {"error": message}


def _unknown_action(profile: Profile, action: str) -> str:
    if profile.unknown_action == "Unsupported action":
        known = ", ".join(_handlers(profile))
        return f"Unsupported action: {action}. This panel supports {known}"
    return profile.unknown_action


def _balance(c: Context, params: dict[str, str]) -> object:
    answer: dict[str, object] = {
        "balance": text(c.state.balance(c.key)),
        "currency": c.state.account(c.key).currency,
    }
    return {"status": "success", **answer} if c.profile.wraps_catalog else answer


def _services(c: Context, params: dict[str, str]) -> object:
    services = [service.answer(c.profile) for service in c.state.services.values()]
    if c.profile.wraps_catalog:
        return {"status": "success", "data": services or "Empty Data"}
    return services


def _add(c: Context, params: dict[str, str]) -> object:
    order_id = c.state.place(
        c.key,
        params.get("service", ""),
        params,
        accept_subscriptions=c.accept_subscriptions,
        require_request_id=c.require_request_id,
    )
    return {"order": order_id}


def _status(c: Context, params: dict[str, str]) -> object:
    if c.profile.status_takes_orders and "orders" in params:
        return c.state.statuses(c.key, _ids(params, "orders"))
    return c.state.status(c.key, _one(params, "order", "Missing field: order"))


def _multi_status(c: Context, params: dict[str, str]) -> object:
    return c.state.statuses(c.key, _ids(params, "orders"))


def _cancel(c: Context, params: dict[str, str]) -> object:
    if "orders" not in params and c.profile.cancel_takes_order:
        order_id = _one(params, "order", "Missing field: order")
        error = c.state.request_cancel(c.key, [order_id])[0]
        if error is not None:
            raise error
        return {"cancel": {"status": "success"}}
    ids = _ids(params, "orders")
    answer: list[dict[str, object]] = []
    for order_id, error in zip(ids, c.state.request_cancel(c.key, ids), strict=True):
        item: dict[str, object] = {"order": _number(order_id)}
        if c.profile.name == "reference":  # the document's shapes
            item.update({"cancel": {"status": "success"}} if error is None else {
                "error": error.message})  # fmt: skip
        else:  # the common panels: {"cancel": 1} or {"cancel": {"error": ...}}
            item["cancel"] = 1 if error is None else {"error": error.message}
        answer.append(item)
    return answer


def _refill(c: Context, params: dict[str, str]) -> object:
    if "orders" not in params or not c.profile.refill_batch:
        order_id = params.get("order", "").strip()
        if not order_id:  # a panel that reads only order= looks up nothing
            raise not_found(INCORRECT_ORDER)
        return {"refill": str(c.state.refill(c.key, order_id))}
    answer: list[dict[str, object]] = []
    for order_id in _ids(params, "orders"):
        try:
            answer.append({"order": _number(order_id), "refill": c.state.refill(c.key, order_id)})
        except ApiError as error:
            answer.append({"order": _number(order_id), "refill": {"error": error.message}})
    return answer


def _refill_status(c: Context, params: dict[str, str]) -> object:
    if "refills" not in params or not c.profile.refill_status_batch:
        refill_id = params.get("refill", "").strip()
        if not refill_id:
            raise not_found(INCORRECT_REFILL)
        return {"status": c.state.refill_status(c.key, refill_id)}
    answer: list[dict[str, object]] = []
    for refill_id in _ids(params, "refills"):
        try:
            status: object = c.state.refill_status(c.key, refill_id)
        except ApiError as error:
            status = {"error": error.message}
        answer.append({"refill": _number(refill_id), "status": status})
    return answer


def _handlers(profile: Profile) -> dict[str, _Handler]:
    handlers: dict[str, _Handler] = {
        "balance": _balance,
        "services": _services,
        "add": _add,
        "status": _status,
    }
    if profile.multi_status_action:
        handlers["multiStatus"] = _multi_status
    if profile.has_cancel:
        handlers["cancel"] = _cancel
    handlers["refill"] = _refill
    handlers["refill_status"] = _refill_status
    return handlers


def _one(params: dict[str, str], name: str, missing: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise bad_request(missing)
    return value


def _ids(params: dict[str, str], name: str) -> list[str]:
    ids = [part.strip() for part in params.get(name, "").split(",") if part.strip()]
    if not ids:
        raise bad_request(f"Missing field: {name} (comma-separated IDs)")
    if len(ids) > MULTI_STATUS_MAX:
        raise bad_request(f"Too many IDs: at most {MULTI_STATUS_MAX} per request, {len(ids)} given")
    return ids


def _number(order_id: str) -> int | str:
    return int(order_id) if order_id.isdigit() else order_id
