"""User settings, each declared once with its type, default and meaning.

Kept as ``settings.json`` in the data folder (nothing secret goes there: the webhook token
is not an API key, but it is also not shown in logs). Window layout and other remembered UI
state are not settings: the GUI keeps them apart (QSettings).

    settings = Settings.load(folder)
    settings.refresh_interval          # typed attribute access
    settings.update(refresh_interval=120).save()
    limits("refresh_interval")         # Limits(low=15, high=86400): what the dialog allows

Each setting's limits (lowest and highest whole number, or the choices of a word) are
declared with it, with ``setting(default, ...)``; ``update`` checks against them and the
settings dialog and the CLI read them from ``limits`` instead of repeating them.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from smmdesk.core.errors import ConfigError, LocalFileError, RequestRefused, SettingRefused
from smmdesk.core.i18n import AUTO, LANGUAGES, _

SETTINGS_NAME = "settings.json"
THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Limits:
    """What a setting may be: a whole number in low..high, or one of ``choices``."""

    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()


def setting(
    default: Any, *, low: int | None = None, high: int | None = None, choices: tuple[str, ...] = ()
) -> Any:
    """A settings field with its default and its limits, declared in one place."""
    return field(default=default, metadata={"limits": Limits(low, high, choices)})


def _token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Settings:
    """Every user setting. Change with ``update`` (validated), persist with ``save``."""

    # seconds between background status refreshes (open orders only)
    refresh_interval: int = setting(60, low=15, high=86_400)
    # desktop notifications when orders finish, come back partial or get canceled
    notify_orders: bool = True
    # warn when a panel's balance falls under this amount (its own currency); 0 = never
    balance_threshold: Decimal = Decimal("0")
    # the webhook receiver (off by default), where it listens, and the secret in its path
    webhook_enabled: bool = False
    webhook_host: str = "127.0.0.1"
    webhook_port: int = setting(8765, low=1, high=65_535)
    webhook_token: str = ""
    # totals across currencies: what 1 unit of each currency is worth in report_currency
    # ({"EUR": Decimal("1.08")}); a currency without a rate is reported on its own
    exchange_rates: Mapping[str, Decimal] = field(default_factory=dict)
    report_currency: str = "USD"
    # "needs attention" when a balance will run out within this many days at the recent
    # spend rate
    balance_days: int = setting(3, low=1, high=365)
    # the window's look: "system" follows the OS (light or dark), or "light", "dark"
    theme: str = setting("system", choices=THEMES)
    # the language of the window and the CLI: "auto" follows the OS, else a code of
    # smmdesk.core.i18n.LANGUAGES ("ru", "pt_BR"); $SMMDESK_LANG overrides it for one run
    language: str = setting(AUTO, choices=(AUTO, *LANGUAGES))
    # automatic backups (smmdesk.core.backup): where ("" = backups/ in the data folder), how
    # often while the program runs (minutes), and the rotation: the last N, one a day for
    # N days, one a week for N weeks
    backup_folder: str = ""
    backup_every: int = setting(30, low=5, high=24 * 60)
    backup_keep_last: int = setting(10, low=1, high=1000)
    backup_keep_days: int = setting(7, low=0, high=366)
    backup_keep_weeks: int = setting(4, low=0, high=520)
    folder: Path | None = None  # where it was loaded from (not saved)

    @classmethod
    def load(cls, folder: Path) -> Settings:
        """The settings of a data folder (defaults when there is no file yet). A damaged
        file is set aside as ``settings.json.bad`` and defaults are used."""
        path = Path(folder) / SETTINGS_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            loaded = cls(folder=Path(folder)).update(**_known(raw))
        except FileNotFoundError:
            loaded = cls(folder=Path(folder))
        except (ValueError, ConfigError, OSError):
            os.replace(path, path.with_name(SETTINGS_NAME + ".bad"))
            loaded = cls(folder=Path(folder))
        if not loaded.webhook_token:  # made once per data folder, then kept
            loaded = replace(loaded, webhook_token=_token())
            loaded.save()
        return loaded

    def update(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied after checking each (ConfigError says what's wrong)."""
        checked = {name: _check(name, value) for name, value in changes.items()}
        return replace(self, **checked)

    def save(self) -> None:
        if self.folder is None:
            raise RequestRefused(_("These settings belong to no data folder."))
        data = {f.name: _dump(getattr(self, f.name)) for f in fields(self) if f.name != "folder"}
        path = self.folder / SETTINGS_NAME
        partial = path.with_name(SETTINGS_NAME + ".part")
        try:
            partial.write_text(json.dumps(data, indent=2), encoding="utf-8")
            os.replace(partial, path)
        except OSError as exc:
            # Translators: {folder} is a folder's path; {reason} the system's words.
            message = _(
                "smmdesk could not save its settings in {folder} ({reason}). Check that you may "
                "write to the data folder."
            )
            raise LocalFileError(
                message.format(folder=self.folder, reason=exc.strerror or exc)
            ) from None


