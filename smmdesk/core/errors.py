"""Every error smmdesk raises on purpose, in one tree, with where each comes from.

    SmmdeskError                 root; .user_message is a sentence for the reseller
    ├── PanelError               the panel answered, and said no (or answered nonsense);
    │   │                        mapped from HTTP and JSON in core.api.parse
    │   ├── BadKey               401, or an "invalid key" / "API is disabled" message
    │   ├── InsufficientFunds    402, or "not enough funds"
    │   ├── NotFound             404, "incorrect order/service id"
    │   ├── BadRequest           400, a field the panel refused
    │   │   └── SubscriptionsRefused   the panel creates subscriptions on its site only
    │   ├── RateLimited          429; .retry_after seconds
    │   ├── UpstreamFailure      502 / 5xx: the panel's provider failed
    │   ├── Unsupported          the panel has no such action (cancel, refill) by API
    │   └── InvalidResponse      not JSON, truncated, or not the shape the action answers
    ├── TransportError           the panel could not be reached / the connection broke
    │                            (core.api.transport)
    ├── AddOutcomeUnknown        an add may or may not have reached the panel: never resend
    │                            (core.api.transport; settled by core.sending)
    ├── StorageError             the database or its disk refused: full, read-only, no
    │                            permission, locked by another process past the wait,
    │                            damaged. .kind; mapped in store.sql.transaction (and
    │                            store.db.open_db, backup.files.disk_error)
    ├── LocalFileError           a file or folder the user named or smmdesk keeps cannot be
    │                            read or written: the data folder, the settings file, an
    │                            export, a file to import (ImportFileError) or a backup
    │   ├── ImportFileError      (core.importer.rawfile) a file that is not orders; .line
    │   └── BackupUnusable       a file that is not a readable smmdesk backup
    ├── ConfigError              something the user asked for cannot be used as given
    │   ├── PanelAddressRefused  a panel's API URL: empty, not https, a password in it
    │   ├── SettingRefused       a setting, a markup or a panel's dialect value out of range
    │   └── RequestRefused       a command that contradicts itself or misses something: a
    │                            name already taken, no order id, a customer and another
    │                            reference, an empty API key
    ├── KeyringUnavailable       no usable OS keyring: what to install or unlock
    ├── ValidationError          order fields that fail the order-type table; .problems
    ├── NotFoundLocally          a panel / order / import the local store does not have
    └── DamagedDatabase          the database fails its integrity check; .latest backup

Known errors (the environment's or the panel's fault) are all SmmdeskError: the GUI shows
them with ``ui.errors.show_error``, the CLI prints ``smmdesk: <message>`` and exits 1.
Anything else reaching the top is a bug and gets logged with its traceback.

No exception here ever holds the API key: constructors take texts, never requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from smmdesk.core.i18n import N_, _


class SmmdeskError(Exception):
    """Root of every error smmdesk raises on purpose.

    ``user_message``: what happened and what to do, for the reseller.
    ``panel_message``: the panel's own words, when the panel said something.
    """

    default_message = N_("Something went wrong.")

    def __init__(self, user_message: str | None = None, *, panel_message: str | None = None):
        self.user_message = user_message or _(self.default_message)
        self.panel_message = panel_message
        super().__init__(self.user_message)

    def __str__(self) -> str:
        if self.panel_message and self.panel_message not in self.user_message:
            # Translators: {message} is smmdesk's sentence; {panel} the panel's own words.
            return _("{message} (panel said: {panel})").format(
                message=self.user_message, panel=self.panel_message
            )
        return self.user_message


class PanelError(SmmdeskError):
    """The panel answered with an error. ``status_code`` is the HTTP status (200 for an
    error inside a 200 answer, None when unknown)."""

    default_message = N_("The panel refused the request.")

    def __init__(
        self,
        user_message: str | None = None,
        *,
        panel_message: str | None = None,
        status_code: int | None = None,
    ):
        super().__init__(user_message, panel_message=panel_message)
        self.status_code = status_code


class BadKey(PanelError):
    default_message = N_(
        "The panel does not accept this API key. Copy the key again from your account page "
        "on the panel and update it in smmdesk."
    )


class InsufficientFunds(PanelError):
    default_message = N_(
        "Your balance on this panel is too low for this order. Add funds on the panel, "
        "then try again."
    )


class NotFound(PanelError):
    default_message = N_("The panel does not know this order or service. Check the id.")


class BadRequest(PanelError):
    default_message = N_("The panel refused the request. Check the order's fields.")


class SubscriptionsRefused(BadRequest):
    default_message = N_(
        "This panel does not create subscriptions through its API. Place the subscription "
        "on the panel's website, then track it in smmdesk by its order id."
    )


class RateLimited(PanelError):
    default_message = N_(
        "The panel is limiting how fast smmdesk may send requests, so this one has to wait. "
        "Try again in a minute; if it keeps happening, lower the requests per minute in the "
        "panel's settings in smmdesk."
    )

    def __init__(
        self,
        user_message: str | None = None,
        *,
        panel_message: str | None = None,
        status_code: int | None = 429,
        retry_after: float | None = None,
    ):
        super().__init__(user_message, panel_message=panel_message, status_code=status_code)
        self.retry_after = retry_after


class UpstreamFailure(PanelError):
    default_message = N_(
        "The panel's provider failed to handle the request. Try again in a few minutes."
    )


class Unsupported(PanelError):
    """The panel has no such action by API (said so, or is known not to): nothing was sent
    when smmdesk knew it beforehand."""

    default_message = N_("This panel does not offer this action through its API.")


class InvalidResponse(PanelError):
    default_message = N_(
        "The panel answered with something smmdesk cannot read (it may be down or behind a "
        "protection page). Try again later, or check the panel's URL."
    )


class TransportError(SmmdeskError):
    default_message = N_(
        "smmdesk could not reach the panel. Check your internet connection and the panel's URL."
    )


class AddOutcomeUnknown(SmmdeskError):
    default_message = N_(
        "The connection broke while the order was being sent, so smmdesk cannot tell whether "
        "the panel placed it. It was NOT sent again. Check the panel's order list: if the "
        "order is there, enter its id in smmdesk; if not, resend it."
    )


class StorageError(SmmdeskError):
    """A disk or SQLite refused: the environment's fault, never a crash; whatever was being
    written was not kept half-way. SQLite's errors are mapped in ``store.sql.transaction``,
    a file's in ``backup.files.disk_error``. ``kind``: "full", "read_only", "locked",
    "damaged" or "other"."""

    default_message = N_(
        "smmdesk could not write to its database. Check that the disk has room and that the "
        "data folder may be written to, then try again."
    )

    def __init__(self, user_message: str | None = None, *, kind: str = "other"):
        super().__init__(user_message)
        self.kind = kind


class ConfigError(SmmdeskError):
    """Something the user asked for cannot be used as given (raise a subclass)."""

    default_message = N_("This setting cannot be used.")


class PanelAddressRefused(ConfigError):
    default_message = N_("This is not an API address smmdesk can use for a panel.")


class SettingRefused(ConfigError):
    default_message = N_("This setting cannot be used.")


class RequestRefused(ConfigError):
    default_message = N_("smmdesk cannot do this as asked.")


class LocalFileError(SmmdeskError):
    """A file or folder cannot be read or written (not the database: StorageError)."""

    default_message = N_("smmdesk could not read or write a file.")


class KeyringUnavailable(SmmdeskError):
    default_message = N_(
        "No usable system keyring was found, and smmdesk keeps API keys only there. Install "
        "or unlock your system's keyring (password manager), then try again."
    )


@dataclass(frozen=True)
class FieldProblem:
    """One field that failed validation. ``field`` is the API field name ("" for the order
    as a whole)."""

    field: str
    message: str


class ValidationError(SmmdeskError):
    default_message = N_("Some fields of the order need fixing.")

    def __init__(self, problems: list[FieldProblem], user_message: str | None = None):
        self.problems = list(problems)
        if user_message is None and self.problems:
            user_message = "; ".join(
                # Translators: {field} is the API name of an order field ("quantity").
                _("{field}: {message}").format(field=p.field, message=p.message)
                if p.field
                else p.message
                for p in self.problems
            )
        super().__init__(user_message)


class NotFoundLocally(SmmdeskError):
    default_message = N_("smmdesk has no such item.")


class DamagedDatabase(SmmdeskError):
    """The order book fails SQLite's integrity check. ``latest`` is the newest good backup
    (a ``smmdesk.core.backup.BackupInfo``) or None; the message offers it."""

    default_message = N_("smmdesk's database is damaged.")

    def __init__(self, user_message: str | None = None, *, path: str = "", latest: object = None):
        super().__init__(user_message)
        self.path = path
        self.latest = latest


class BackupUnusable(LocalFileError):
    default_message = N_(
        "This file is not a smmdesk backup smmdesk can read. Choose another backup."
    )
