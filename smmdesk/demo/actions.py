"""The panel API v2 actions: form parameters in, (HTTP code, JSON-able answer) out.

Shapes follow the reference and the de-facto standard: numbers in single answers are strings
("100.84292"); order ids in batch lists are numbers; a batch answer carries per-id errors.
Batches (`orders=`, `refills=`) take at most protocol.MULTI_STATUS_MAX ids.
"""

from __future__ import annotations

from collections.abc import Callable

from smmdesk.protocol import MULTI_STATUS_MAX

from .errors import INVALID_KEY, ApiError, bad_request
from .money import text
from .state import PanelState

Answer = tuple[int, object]
_Handler = Callable[[PanelState, str, dict[str, str], bool], object]


def counted_name(params: dict[str, str]) -> str:
    """The action as panel.requests counts it ("multiStatus" for status with orders=)."""
    action = params.get("action", "").strip()
    if action == "status" and "orders" in params:
        return "multiStatus"
    return action


def handle(state: PanelState, params: dict[str, str], *, accept_subscriptions: bool) -> Answer:
    """Answer one request; refusals become {"error": ...} with their HTTP code."""
    try:
        key = params.get("key", "")
        if not key:
            raise ApiError(401, INVALID_KEY)
        state.account(key)  # 401 before anything else
        action = params.get("action", "").strip()
        if not action:
            raise bad_request("Action is required")
        handler = _HANDLERS.get(action)
        if handler is None:
            known = ", ".join(_HANDLERS)
            raise bad_request(f"Unsupported action: {action}. This panel supports {known}")
        return 200, handler(state, key, params, accept_subscriptions)
    except ApiError as error:
        return error.status, {"error": error.message}


def _balance(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    return {"balance": text(state.balance(key)), "currency": state.account(key).currency}


def _services(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    return [service.answer() for service in state.services.values()]


def _add(state: PanelState, key: str, params: dict[str, str], subs: bool) -> object:
    order_id = state.place(key, params.get("service", ""), params, accept_subscriptions=subs)
    return {"order": order_id}


def _status(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    if "orders" in params:
        return state.statuses(key, _ids(params, "orders"))
    return state.status(key, _one(params, "order", "Order ID is required"))


def _multi_status(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    return state.statuses(key, _ids(params, "orders"))


def _cancel(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    if "orders" not in params:
        order_id = _one(params, "order", "Order ID is required")
        error = state.request_cancel(key, [order_id])[0]
        if error is not None:
            raise error
        return {"cancel": {"status": "success"}}
    ids = _ids(params, "orders")
    return [
        {"order": _number(order_id), "cancel": {"status": "success"}}
        if error is None
        else {"order": _number(order_id), "error": error.message}
        for order_id, error in zip(ids, state.request_cancel(key, ids), strict=True)
    ]


def _refill(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    if "orders" not in params:
        return {"refill": str(state.refill(key, _one(params, "order", "Order ID is required")))}
    answer: list[dict[str, object]] = []
    for order_id in _ids(params, "orders"):
        try:
            answer.append({"order": _number(order_id), "refill": state.refill(key, order_id)})
        except ApiError as error:
            answer.append({"order": _number(order_id), "refill": {"error": error.message}})
    return answer


def _refill_status(state: PanelState, key: str, params: dict[str, str], _subs: bool) -> object:
    if "refills" not in params:
        return {"status": state.refill_status(key, _one(params, "refill", "Refill ID is required"))}
    answer: list[dict[str, object]] = []
    for refill_id in _ids(params, "refills"):
        try:
            status: object = state.refill_status(key, refill_id)
        except ApiError as error:
            status = {"error": error.message}
        answer.append({"refill": _number(refill_id), "status": status})
    return answer


_HANDLERS: dict[str, _Handler] = {
    "balance": _balance,
    "services": _services,
    "add": _add,
    "status": _status,
    "multiStatus": _multi_status,
    "cancel": _cancel,
    "refill": _refill,
    "refill_status": _refill_status,
}


def _one(params: dict[str, str], name: str, missing: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise bad_request(missing)
    return value


def _ids(params: dict[str, str], name: str) -> list[str]:
    ids = [part.strip() for part in params.get(name, "").split(",") if part.strip()]
    if not ids:
        raise bad_request(f"{name.capitalize()} are required: comma-separated IDs")
    if len(ids) > MULTI_STATUS_MAX:
        raise bad_request(f"Too many IDs: at most {MULTI_STATUS_MAX} per request, {len(ids)} given")
    return ids


def _number(order_id: str) -> int | str:
    return int(order_id) if order_id.isdigit() else order_id
