"""What one panel speaks: the per-panel dialect of panel API v2, as detected and remembered.

Panels that all say "API v2" differ (design.md, "Dialects seen in the wild"). A ``Dialect``
holds what smmdesk found out about one panel, or what the user set by hand:

    batch_status    how many orders one status request asks about: the reference's
                    ``multiStatus&orders=``, the common ``status&orders=``, or one
                    ``status&order=`` per order (the last resort, paced)
    refill          refill by batch (``orders=``), one order at a time (``order=``), or none
    refill_status   the same for ``refill_status`` (``refills=`` / ``refill=``)
    cancel          the panel has a cancel action (False: it has none; None: not known)
    subscriptions   the panel creates subscriptions by API (False: only on its website)
    list_separator  what joins list fields (keywords, usernames …): a new line, or commas
    expiry_format   how a subscription's expiry date is written (strftime)
    request_id      send a client ``request_id`` with add (the panel asks for one, and
                    answers a repeated one with its first answer: a retried add is safe)
    quantity_always the panel wants ``quantity`` for every type but Custom Comments
    dripfeed_total  the panel checks min/max on runs x quantity, not on one run
    mangles         characters the panel is known to change in texts ("+%<")
    family          the panel script family, when recognised ("smartpanel")

``None`` in ``batch_status``/``refill``/``refill_status``/``cancel``/``subscriptions``
means "not known yet": the client finds out when it first needs it. ``overrides`` names
the fields the user set by hand; what the client learns later never changes those.
Pure data: no I/O.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from smmdesk.core.errors import SettingRefused


class BatchStatus(enum.StrEnum):
    MULTI_STATUS = "multiStatus"
    STATUS_ORDERS = "status_orders"
    ONE_BY_ONE = "one_by_one"


class Batch(enum.StrEnum):
    BATCH = "batch"
    SINGLE = "single"
    NONE = "none"


SMARTPANEL = "smartpanel"
ISO_DATE = "%Y-%m-%d"
DMY_DATE = "%d/%m/%Y"
MANGLED = "+%<"  # what panels that decode twice and strip HTML change


@dataclass(frozen=True)
class Dialect:
    batch_status: BatchStatus | None = None
    refill: Batch | None = None
    refill_status: Batch | None = None
    cancel: bool | None = None
    subscriptions: bool | None = None
    list_separator: str = "\n"
    expiry_format: str = ISO_DATE
    request_id: bool = False
    quantity_always: bool = False
    dripfeed_total: bool = False
    mangles: str = ""
    family: str = ""
    detected_at: str | None = None
    overrides: frozenset[str] = field(default_factory=frozenset)

    # --- changes -----------------------------------------------------------------------
    def learned(self, **changes: Any) -> Dialect:
        """This dialect with what the client found out, except fields the user set."""
        kept = {k: v for k, v in changes.items() if k not in self.overrides}
        return replace(self, **kept) if kept else self

    def overridden(self, name: str, text: str) -> Dialect:
        """This dialect with ``name`` set by the user from ``text`` ("auto" forgets the
        override). Raises ConfigError with the accepted values."""
        if name not in _SETTABLE:
            raise SettingRefused(
                f'"{name}" is not something smmdesk can set for a panel. Choose one of: '
                f"{', '.join(_SETTABLE)}."
            )
        if text.strip().lower() == "auto":
            default = getattr(Dialect(), name)
            return replace(self, **{name: default}, overrides=self.overrides - {name})
        value = _SETTABLE[name](text.strip())
        return replace(self, **{name: value}, overrides=self.overrides | {name})

    # --- reading -----------------------------------------------------------------------
    def describe(self) -> list[str]:
        """What the panel speaks, in words ("multiStatus", "batch refill", "no cancel" …)."""
        words = [
            "status: not checked yet"
            if self.batch_status is None
            else _STATUS_WORDS[self.batch_status]
        ]
        words.append(_batch_words("refill", self.refill))
        words.append(_batch_words("refill status", self.refill_status))
        words.append({True: "cancel", False: "no cancel", None: "cancel: not checked"}[
            self.cancel])  # fmt: skip
        if self.subscriptions is False:
            words.append("no subscriptions by API")
        words.append("lists one per line" if self.list_separator == "\n" else "lists with commas")
        words.append("expiry " + ("YYYY-MM-DD" if self.expiry_format == ISO_DATE else "d/m/Y"))
        if self.request_id:
            words.append("request_id on add")
        if self.quantity_always:
            words.append("quantity on every order")
        if self.dripfeed_total:
            words.append("drip-feed bounds on the total")
        if self.mangles:
            words.append(f"changes {' '.join(self.mangles)} in texts")
        return words

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["overrides"] = sorted(self.overrides)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Dialect:
        """The dialect saved as ``text``; an empty or unreadable text is "not known yet"."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in known:
                continue
            try:
                values[name] = _READERS.get(name, _same)(value)
            except (ValueError, TypeError):
                continue
        return cls(**values)


def _same(value: Any) -> Any:
    return value


def _optional(kind: Any) -> Any:
    return lambda value: None if value is None else kind(value)


_READERS: dict[str, Any] = {
    "batch_status": _optional(BatchStatus),
    "refill": _optional(Batch),
    "refill_status": _optional(Batch),
    "overrides": lambda value: frozenset(str(v) for v in value),
}


def _yes_no(text: str) -> bool:
    low = text.lower()
    if low in ("yes", "true", "1", "on"):
        return True
    if low in ("no", "false", "0", "off"):
        return False
    raise SettingRefused(f'Write yes or no (or auto), not "{text}".')


def _choice(kind: type[enum.StrEnum]) -> Any:
    def read(text: str) -> Any:
        try:
            return kind(text)
        except ValueError:
            allowed = ", ".join(v.value for v in kind)
            raise SettingRefused(f'Choose one of {allowed} (or auto), not "{text}".') from None

    return read


def _separator(text: str) -> str:
    choices = {"lines": "\n", "newline": "\n", "commas": ",", "comma": ","}
    if text.lower() not in choices:
        raise SettingRefused(f'Write lines or commas (or auto), not "{text}".')
    return choices[text.lower()]


def _expiry(text: str) -> str:
    choices = {"yyyy-mm-dd": ISO_DATE, "iso": ISO_DATE, "d/m/y": DMY_DATE, "dmy": DMY_DATE}
    if text.lower() not in choices:
        raise SettingRefused(f'Write YYYY-MM-DD or d/m/Y (or auto), not "{text}".')
    return choices[text.lower()]


_SETTABLE: dict[str, Any] = {
    "batch_status": _choice(BatchStatus),
    "refill": _choice(Batch),
    "refill_status": _choice(Batch),
    "cancel": _yes_no,
    "subscriptions": _yes_no,
    "list_separator": _separator,
    "expiry_format": _expiry,
    "request_id": _yes_no,
    "quantity_always": _yes_no,
    "dripfeed_total": _yes_no,
}
SETTABLE = tuple(_SETTABLE)

_STATUS_WORDS = {
    BatchStatus.MULTI_STATUS: "multiStatus",
    BatchStatus.STATUS_ORDERS: "status with orders",
    BatchStatus.ONE_BY_ONE: "one status per order",
}


def _batch_words(what: str, mode: Batch | None) -> str:
    if mode is None:
        return f"{what}: not checked"
    return {Batch.BATCH: f"batch {what}", Batch.SINGLE: f"{what} one by one"}.get(
        mode, f"no {what}"
    )
