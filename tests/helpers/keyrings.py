"""Keyring backends for tests only (never shipped, never chosen automatically).

- MemoryKeyring: smmdesk's own in-memory backend (``smmdesk.core.secrets``), re-exported here;
  the ``memory_keyring`` fixture installs it.
- FileKeyring: keys in a JSON file named by $SMMDESK_TEST_KEYRING_FILE, so CLI subprocesses
  share keys: run them with ``PYTHON_KEYRING_BACKEND=tests.helpers.keyrings.FileKeyring``.
- RaisingKeyring: raises a given keyring error on every call (locked, not initialised ...).

``viable = False`` keeps them out of keyring's automatic backend detection; they are used
only when installed explicitly (``keyring.set_keyring`` or PYTHON_KEYRING_BACKEND).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from smmdesk.core.secrets import MemoryKeyring

__all__ = ["KEYRING_FILE_ENV", "FileKeyring", "MemoryKeyring", "RaisingKeyring"]

KEYRING_FILE_ENV = "SMMDESK_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 1
    viable = False

    @property
    def path(self) -> Path:
        value = os.environ.get(KEYRING_FILE_ENV)
        if not value:
            raise RuntimeError(f"FileKeyring needs ${KEYRING_FILE_ENV} to name its JSON file")
        return Path(value)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.get(service, {}).pop(username, None) is None:
            raise PasswordDeleteError("no such password")
        self._save(data)

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.path)


class RaisingKeyring(KeyringBackend):
    """Raises ``error`` (an exception instance) from every operation."""

    priority = 1
    viable = False

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error
