"""API keys in the OS keyring: round trips, refusals, and what a reseller is told to do."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from keyring.backends import fail, null
from keyring.errors import InitError, KeyringLocked, PasswordSetError

from smmdesk.core.errors import ConfigError, KeyringUnavailable, NotFoundLocally
from smmdesk.core.secrets import SERVICE_NAME, KeyStore, keyring_advice
from tests.helpers.keyrings import KEYRING_FILE_ENV, MemoryKeyring, RaisingKeyring

KEY = "d41d8cd98f00b204e9800998ecf8427e"
REPO = Path(__file__).resolve().parents[2]


def test_a_key_is_stored_under_smmdesk_with_the_panel_name(keystore, memory_keyring):
    keystore.set("Main", f"  {KEY}\n")  # pasted with spaces and a newline
    assert keystore.get("Main") == KEY
    assert memory_keyring.entries == {(SERVICE_NAME, "Main"): KEY}
    assert SERVICE_NAME == "smmdesk"


def test_one_entry_per_panel(keystore):
    keystore.set("Main", KEY)
    keystore.set("Backup", "other-key")
    keystore.set("Main", "new-key")
    assert (keystore.get("Main"), keystore.get("Backup")) == ("new-key", "other-key")


def test_deleting_removes_the_key_and_is_harmless_twice(keystore):
    keystore.set("Main", KEY)
    assert keystore.delete("Main") is True
    assert keystore.delete("Main") is False
    with pytest.raises(NotFoundLocally):
        keystore.get("Main")


def test_a_missing_key_names_the_panel_and_what_to_do(keystore):
    with pytest.raises(NotFoundLocally) as caught:
        keystore.get("Main")
    assert '"Main"' in str(caught.value)
    assert "Enter the panel's API key again" in str(caught.value)


def test_an_empty_key_is_refused(keystore):
    with pytest.raises(ConfigError, match="empty"):
        keystore.set("Main", "   ")


def test_the_default_backend_is_whatever_keyring_has_installed(keystore):
    assert keystore.backend_name() == "smmdesk.core.secrets.MemoryKeyring"
    keystore.check()  # usable: no exception


def test_repr_names_the_backend_never_a_key(keystore):
    keystore.set("Main", KEY)
    assert "MemoryKeyring" in repr(keystore)
    assert KEY not in repr(keystore)


def test_the_fail_backend_is_refused_with_what_to_do():
    store = KeyStore(fail.Keyring())
    for attempt in (store.check, lambda: store.get("Main"), lambda: store.set("Main", KEY)):
        with pytest.raises(KeyringUnavailable) as caught:
            attempt()
        message = str(caught.value)
        assert "No usable system keyring" in message
        assert "never in a file" in message
        assert keyring_advice() in message
        assert KEY not in message


def test_on_linux_the_advice_names_secret_service_keyrings_and_dbus():
    advice = keyring_advice("linux")
    for words in ("Secret Service", "GNOME Keyring", "KWallet", "D-Bus", "--unlock"):
        assert words in advice


def test_the_advice_fits_macos_and_windows():
    assert "Keychain" in keyring_advice("darwin")
    assert "Credential Manager" in keyring_advice("win32")
    assert "keyring" in keyring_advice("sunos5")


def test_backends_that_store_nothing_or_in_plain_files_are_refused():
    class PlaintextLike(MemoryKeyring):
        priority = 0.5  # like keyrings.alt's file backends

    with pytest.raises(KeyringUnavailable, match="No usable system keyring"):
        KeyStore(null.Keyring()).set("Main", KEY)
    plaintext = PlaintextLike()
    with pytest.raises(KeyringUnavailable, match="would not keep API keys safe"):
        KeyStore(plaintext).set("Main", KEY)
    assert plaintext.entries == {}


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (KeyringLocked("locked"), "is locked"),
        (InitError("no session bus"), "could not be opened"),
        (PasswordSetError("denied"), "refused to save"),
        (OSError("dbus gone"), "did not answer"),
    ],
)
def test_locked_or_broken_keyrings_say_so(error, says):
    store = KeyStore(RaisingKeyring(error))
    attempts = (
        store.check,
        lambda: store.get("Main"),
        lambda: store.set("Main", KEY),
        lambda: store.delete("Main"),
    )
    for attempt in attempts:
        with pytest.raises(KeyringUnavailable, match=says) as caught:
            attempt()
        assert keyring_advice() in str(caught.value)
        assert KEY not in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__context__ is None


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_file_keyring_shares_keys_between_processes(tmp_path):
    """What CLI subprocess tests rely on: PYTHON_KEYRING_BACKEND + a shared JSON file."""
    env = dict(
        os.environ,
        PYTHON_KEYRING_BACKEND="tests.helpers.keyrings.FileKeyring",
        **{KEYRING_FILE_ENV: str(tmp_path / "keys.json")},
    )
    setter = _python(
        f"from smmdesk.core.secrets import KeyStore; KeyStore().set('Main', {KEY!r})", env
    )
    assert setter.returncode == 0, setter.stderr
    getter = _python(
        "from smmdesk.core.secrets import KeyStore; print(KeyStore().get('Main'))", env
    )
    assert getter.stdout.strip() == KEY, getter.stderr


@pytest.mark.keyring_real
@pytest.mark.skipif(
    os.environ.get("SMMDESK_REAL_KEYRING") != "1",
    reason="needs a real OS keyring: set SMMDESK_REAL_KEYRING=1 (the CI keyring stage does)",
)
def test_the_real_default_keyring_keeps_a_key_across_processes():
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    panel = f"smmdesk-test-{uuid.uuid4().hex[:8]}"
    key = uuid.uuid4().hex
    store = "from smmdesk.core.secrets import KeyStore; s = KeyStore(); "

    step = _python(store + f"s.check(); s.set({panel!r}, {key!r}); print(s.backend_name())", env)
    assert step.returncode == 0, step.stderr
    assert "fail" not in step.stdout, step.stdout
    step = _python(store + f"print(s.get({panel!r}))", env)
    assert step.stdout.strip() == key, step.stderr
    step = _python(store + f"print(s.delete({panel!r}))", env)
    assert step.stdout.strip() == "True", step.stderr
    step = _python(
        store
        + f"""
try:
    s.get({panel!r})
except Exception as e:
    print(type(e).__name__)
""",
        env,
    )
    assert step.stdout.strip() == "NotFoundLocally", step.stderr
