"""The window's layout on the path a real user takes: the program started on a data folder
with a panel added (by ``smmdesk-cli panel add``, the key in a keyring), on screens from
1280x720 to 2560x1440 and at 2x scale, then started again on the layout it saved.

Each start runs the real program in a subprocess (``tests.helpers.layout_probe``) on an
offscreen screen of the size under test, and reports what a reseller would look at: how
much of a long service name shows, whether every column of the catalog and the orders is
within view, the docks' sizes. In-process tests cover the first panel added from the
welcome page and a damaged saved layout.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray

from smmdesk.ui.orders.columns import COLUMNS
from tests.cli.test_basics import REPO, Cli
from tests.helpers.gui import close_window, open_window, wait_for

NAME_CHARS = 40


def start_program(tmp_path: Path, cli: Cli, size: tuple[int, int], scale: float, run: str) -> Any:
    screen = tmp_path / "screen.json"
    width, height = size
    shape = {"name": "s", "x": 0, "y": 0, "width": width, "height": height}
    shape.update(logicalDpi=96, logicalBaseDpi=96, dpr=1)
    screen.write_text(json.dumps({"screens": [shape]}))
    report = tmp_path / f"{run}.json"
    env = {
        **cli.env,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        "QT_SCALE_FACTOR": str(scale),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.helpers.layout_probe", str(cli.data), str(report)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(report.read_text())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("size", "scale"),
    [
        ((1366, 768), 1),
        ((1280, 720), 1),
        ((1920, 1080), 1),
        ((2560, 1440), 1),
        ((1920, 1080), 1.5),  # HiDPI: 1280x720 logical pixels
        ((2560, 1440), 2),
    ],
)
def test_first_start_and_the_next_show_names_and_every_column(
    tmp_path: Path, demo_panel: Any, size: tuple[int, int], scale: float
) -> None:
    cli = Cli(tmp_path)
    cli("panel", "add", "My panel", demo_panel.url, input=demo_panel.key + "\n")
    for run in ("first", "second"):  # the second start restores what the first one saved
        seen = start_program(tmp_path, cli, size, scale, run)
        assert seen["services"] == 18
        assert seen["name_chars"] >= NAME_CHARS, (run, seen)
        assert seen["catalog_fits"] and seen["catalog_scroll"] == 0, (run, seen)
        assert seen["orders_fits"] and seen["orders_scroll"] == 0, (run, seen)
        for name, dock in seen["docks"].items():
            assert dock["visible"] and dock["width"] >= dock["least"], (run, name, seen)
            assert dock["height"] < seen["window"][1] * 0.7, (run, name, seen)
        assert min(seen["catalog_widths"]) >= 24 and min(seen["orders_widths"]) >= 24
        narrow = seen["window"][0] < 1800
        assert (seen["splitter"][1] == 0) == narrow  # the details fold away when narrow
    assert (cli.data / "window-state.ini").is_file()


# --- in-process: the welcome page, then the first panel -----------------------------------


@pytest.fixture
def empty_desk(tmp_path: Path, keystore: Any, aloop: Any, qtbot: Any) -> Any:
    from smmdesk.core.desk import Desk

    desk = Desk(tmp_path / "data", keystore)
    yield desk
    closing = asyncio.ensure_future(desk.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)


def test_the_first_panel_added_from_the_welcome_page_gets_the_first_layout(
    empty_desk: Any, demo_panel: Any, qtbot: Any
) -> None:
    window = open_window(empty_desk, qtbot, show=False)
    window.resize(1297, 729)
    window.show()
    try:
        assert window.pages.currentWidget() is window.welcome
        assert not window.docks["services"].isVisible()
        wait_for(empty_desk.add_panel("My panel", demo_panel.url, demo_panel.key), qtbot)
        window.events.panels_changed.emit()  # as the panel editor does
        window.start()
        qtbot.waitUntil(lambda: len(window.catalog.model.services()) == 18, timeout=10_000)
        qtbot.waitUntil(lambda: window.catalog.fitter.fits(), timeout=5000)
        services = window.docks["services"]
        assert services.isVisible()
        assert services.width() > window.width() * 0.5  # the catalog gets the room
        assert window.docks["panels"].width() < 280
        assert window.docks["order"].width() < 460
        name = window.catalog.tree.header().sectionSize(0)
        assert name >= window.catalog.name_minimum()
    finally:
        close_window(window, qtbot)


def test_a_saved_layout_with_a_column_squeezed_is_reset(gui_desk: Any, qtbot: Any) -> None:
    first = open_window(gui_desk, qtbot)
    header = first.orders.table.horizontalHeader()
    service = next(c for c, spec in enumerate(COLUMNS) if spec.title == "Service")
    header.resizeSection(service, 12)  # dragged down to nothing (or saved so by an old version)
    close_window(first, qtbot)

    second = open_window(gui_desk, qtbot)
    try:
        header = second.orders.table.horizontalHeader()
        qtbot.waitUntil(lambda: header.sectionSize(service) >= 150, timeout=5000)
    finally:
        close_window(second, qtbot)


def test_a_saved_window_bigger_than_the_screen_is_made_to_fit(gui_desk: Any, qtbot: Any) -> None:
    first = open_window(gui_desk, qtbot)
    first.resize(2400, 1600)  # saved on a bigger screen (the offscreen one is 800 x 600)
    close_window(first, qtbot)
    second = open_window(gui_desk, qtbot)
    try:
        room = second.screen().availableGeometry()
        assert second.width() <= room.width() and second.height() <= room.height()
    finally:
        close_window(second, qtbot)


def test_damaged_saved_state_is_ignored(gui_desk: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QSettings

    state = QSettings(str(gui_desk.folder / "window-state.ini"), QSettings.Format.IniFormat)
    state.setValue("window/docks", QByteArray(b"not a state"))
    state.setValue("window/geometry", QByteArray(b"junk"))
    state.sync()
    window = open_window(gui_desk, qtbot)
    try:
        assert window.docks["services"].isVisible()
        assert window.width() > 0 and window.catalog.isVisible()
    finally:
        close_window(window, qtbot)


def test_the_first_panel_added_is_refreshed_at_once(
    empty_desk: Any, demo_panel: Any, qtbot: Any
) -> None:
    window = open_window(empty_desk, qtbot)
    try:
        window.start()  # no panel: nothing to refresh yet
        assert window.refresher.last_refresh is None
        wait_for(empty_desk.add_panel("My panel", demo_panel.url, demo_panel.key), qtbot)
        window.events.panels_changed.emit()  # as the panel editor does
        qtbot.waitUntil(lambda: window.refresher.last_refresh is not None, timeout=10_000)
        assert window.status.refresh_label.text().startswith("Last refresh")
    finally:
        close_window(window, qtbot)