_NAMES = {f.name for f in fields(Settings)} - {"folder"}
_LIMITS = {f.name: f.metadata.get("limits", Limits()) for f in fields(Settings)}


def limits(name: str) -> Limits:
    """The limits declared with setting ``name`` (none: ``Limits()``)."""
    if name not in _NAMES:
        # Translators: {name} is a setting's name as the CLI writes it ("balance_days").
        raise SettingRefused(_('There is no setting called "{name}".').format(name=name))
    return _LIMITS[name]


def int_range(name: str) -> tuple[int, int]:
    """(lowest, highest) of a whole-number setting: what a spin box allows."""
    declared = limits(name)
    if declared.low is None or declared.high is None:
        raise ValueError(f"{name} declares no range")
    return declared.low, declared.high


def _known(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in raw.items() if name in _NAMES}


def _dump(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _dump(v) for k, v in value.items()}
    return str(value) if isinstance(value, Decimal) else value


def _check(name: str, value: Any) -> Any:
    if name not in _NAMES:
        # Translators: {name} is a setting's name as the CLI writes it ("balance_days").
        raise SettingRefused(_('There is no setting called "{name}".').format(name=name))
    if name == "exchange_rates":
        return _exchange_rates(value)
    if name == "report_currency":
        return _currency(value)
    declared = _LIMITS[name]
    if declared.low is not None and declared.high is not None:
        number = _int(name, value)
        if not declared.low <= number <= declared.high:
            # Translators: {name} is a setting's name as the CLI writes it ("balance_days").
            message = _("{name} must be between {low} and {high}.")
            raise SettingRefused(message.format(name=name, low=declared.low, high=declared.high))
        return number
    if name in ("notify_orders", "webhook_enabled"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        # Translators: {name} is a setting's name as the CLI writes it ("notify_orders").
        raise SettingRefused(_("{name} must be on or off.").format(name=name))
    if name == "balance_threshold":
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise SettingRefused(
                _("The balance threshold must be an amount, like 25.50.")
            ) from None
        if not amount.is_finite() or amount < 0:
            raise SettingRefused(_("The balance threshold must be 0 or more."))
        return amount
    text = str(value).strip()
    if declared.choices and text not in declared.choices:
        # Translators: {name} is a setting's name ("theme"); {choices} its values ("light, dark").
        message = _("The {name} must be one of {choices}.")
        raise SettingRefused(message.format(name=name, choices=", ".join(declared.choices)))
    if name == "webhook_host" and not text:
        raise SettingRefused(
            _("The webhook address must not be empty (127.0.0.1 keeps it private).")
        )
    return text


def saved_language(folder: Path) -> str:
    """The ``language`` setting of a data folder, read without writing anything (the CLI
    picks its language before it opens the folder); "auto" when unset or unreadable."""
    try:
        raw = json.loads((Path(folder) / SETTINGS_NAME).read_text(encoding="utf-8"))
        return str(_check("language", raw["language"]))
    except (OSError, ValueError, TypeError, KeyError, ConfigError):
        return AUTO


def _currency(value: Any) -> str:
    text = str(value).strip().upper()
    if not (2 <= len(text) <= 8 and text.isalnum()):
        message = _('"{value}" is not a currency code. Use a code like USD or EUR.')
        raise SettingRefused(message.format(value=value))
    return text


def _exchange_rates(value: Any) -> dict[str, Decimal]:
    if not isinstance(value, Mapping):
        message = _("Exchange rates must be given per currency, like {example}.")
        raise SettingRefused(message.format(example='{"EUR": "1.08"}'))
    rates = {}
    for code, rate in value.items():
        currency = _currency(code)
        try:
            amount = Decimal(str(rate).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount <= 0:
            # Translators: {currency} is a currency code ("EUR"); {rate} what was given.
            message = _(
                "The exchange rate of {currency} must be a number more than 0, like 1.08 "
                '(not "{rate}").'
            )
            raise SettingRefused(message.format(currency=currency, rate=rate))
        rates[currency] = amount
    return rates


def _int(name: str, value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        # Translators: {name} is a setting's name as the CLI writes it ("balance_days").
        raise SettingRefused(_("{name} must be a whole number.").format(name=name)) from None
