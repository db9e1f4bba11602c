"""Panel answers -> typed results: one pure function per action.

Every parser takes what came over the wire, ``(status_code, headers, body)``, and returns
a model from ``models`` or raises a ``PanelError`` subclass; nothing else escapes, whatever
the bytes (a property test feeds every parser arbitrary bytes and arbitrary JSON).
``answers`` decodes the body and maps error answers; this module reads the data.

Panels differ; these parsers accept what the family of "API v2" panels sends:
numbers as strings or numbers (JSON floats become Decimal, never float), booleans as
true/false/0/1/"1"/"yes", per-id errors as objects or bare strings, and batch answers as
lists or as objects keyed by id. Error texts never include the body.

A batch answer must speak of each id: an error for the whole request (a 4xx, or one error
object) is raised as that error, never copied to every id (it says nothing about any order).
Values a panel cannot mean (a negative charge, remains or start count; an order id "-7")
are refused as a bad answer, per id where the answer is per id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from smmdesk.core.api.answers import Headers, decode, error_for, error_message, message_text
from smmdesk.core.api.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    RefillResult,
    RefillStatus,
    Service,
)
from smmdesk.core.errors import InvalidResponse
from smmdesk.core.i18n import N_, _
from smmdesk.protocol import PENDING, canonical_status, canonical_type, squash

log = logging.getLogger(__name__)

_MAX_DIGITS = 15  # larger numbers are nonsense from a panel (and costly to handle)
MAX_CHARGE = Decimal(10) ** 9  # a charge above this for one order is nonsense
MAX_COUNT = 10**12  # remains / start counts above this are nonsense
# Per-id errors of batch answers (ItemError.message), shown with _() where they are made.
NO_ANSWER = N_("The panel did not answer for this id.")
UNREADABLE = N_("The panel's answer for this id could not be read.")
# An answer of the wrong shape, by what was asked.
_SHAPES = {
    "balance": N_(
        "The panel's answer to the balance request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
    "services": N_(
        "The panel's answer to the services request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
    "order": N_(
        "The panel's answer to the order request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
    "status": N_(
        "The panel's answer to the status request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
    "cancel": N_(
        "The panel's answer to the cancel request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
    "refill": N_(
        "The panel's answer to the refill request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
    "refill status": N_(
        "The panel's answer to the refill status request is not in the form smmdesk expects. "
        "Try again later; if it keeps happening, this panel may not follow the standard API."
    ),
}
_SHAPE_OTHER = N_(
    "The panel's answer is not in the form smmdesk expects. "
    "Try again later; if it keeps happening, this panel may not follow the standard API."
)


def _shape(what: str, status_code: int) -> InvalidResponse:
    return InvalidResponse(_(_SHAPES.get(what, _SHAPE_OTHER)), status_code=status_code)


def decode_json(status_code: int, headers: Headers, body: bytes) -> Any:
    """The decoded answer as it is (for probes that judge its shape)."""
    return decode(status_code, headers, body)


def is_per_id(data: Any, ids: Sequence[str], id_keys: Sequence[str] = ("order", "id")) -> bool:
    """True when a batch answer speaks of each id asked (an object keyed by the ids, or a
    list of objects naming them), not of the request as a whole."""
    items = _by_id(data, id_keys)
    return items is not None and any(i in items for i in ids) and error_message(data) is None


# --- values ------------------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value) if abs(value) < 10**_MAX_DIGITS else None
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and len(value) < 100:
        try:
            number = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    if number is None or not number.is_finite():
        return None
    if number.is_zero():
        return Decimal(0)
    return number if number.adjusted() < _MAX_DIGITS else None


def to_int(value: Any) -> int | None:
    """An int from a JSON number or numeric string ("157", 157, "157.0"), else None."""
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


_TRUE = frozenset({"1", "true", "yes", "y", "on", "enabled"})


def to_bool(value: Any) -> bool:
    """True for true/1/"1"/"yes"/"true"; False for everything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return to_decimal(value) not in (None, 0)
    return isinstance(value, str) and squash(value) in _TRUE


def to_flag(entry: dict[str, Any], name: str) -> bool | None:
    """A catalog flag: True/False as the catalog says, None when it does not say."""
    value = entry.get(name)
    return None if value is None or value == "" else to_bool(value)


