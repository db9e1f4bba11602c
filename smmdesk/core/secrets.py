"""API keys, kept only in the OS keyring: one entry per panel, never anywhere else.

Service name ``smmdesk``, username = the panel's name. There is no plaintext fallback: when
no usable keyring exists (the headless-Linux ``fail`` backend, a backend of priority below 1
such as ``null`` or keyrings.alt's files, a locked or unreachable keyring) every call raises
KeyringUnavailable with a sentence that says what to install or unlock on this platform.

Keys never appear in an exception, a repr or a log record: keyring errors are re-raised
``from None`` with our own words.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import (
    InitError,
    KeyringError,
    KeyringLocked,
    PasswordDeleteError,
    PasswordSetError,
)

from smmdesk import APP_NAME
from smmdesk.core.errors import KeyringUnavailable, NotFoundLocally, RequestRefused
from smmdesk.core.i18n import N_, _

SERVICE_NAME = APP_NAME
_PROBE_USERNAME = "smmdesk-keyring-check"
_T = TypeVar("_T")

_PLATFORM_ADVICE = {
    "linux": N_(
        "Install and unlock a Secret Service keyring, such as GNOME Keyring (package "
        "gnome-keyring) or KWallet, and run smmdesk inside your desktop session so it can "
        "reach the keyring over D-Bus. On a machine without a desktop, start one with "
        "dbus-run-session and unlock it with gnome-keyring-daemon --unlock."
    ),
    "darwin": N_(
        "Unlock your login keychain (open Keychain Access, select the 'login' keychain and "
        "unlock it, or log out and in again), then try again."
    ),
    "win32": N_(
        "smmdesk uses Windows Credential Manager. Sign in to Windows with your own user "
        "account (not a service or guest account) and try again."
    ),
}
_OTHER_ADVICE = N_(
    "Install and unlock the system keyring your desktop provides (one that the Python "
    "'keyring' package supports), then try again."
)


def keyring_advice(platform: str | None = None) -> str:
    """What a reseller should do to get a usable keyring on ``platform`` (sys.platform)."""
    name = platform or sys.platform
    if name.startswith("linux") or name.startswith("freebsd"):
        name = "linux"
    return _(_PLATFORM_ADVICE.get(name, _OTHER_ADVICE))


def unavailable(reason: str, platform: str | None = None) -> KeyringUnavailable:
    """A KeyringUnavailable saying ``reason`` (a sentence) and what to do about it."""
    # Translators: {reason} is a sentence saying what is wrong with the keyring; {advice}
    # sentences saying what to do.
    message = _(
        "{reason} smmdesk keeps API keys only in the system keyring and never in a file. {advice}"
    )
    return KeyringUnavailable(message.format(reason=reason, advice=keyring_advice(platform)))


class KeyStore:
    """Reads and writes panel API keys in the OS keyring.

    ``backend``: a keyring backend to use; None means keyring's current default, looked up
    at every call (so ``keyring.set_keyring`` takes effect).
    """

    def __init__(self, backend: KeyringBackend | None = None):
        self._backend = backend

    def __repr__(self) -> str:
        return f"KeyStore(backend={self.backend_name()!r})"

    def backend_name(self) -> str:
        """The backend's module and class, e.g. ``keyring.backends.SecretService.Keyring``."""
        cls = type(self._current())
        return f"{cls.__module__}.{cls.__qualname__}"

    def check(self) -> None:
        """Raise KeyringUnavailable unless keys can be stored and read right now."""
        self._call(lambda backend: backend.get_password(SERVICE_NAME, _PROBE_USERNAME))

    def get(self, panel: str) -> str:
        """The API key of ``panel``; NotFoundLocally when the keyring has none."""
        key = self._call(lambda backend: backend.get_password(SERVICE_NAME, panel))
        if not key:
            message = _(
                'The system keyring has no API key for the panel "{panel}". Enter the '
                "panel's API key again (copy it from your account page on the panel)."
            )
            raise NotFoundLocally(message.format(panel=panel))
        return key

    def set(self, panel: str, key: str) -> None:
        """Store ``key`` (surrounding spaces removed) as the API key of ``panel``."""
        key = key.strip()
        if not key:
            raise RequestRefused(
                _(
                    "The API key is empty. Copy the key from your account page on the panel "
                    "and paste it again."
                )
            )
        self._call(lambda backend: backend.set_password(SERVICE_NAME, panel, key))

    def delete(self, panel: str) -> bool:
        """Remove the key of ``panel``; False when there was none."""

        def remove(backend: KeyringBackend) -> bool:
            if backend.get_password(SERVICE_NAME, panel) is None:
                return False
            try:
                backend.delete_password(SERVICE_NAME, panel)
            except PasswordDeleteError:
                return False
            return True

        return self._call(remove)

    def _current(self) -> KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def _usable(self) -> KeyringBackend:
        backend = self._current()
        try:
            priority = type(backend).priority
        except Exception:  # a backend reports "not usable here" by raising from priority
            raise unavailable(_("The system keyring cannot be used on this computer.")) from None
        if priority <= 0:  # keyring's "fail" and "null" backends: nothing usable here
            raise unavailable(_("No usable system keyring was found on this computer."))
        if priority < 1:  # e.g. keyrings.alt's files: keys would sit on disk unprotected
            # Translators: {keyring} is the keyring's technical name ("PlaintextKeyring").
            message = _("The only keyring found ({keyring}) would not keep API keys safe.")
            raise unavailable(message.format(keyring=self.backend_name()))
        return backend

    def _call(self, operation: Callable[[KeyringBackend], _T]) -> _T:
        backend = self._usable()
        try:
            return operation(backend)
        except KeyringLocked:
            reason = _("The system keyring is locked, so smmdesk cannot read or save API keys.")
        except InitError:
            reason = _("The system keyring could not be opened.")
        except PasswordSetError:
            reason = _("The system keyring refused to save the key.")
        except KeyringError:
            reason = _("No usable system keyring was found.")
        except OSError:  # D-Bus or OS service errors that the backend did not wrap
            reason = _("The system keyring did not answer.")
        raise unavailable(reason)


class MemoryKeyring(KeyringBackend):
    """Keys held in this process's memory only: for the demo panel's throw-away keys (and
    tests). Never chosen automatically (``viable`` is False) and never a fallback."""

    priority = 1
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")
