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
from smmdesk.core.i18n import N_, _


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
                # Translators: {name} is what the user typed; {names} lists the settable
                # names (batch_status, refill, ...), which stay as they are.
                _(
                    '"{name}" is not something smmdesk can set for a panel. Choose one of: {names}.'
                ).format(name=name, names=", ".join(_SETTABLE))
            )
        if text.strip().lower() == "auto":
            default = getattr(Dialect(), name)
            return replace(self, **{name: default}, overrides=self.overrides - {name})
        value = _SETTABLE[name](text.strip())
        return replace(self, **{name: value}, overrides=self.overrides | {name})

    # --- reading -----------------------------------------------------------------------
    def describe(self) -> list[str]:
        """What the panel speaks, in English words ("multiStatus", "batch refill", "no
        cancel" …): for the log and ``--json``. ``described`` gives them translated."""
        return [text.format(**values) for text, values in self._words()]

    def described(self) -> list[str]:
        """``describe`` in the current language, for people (the window, the CLI's text)."""
        return [_(text).format(**values) for text, values in self._words()]

    def _words(self) -> list[tuple[str, dict[str, str]]]:
        """The English texts (marked) of ``describe``, with their placeholders' values."""
        words = [
            N_("status: not checked yet")
            if self.batch_status is None
            else _STATUS_WORDS[self.batch_status]
        ]
        words.append(_REFILL_WORDS.get(self.refill, _REFILL_WORDS[Batch.NONE]))
        words.append(_REFILL_STATUS_WORDS.get(self.refill_status, _REFILL_STATUS_WORDS[Batch.NONE]))
        words.append({True: N_("cancel"), False: N_("no cancel"), None: N_("cancel: not checked")}[
            self.cancel])  # fmt: skip
        if self.subscriptions is False:
            words.append(N_("no subscriptions by API"))
        words.append(
            N_("lists one per line") if self.list_separator == "\n" else N_("lists with commas")
        )
        words.append(
            N_("expiry YYYY-MM-DD") if self.expiry_format == ISO_DATE else N_("expiry d/m/Y")
        )
        if self.request_id:
            words.append(N_("request_id on add"))
        if self.quantity_always:
            words.append(N_("quantity on every order"))
        if self.dripfeed_total:
            words.append(N_("drip-feed bounds on the total"))
        found: list[tuple[str, dict[str, str]]] = [(word, {}) for word in words]
        if self.mangles:
            # Translators: {characters} are the characters a panel changes, like "+ % <".
            changes = N_("changes {characters} in texts")
            found.append((changes, {"characters": " ".join(self.mangles)}))
        return found

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
    # Translators: yes, no and auto are the words to type; keep them as they are.
    raise SettingRefused(_('Write yes or no (or auto), not "{text}".').format(text=text))


def _choice(kind: type[enum.StrEnum]) -> Any:
    def read(text: str) -> Any:
        try:
            return kind(text)
        except ValueError:
            allowed = ", ".join(v.value for v in kind)
            # Translators: {allowed} lists the values to type (batch, single, none); keep
            # them and "auto" as they are.
            message = _('Choose one of {allowed} (or auto), not "{text}".')
            raise SettingRefused(message.format(allowed=allowed, text=text)) from None

    return read


def _separator(text: str) -> str:
    choices = {"lines": "\n", "newline": "\n", "commas": ",", "comma": ","}
    if text.lower() not in choices:
        # Translators: lines, commas and auto are the words to type; keep them as they are.
        raise SettingRefused(_('Write lines or commas (or auto), not "{text}".').format(text=text))
    return choices[text.lower()]


def _expiry(text: str) -> str:
    choices = {"yyyy-mm-dd": ISO_DATE, "iso": ISO_DATE, "d/m/y": DMY_DATE, "dmy": DMY_DATE}
    if text.lower() not in choices:
        # Translators: YYYY-MM-DD, d/m/Y and auto are what to type; keep them as they are.
        message = _('Write YYYY-MM-DD or d/m/Y (or auto), not "{text}".')
        raise SettingRefused(message.format(text=text))
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

# The words of ``Dialect.describe`` (English, marked; ``described`` translates them).
_STATUS_WORDS = {
    BatchStatus.MULTI_STATUS: N_("multiStatus"),
    BatchStatus.STATUS_ORDERS: N_("status with orders"),
    BatchStatus.ONE_BY_ONE: N_("one status per order"),
}
_REFILL_WORDS: dict[Batch | None, str] = {
    None: N_("refill: not checked"),
    Batch.BATCH: N_("batch refill"),
    Batch.SINGLE: N_("refill one by one"),
    Batch.NONE: N_("no refill"),
}
_REFILL_STATUS_WORDS: dict[Batch | None, str] = {
    None: N_("refill status: not checked"),
    Batch.BATCH: N_("batch refill status"),
    Batch.SINGLE: N_("refill status one by one"),
    Batch.NONE: N_("no refill status"),
}
