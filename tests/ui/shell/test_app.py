"""The ``smmdesk`` program from the outside: ``--version``, ``--demo --screenshot`` as a
subprocess (a PNG of the window, exit 0), a data folder that cannot be made, the demo's
panels and history, the app icon. (The Qt binding's reference counts: tests/ui/test_binding.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from smmdesk import __version__
from smmdesk.core import store
from smmdesk.core.api import BatchStatus
from smmdesk.core.desk import Desk
from smmdesk.core.offers.compare import compare
from smmdesk.ui.resources import app_icon, drawn_icon, find_resource
from smmdesk.ui.shell.demo_mode import (
    EUR_PANEL,
    MAIN_PANEL,
    RIVAL_PANEL,
    SMART_PANEL,
    DemoSession,
    add_demo_panels,
    make_history,
)
from smmdesk.ui.shell.session import SCREENSHOT_SIZE
from tests.helpers.gui import wait_for

ROOT = Path(__file__).resolve().parents[3]


def run_app(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "smmdesk", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version() -> None:
    done = run_app("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"smmdesk {__version__}"


@pytest.mark.slow
def test_demo_screenshot(tmp_path: Path) -> None:
    picture = tmp_path / "shots" / "window.png"
    demo_folders = set(Path(tempfile.gettempdir()).glob("smmdesk-demo-*"))
    done = run_app("--demo", "--screenshot", str(picture))
    assert done.returncode == 0, done.stderr
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(picture))
    assert (image.width(), image.height()) == SCREENSHOT_SIZE
    assert set(Path(tempfile.gettempdir()).glob("smmdesk-demo-*")) == demo_folders  # cleaned


def test_a_data_folder_that_cannot_be_made_is_said_plainly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = run_app("--data-dir", str(blocker), "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 1
    assert "because a file has that name" in done.stderr


def test_the_demo_has_panels_and_history(qtbot: Any, aloop: Any) -> None:
    session = DemoSession.start()
    desk = Desk(session.folder, session.keys)
    try:
        wait_for(add_demo_panels(desk, session), qtbot)
        made = wait_for(make_history(desk, session), qtbot)
        panels = {p.name: p for p in desk.panels()}
        assert set(panels) == {MAIN_PANEL, EUR_PANEL, SMART_PANEL, RIVAL_PANEL}  # each dialect
        assert panels[EUR_PANEL].currency == "EUR"
        speaks = {name: p.dialect.batch_status for name, p in panels.items()}
        assert speaks == {
            MAIN_PANEL: BatchStatus.MULTI_STATUS,
            EUR_PANEL: BatchStatus.STATUS_ORDERS,
            SMART_PANEL: BatchStatus.STATUS_ORDERS,
            RIVAL_PANEL: BatchStatus.STATUS_ORDERS,
        }
        assert panels[SMART_PANEL].dialect.cancel is False
        orders = [store.get_order(desk.db, order_id) for order_id in made]
        kinds = {o.service_type for o in orders if o.service_type}
        assert len(kinds) >= 10  # many types, through the real API
        assert {o.state for o in orders} == {"placed", "tracked"}
        assert len(session.orders()) == len(made)
        # the demo's panels sell the same services under other names: comparing shows it
        followers = compare(desk.db, "instagram followers")
        panels_of = [{c.offer.panel for c in group.offers} for group in followers]
        assert any({MAIN_PANEL, SMART_PANEL, RIVAL_PANEL} <= found for found in panels_of)
    finally:
        wait_for(desk.aclose(), qtbot)
        session.stop()
    assert not session.folder.exists()  # the throw-away folder is gone


def test_the_app_icon_is_found_or_drawn() -> None:
    assert not app_icon().isNull()
    assert find_resource("no-such-picture.png") is None
    assert drawn_icon(64).width() == 64
