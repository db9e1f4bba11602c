"""Fixtures shared by every test module.

- ``run``: runs a coroutine to completion (core tests are plain functions calling it).
- ``demo_panel``: a fresh demo panel served over a real loopback socket.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests read English texts, whatever the machine's language; the CLI subprocesses inherit it.
# The translation tests set their own language (and environment for subprocesses).
os.environ["SMMDESK_LANG"] = "en"


@pytest.fixture
def run() -> Iterator[Any]:
    """Run a coroutine to completion on this test's own event loop and return its result.

    One loop per test, so long-lived objects (a Desk's panel clients) live across calls."""
    loop = asyncio.new_event_loop()

    def _run(coro: Coroutine[Any, Any, Any]) -> Any:
        return loop.run_until_complete(coro)

    try:
        yield _run
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@pytest.fixture
def demo_panel() -> Iterator[Any]:
    """A demo panel on 127.0.0.1 with an ephemeral port, stopped after the test."""
    from smmdesk.demo.server import DemoPanel

    with DemoPanel() as panel:
        yield panel


# --- the local store and the keyring ---------------------------------------------------
# - ``memory_keyring``: a MemoryKeyring installed as keyring's backend, restored afterwards.
# - ``keystore``: a KeyStore on that backend (smmdesk's own API over the keyring).
# - ``db``: a freshly migrated smmdesk database in a real file under ``tmp_path``.


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    import keyring

    from tests.helpers.keyrings import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def keystore(memory_keyring: Any) -> Any:
    from smmdesk.core.secrets import KeyStore

    return KeyStore()


@pytest.fixture
def db(tmp_path: Any) -> Iterator[Any]:
    from smmdesk.core.store import open_db

    database = open_db(tmp_path / "smmdesk.sqlite3")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def make_service() -> Any:
    """A factory of catalog entries: ``make_service("1", rate="0.90", type="Default")``."""
    from decimal import Decimal

    from smmdesk.core.api.models import Service
    from smmdesk.protocol import canonical_type

    def _make(service_id: str = "1", *, rate: str = "0.90", **fields: Any) -> Service:
        kind = fields.pop("type", "Default")
        values: dict[str, Any] = {
            "name": f"Service {service_id}",
            "category": "Instagram",
            "min": 10,
            "max": 10000,
        }
        values.update(fields)
        return Service(
            id=service_id, type=kind, type_name=canonical_type(kind), rate=Decimal(rate), **values
        )

    return _make


# --- the core as the GUI and CLI use it ---------------------------------------------------
# - ``desk``: a Desk over a data folder in ``tmp_path``, keys in a MemoryKeyring, with the
#   ``demo_panel`` added as panel "demo" (a real loopback connection). Call its coroutines
#   through ``run`` (core tests) or on the GUI loop (``aloop``).


@pytest.fixture
def desk(tmp_path: Any, keystore: Any, demo_panel: Any, run: Any) -> Iterator[Any]:
    from smmdesk.core.desk import Desk

    the_desk = Desk(tmp_path / "data", keystore)
    run(the_desk.add_panel("demo", demo_panel.url, demo_panel.key))
    demo_panel.reset_counters()  # the tests count their own requests, not the probe's
    try:
        yield the_desk
    finally:
        run(the_desk.aclose())


@pytest.fixture
def gui_desk(
    tmp_path: Any, keystore: Any, demo_panel: Any, aloop: Any, qtbot: Any
) -> Iterator[Any]:
    """Like ``desk``, for GUI tests: its clients live on the qasync loop."""
    from smmdesk.core.desk import Desk

    the_desk = Desk(tmp_path / "data", keystore)
    helper_loop = asyncio.new_event_loop()
    asyncio.events._set_running_loop(None)  # aloop's is set: a second loop may not run
    try:
        helper_loop.run_until_complete(the_desk.add_panel("demo", demo_panel.url, demo_panel.key))
    finally:
        helper_loop.close()
    demo_panel.reset_counters()
    asyncio.events._set_running_loop(aloop)
    yield the_desk
    closing = asyncio.ensure_future(the_desk.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)


# --- Qt and qasync (pattern from stack-notes.md, verified here) ---------------------------
# - ``qloop``: one session-wide qasync loop over pytest-qt's QApplication; never stopped
#   (stopping it calls QApplication.exit and every later wait returns at once).
# - ``aloop``: makes ``qloop`` the running loop for one GUI test, cancels leftover tasks
#   after it, then un-sets it so core tests can keep using ``asyncio.run``. Wait with
#   ``qtbot.waitUntil`` / ``qtbot.waitSignal``; never block inside an ``async def`` test.


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Iterator[Any]:
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)
    yield loop


@pytest.fixture
def aloop(qloop: Any, qtbot: Any) -> Iterator[Any]:
    asyncio.events._set_running_loop(qloop)
    asyncio.set_event_loop(qloop)
    try:
        yield qloop
    finally:
        leftovers = [t for t in asyncio.all_tasks(qloop) if not t.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            qtbot.waitUntil(lambda: all(t.done() for t in leftovers), timeout=5000)
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
