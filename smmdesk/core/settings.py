"""User settings, each declared once with its type, default and meaning.

Kept as ``settings.json`` in the data folder (nothing secret goes there: the webhook token
is not an API key, but it is also not shown in logs). Window layout and other remembered UI
state are not settings: the GUI keeps them apart (QSettings).

    settings = Settings.load(folder)
    settings.refresh_interval          # typed attribute access
    settings.update(refresh_interval=120).save()
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

from smmdesk.core.errors import ConfigError
from smmdesk.core.i18n import AUTO, LANGUAGES

SETTINGS_NAME = "settings.json"
THEMES = ("system", "light", "dark")


def _token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Settings:
    """Every user setting. Change with ``update`` (validated), persist with ``save``."""

    # seconds between background status refreshes (open orders only)
    refresh_interval: int = 60
    # desktop notifications when orders finish, come back partial or get canceled
    notify_orders: bool = True
    # warn when a panel's balance falls under this amount (its own currency); 0 = never
    balance_threshold: Decimal = Decimal("0")
    # the webhook receiver (off by default), where it listens, and the secret in its path
    webhook_enabled: bool = False
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8765
    webhook_token: str = ""
    # totals across currencies: what 1 unit of each currency is worth in report_currency
    # ({"EUR": Decimal("1.08")}); a currency without a rate is reported on its own
    exchange_rates: Mapping[str, Decimal] = field(default_factory=dict)
    report_currency: str = "USD"
    # "needs attention" when a balance will run out within this many days at the recent
    # spend rate
    balance_days: int = 3
    # the window's look: "system" follows the OS (light or dark), or "light", "dark"
    theme: str = "system"
    # the language of the window and the CLI: "auto" follows the OS, else a code of
    # smmdesk.core.i18n.LANGUAGES ("ru", "pt_BR"); $SMMDESK_LANG overrides it for one run
    language: str = AUTO
    # automatic backups (smmdesk.core.backup): where ("" = backups/ in the data folder), how
    # often while the program runs (minutes), and the rotation: the last N, one a day for
    # N days, one a week for N weeks
    backup_folder: str = ""
    backup_every: int = 30
    backup_keep_last: int = 10
    backup_keep_days: int = 7
    backup_keep_weeks: int = 4
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
            raise ConfigError("These settings belong to no data folder.")
        data = {f.name: _dump(getattr(self, f.name)) for f in fields(self) if f.name != "folder"}
        path = self.folder / SETTINGS_NAME
        partial = path.with_name(SETTINGS_NAME + ".part")
        try:
            partial.write_text(json.dumps(data, indent=2), encoding="utf-8")
            os.replace(partial, path)
        except OSError as exc:
            raise ConfigError(
                f"smmdesk could not save its settings in {self.folder} "
                f"({exc.strerror or exc}). Check that you may write to the data folder."
            ) from None


_NAMES = {f.name for f in fields(Settings)} - {"folder"}


_BACKUP_COUNTS = {
    "backup_every": (5, 24 * 60),
    "backup_keep_last": (1, 1000),
    "backup_keep_days": (0, 366),
    "backup_keep_weeks": (0, 520),
}


def _known(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in raw.items() if name in _NAMES}


def _dump(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _dump(v) for k, v in value.items()}
    return str(value) if isinstance(value, Decimal) else value


def _check(name: str, value: Any) -> Any:
    if name not in _NAMES:
        raise ConfigError(f'There is no setting called "{name}".')
    if name == "exchange_rates":
        return _exchange_rates(value)
    if name == "report_currency":
        return _currency(value)
    if name in ("refresh_interval", "webhook_port", "balance_days"):
        number = _int(name, value)
        low, high = {"refresh_interval": (15, 86400), "balance_days": (1, 365)}.get(
            name, (1, 65535)
        )
        if not low <= number <= high:
            raise ConfigError(f"{name} must be between {low} and {high}.")
        return number
    if name in _BACKUP_COUNTS:
        number = _int(name, value)
        low, high = _BACKUP_COUNTS[name]
        if not low <= number <= high:
            raise ConfigError(f"{name} must be between {low} and {high}.")
        return number
    if name in ("notify_orders", "webhook_enabled"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be on or off.")
    if name == "balance_threshold":
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ConfigError("The balance threshold must be an amount, like 25.50.") from None
        if not amount.is_finite() or amount < 0:
            raise ConfigError("The balance threshold must be 0 or more.")
        return amount
    text = str(value).strip()
    if name == "language" and text != AUTO and text not in LANGUAGES:
        raise ConfigError(f"The language must be auto or one of {', '.join(LANGUAGES)}.")
    if name == "theme" and text not in THEMES:
        raise ConfigError(f"The theme must be one of {', '.join(THEMES)}.")
    if name == "webhook_host" and not text:
        raise ConfigError("The webhook address must not be empty (127.0.0.1 keeps it private).")
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
        raise ConfigError(f'"{value}" is not a currency code. Use a code like USD or EUR.')
    return text


def _exchange_rates(value: Any) -> dict[str, Decimal]:
    if not isinstance(value, Mapping):
        raise ConfigError('Exchange rates must be given per currency, like {"EUR": "1.08"}.')
    rates = {}
    for code, rate in value.items():
        currency = _currency(code)
        try:
            amount = Decimal(str(rate).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount <= 0:
            raise ConfigError(
                f"The exchange rate of {currency} must be a number more than 0, like 1.08 "
                f'(not "{rate}").'
            )
        rates[currency] = amount
    return rates


def _int(name: str, value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number.") from None