def to_id(value: Any) -> str | None:
    """An id as a string ("23501" from 23501 or "23501"), or None if it is not one."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = to_int(value)
        return None if number is None or number < 0 else str(number)
    if isinstance(value, str):
        text = value.strip()
        if (
            0 < len(text) <= 64
            and text.isprintable()
            and not re.search(r"[\s,]", text)
            and text[0] not in "-+"
        ):
            return text
    return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return ""


def _by_id(data: Any, id_keys: Sequence[str]) -> dict[str, Any] | None:
    """Batch answer -> {id: item}: from a list of objects naming their id, or an object
    keyed by id."""
    if isinstance(data, dict):
        return {str(k).strip(): v for k, v in data.items()}
    if not isinstance(data, list):
        return None
    items: dict[str, Any] = {}
    for item in data:
        if isinstance(item, dict):
            ident = next((to_id(item[k]) for k in id_keys if k in item), None)
            if ident is not None:
                items.setdefault(ident, item)
    return items


# --- actions -----------------------------------------------------------------------------


def parse_balance(status_code: int, headers: Headers, body: bytes) -> Balance:
    data = decode(status_code, headers, body)
    amount = to_decimal(data.get("balance")) if isinstance(data, dict) else None
    if amount is None:
        raise _shape("balance", status_code)
    return Balance(amount=amount, currency=_text(data.get("currency")))


_SERVICE_KEYS = frozenset(
    {"service", "id", "name", "type", "category", "rate", "min", "max"}
    | {"dripfeed", "refill", "cancel"}
)


def _service(entry: Any) -> Service | str:
    """A Service, or the reason the entry is unusable."""
    if not isinstance(entry, dict):
        return "not an object"
    ident = to_id(entry.get("service", entry.get("id")))
    rate = to_decimal(entry.get("rate"))
    low, high = to_int(entry.get("min")), to_int(entry.get("max"))
    if ident is None:
        return "no service id"
    if rate is None or rate < 0:
        return "no valid rate"
    if low is None or high is None or low < 0 or high < 0:
        return "no valid min/max"
    raw_type = _text(entry.get("type")) or "Default"
    return Service(
        id=ident,
        name=_text(entry.get("name")) or f"Service {ident}",
        type=raw_type,
        type_name=canonical_type(raw_type),
        category=_text(entry.get("category")),
        rate=rate,
        min=low,
        max=high,
        dripfeed=to_flag(entry, "dripfeed"),
        refill=to_flag(entry, "refill"),
        cancel=to_flag(entry, "cancel"),
        extra={k: v for k, v in entry.items() if k not in _SERVICE_KEYS},
    )


def parse_services(status_code: int, headers: Headers, body: bytes) -> list[Service]:
    """The catalog; unusable entries are skipped with a logged warning."""
    data = decode(status_code, headers, body)
    if isinstance(data, dict) and isinstance(data.get("services"), list):
        data = data["services"]
    elif isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        data = [{**v, "service": k} for k, v in data.items()]
    if not isinstance(data, list):
        raise _shape("services", status_code)
    services = []
    for index, entry in enumerate(data):
        result = _service(entry)
        if isinstance(result, str):
            ident = to_id(entry.get("service")) if isinstance(entry, dict) else None
            log.warning("Skipped catalog entry #%d (service %s): %s", index, ident, result)
        else:
            services.append(result)
    return services


def parse_add(status_code: int, headers: Headers, body: bytes) -> str:
    """The remote order id of a placed order."""
    data = decode(status_code, headers, body)
    order_id = to_id(data.get("order", data.get("order_id"))) if isinstance(data, dict) else None
    if order_id is None or order_id == "0":
        raise _shape("order", status_code)
    return order_id


def order_status(item: Any) -> OrderStatus | None:
    """One status object -> OrderStatus, or None if it holds no status text.

    Raises ImpossibleValues for numbers no order can have. ``remains`` 0 on a Pending order
    is read as "not said" (panels that show 0 before delivery starts), never "delivered".
    """
    raw = item.get("status") if isinstance(item, dict) else None
    if not isinstance(raw, str) or not raw.strip():
        return None
    charge = to_decimal(item.get("charge"))
    start_count, remains = to_int(item.get("start_count")), to_int(item.get("remains"))
    wrong = [
        f"{name} {value}"
        for name, value, top in (
            ("charge", charge, MAX_CHARGE),
            ("start count", start_count, MAX_COUNT),
            ("remains", remains, MAX_COUNT),
        )
        if value is not None and not 0 <= value <= top
    ]
    if wrong:
        raise ImpossibleValues(", ".join(wrong))
    status = canonical_status(raw)
    if status == PENDING and remains == 0:
        remains = None
    return OrderStatus(
        status=status,
        raw_status=raw.strip(),
        charge=charge,
        start_count=start_count,
        remains=remains,
        currency=_text(item.get("currency")) or None,
    )


class ImpossibleValues(InvalidResponse):
    """A status answer with numbers no order can have (a negative charge ...)."""

    def __init__(self, what: str):
        super().__init__(
            # Translators: {values} are the panel's own field names with the numbers it sent
            # ("charge -1, remains -5"); keep them as they are.
            _(
                "The panel's answer has impossible values ({values}), so smmdesk kept the "
                "order's last known state. If it keeps happening, tell the panel's support."
            ).format(values=what)
        )


def parse_status(status_code: int, headers: Headers, body: bytes) -> OrderStatus:
    result = order_status(decode(status_code, headers, body))
    if result is None:
        raise _shape("status", status_code)
    return result


def _status_item(item: Any) -> OrderStatus | ItemError:
    if isinstance(item, str):
        return ItemError(message_text(item) or _(UNREADABLE))
    message = error_message(item)
    if message is not None:
        return ItemError(message)
    try:
        return order_status(item) or ItemError(_(UNREADABLE))
    except ImpossibleValues as exc:
        return ItemError(exc.user_message)


def parse_multi_status(
    status_code: int, headers: Headers, body: bytes, ids: Sequence[str]
) -> dict[str, OrderStatus | ItemError]:
    """Statuses of ``ids`` (multiStatus, or status&orders=), keyed by the ids asked."""
    return read_multi_status(decode(status_code, headers, body), ids, status_code)


def read_multi_status(
    data: Any, ids: Sequence[str], status_code: int = 200
) -> dict[str, OrderStatus | ItemError]:
    """``parse_multi_status`` of an answer decoded already."""
    if len(ids) == 1 and isinstance(data, dict) and ids[0] not in data:
        single = order_status(data)
        if single is not None:
            return {ids[0]: single}
    items = _by_id(data, ("order", "id"))
    if items is None:
        raise _shape("status", status_code)
    return {i: _status_item(items[i]) if i in items else ItemError(_(NO_ANSWER)) for i in ids}


_DONE = frozenset({"success", "ok", "true", "1", "yes", "done", "accepted", "requested"})
_DONE |= {"canceled", "cancelled"}


def _cancel_outcome(value: Any) -> tuple[bool, str | None]:
    for _depth in range(3):
        if not isinstance(value, dict):
            break
        message = error_message(value)
        if message is not None:
            return False, message
        value = value["cancel"] if "cancel" in value else value.get("status")
    if value is True or (not isinstance(value, bool) and squash(_text(value)) in _DONE):
        return True, None
    return False, message_text(value) or _("The panel did not confirm the cancel request.")


def parse_cancel(
    status_code: int, headers: Headers, body: bytes, ids: Sequence[str]
) -> list[CancelResult]:
    """One CancelResult per id asked; ok means *requested*, not yet canceled."""
    data = decode(status_code, headers, body)
    items = _by_id(data, ("order", "id"))
    if items is None:
        raise _shape("cancel", status_code)
    results = []
    for i in ids:
        ok, error = _cancel_outcome(items[i]) if i in items else (False, _(NO_ANSWER))
        results.append(CancelResult(i, ok=ok, error=error))
    return results


def _refill_outcome(value: Any) -> tuple[str | None, str | None]:
    for _depth in range(3):
        if not isinstance(value, dict):
            break
        message = error_message(value)
        if message is not None:
            return None, message
        value = value.get("refill", value.get("id"))
    refill_id = to_id(value)
    if refill_id is None:
        return None, message_text(value) or _(UNREADABLE)
    return refill_id, None


def parse_refill(status_code: int, headers: Headers, body: bytes) -> str:
    """The refill id of a refill request for one order."""
    data = decode(status_code, headers, body)
    refill_id, message = _refill_outcome(data)
    if refill_id is None:
        if message and message != _(UNREADABLE) and isinstance(data, dict):
            raise error_for(status_code, message, headers)
        raise _shape("refill", status_code)
    return refill_id


def parse_refill_many(
    status_code: int, headers: Headers, body: bytes, ids: Sequence[str]
) -> list[RefillResult]:
    data = decode(status_code, headers, body)
    items = _by_id(data, ("order", "id"))
    if items is None:
        raise _shape("refill", status_code)
    return [
        RefillResult(i, *_refill_outcome(items[i]))
        if i in items
        else RefillResult(i, None, _(NO_ANSWER))
        for i in ids
    ]


def _refill_status_item(refill_id: str, item: Any) -> RefillStatus | ItemError:
    if isinstance(item, dict):
        message = error_message(item)
        if message is not None:
            return ItemError(message)
        item = item.get("status")
        message = error_message(item)
        if message is not None:
            return ItemError(message)
    if isinstance(item, str) and item.strip():
        return RefillStatus(refill_id, canonical_status(item), item.strip())
    return ItemError(_(UNREADABLE))


def parse_refill_status(
    status_code: int, headers: Headers, body: bytes, refill_id: str
) -> RefillStatus:
    data = decode(status_code, headers, body)
    result = _refill_status_item(refill_id, data if isinstance(data, dict) else None)
    if isinstance(result, ItemError):
        if result.message != _(UNREADABLE):
            raise error_for(status_code, result.message, headers)
        raise _shape("refill status", status_code)
    return result


def parse_refill_statuses(
    status_code: int, headers: Headers, body: bytes, ids: Sequence[str]
) -> dict[str, RefillStatus | ItemError]:
    data = decode(status_code, headers, body)
    items = _by_id(data, ("refill", "id"))
    if items is None:
        raise _shape("refill status", status_code)
    return {
        i: _refill_status_item(i, items[i]) if i in items else ItemError(_(NO_ANSWER)) for i in ids
    }
