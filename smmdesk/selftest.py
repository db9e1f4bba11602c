"""``smmdesk --self-test``: prove that this installation works, from source or as built.

Each check prints one line; the run exits 0 when every check passed, 1 otherwise:

    window   the main window opens (offscreen: no screen needed) and paints; later it
             lists the order below
    icon     the app icon is found (required in a built program)
    language the Russian catalog, its plural forms, CLDR's number format and Qt's own
             translation load (a build must carry them)
    panel    a demo panel started in this process answers and is added to a Desk over a
             throw-away data folder (its key in an in-memory keyring, never the user's)
    order    an order placed through the panel API reaches the panel
    sqlite   the order is read back from the data folder's SQLite file (a new connection)
    keyring  which system keyring backend keyring found and whether it can be used; an
             unusable one is reported, and fails the run only with ``--require-keyring``

Options (after ``--self-test``): ``--report FILE`` also writes the report to FILE (a
windowed Windows program may have no console to print to), ``--require-keyring``,
``--timing`` adds ``window-ready-epoch: SECONDS`` (time.time() when the window was shown
and painted) for launch-time measurements. Nothing of the user's data or keyring is read
or written, except a read-only probe of the keyring.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smmdesk import APP_NAME, __version__
from smmdesk.core.money import format_money

PANEL_NAME = "Self-test panel"
SERVICE_ID = "2"  # the demo catalog's "Instagram Likes [Fast]": Default type, 10..50000
ORDER_VALUES = {"link": "https://instagram.com/p/smmdesk-self-test", "quantity": "100"}
CHECK_TIMEOUT = 30.0


@dataclass
class Report:
    """The lines of a self-test run and whether every check passed."""

    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def ok(self, check: str, text: str) -> None:
        self.lines.append(f"  ok    {check}: {text}")

    def info(self, check: str, text: str) -> None:
        self.lines.append(f"  info  {check}: {text}")

    def fail(self, check: str, text: str) -> None:
        self.failed.append(check)
        self.lines.append(f"  FAIL  {check}: {text}")

    def text(self) -> str:
        how = "built program" if getattr(sys, "frozen", False) else "from source"
        head = (
            f"{APP_NAME} {__version__} self-test ({how}; Python {platform.python_version()}, "
            f"{_qt_version()}, {sys.platform})"
        )
        elapsed = time.monotonic() - self.started
        if self.failed:
            tail = f"self-test FAILED ({', '.join(self.failed)}) in {elapsed:.1f} s"
        else:
            tail = f"self-test passed in {elapsed:.1f} s"
        return "\n".join([head, *self.lines, tail]) + "\n"


def _qt_version() -> str:
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion
    except ImportError:
        return "no Qt"
    return f"PySide6 {pyside_version}, Qt {qVersion()}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{APP_NAME} --self-test", description="Check that this installation works."
    )
    parser.add_argument("--report", metavar="FILE", help="also write the report to FILE")
    parser.add_argument(
        "--require-keyring",
        action="store_true",
        help="fail when no usable system keyring is found",
    )
    parser.add_argument(
        "--timing", action="store_true", help="print when the window was ready (epoch seconds)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every check, print the report (and write it to ``--report``); 0 when all passed."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication: never a real window
    report = Report()
    try:
        _run_checks(report, args)
    except Exception as error:  # a check's own bug: still report, never a bare traceback
        report.fail("self-test", f"stopped by {type(error).__name__}: {error}")
    _emit(report.text(), args.report)
    return 1 if report.failed else 0


def _emit(text: str, report_file: str | None) -> None:
    if sys.stdout is not None:  # a windowed program started without a console has none
        sys.stdout.write(text)
        sys.stdout.flush()
    if report_file:
        Path(report_file).write_text(text, encoding="utf-8")


def _run_checks(report: Report, args: argparse.Namespace) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    app.setApplicationName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)  # as the program: the loop ends when the checks do
    import qasync  # after PySide6: qasync uses the first Qt binding it finds

    _check_language(report)

    folder = tempfile.TemporaryDirectory(prefix="smmdesk-selftest-", ignore_cleanup_errors=True)
    with folder as tmp, asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(_async_checks(report, args, Path(tmp) / "data"))
    _check_keyring(report, require=args.require_keyring)


async def _async_checks(report: Report, args: argparse.Namespace, folder: Path) -> None:
    from smmdesk.core.desk import Desk
    from smmdesk.core.paths import database_path
    from smmdesk.core.secrets import KeyStore, MemoryKeyring
    from smmdesk.demo.server import DemoPanel

    desk = Desk(folder, KeyStore(backend=MemoryKeyring()))
    panel = DemoPanel()
    window, placed = None, None
    try:
        window = await _step(report, "window", lambda: _check_window(report, desk, args.timing))
        if await _step(report, "panel", lambda: _check_panel(report, desk, panel)):
            placed = await _step(report, "order", lambda: _check_order(report, desk, panel))
        if window is not None and placed is not None:
            await _step(report, "window", lambda: _check_window_lists(report, window, placed))
            await _step(report, "business", lambda: _check_business(report, window))
    finally:
        if window is not None:
            await _close_window(window)
        await desk.aclose()
        panel.stop()
    if placed is not None:  # read back through a connection of its own, the Desk closed
        _check_sqlite(report, database_path(desk.folder), placed)


async def _step(report: Report, check: str, run: Callable[[], Awaitable[Any]]) -> Any:
    """Run one check with a time limit; its failure is reported, and None returned."""
    try:
        return await asyncio.wait_for(run(), CHECK_TIMEOUT)
    except TimeoutError:
        report.fail(check, f"no result within {CHECK_TIMEOUT:.0f} s")
    except Exception as error:
        report.fail(check, _describe(error))
    return None


def _describe(error: BaseException) -> str:
    text = str(error).strip() or "(no message)"
    return f"{type(error).__name__}: {text}"


async def _check_window(report: Report, desk: Any, timing: bool) -> Any:
    from PySide6.QtWidgets import QApplication

    from smmdesk.core.settings import Settings
    from smmdesk.ui.shell.mainwindow import MainWindow

    window = MainWindow(desk, Settings.load(desk.folder), title_note="self-test")
    window.show()
    QApplication.processEvents()
    picture = window.grab()
    ready = time.time()
    if not window.isVisible() or picture.isNull() or picture.width() < 100:
        raise RuntimeError("the main window did not show or paint")
    report.ok(
        "window",
        f"main window shown and painted offscreen ({picture.width()}x{picture.height()})",
    )
    if timing:
        report.info("timing", f"window-ready-epoch: {ready:.3f}")
    _check_icon(report)
    return window


LANGUAGE_PROBE = "ru"


def _check_language(report: Report) -> None:
    """One shipped language works end to end: its catalog (a known text and a plural form),
    its number format (Babel's CLDR data), and Qt's translation of the standard buttons."""
    from smmdesk.core.formats import format_integer
    from smmdesk.core.i18n import _, ngettext, using_language
    from smmdesk.ui.i18n import qt_translator

    package = "This package takes {size} {field} (its name says so); you gave {count}. "
    package += "Write one per line."
    with using_language(LANGUAGE_PROBE):
        word = _("Quantity")
        form = ngettext(package, package, 5).format(size=5, field="x", count=1)
        number = format_integer(1234567)
    found = {
        "text": word == "Количество",
        "plural": "5 строк " in form,
        "number": number == "1\u00a0234\u00a0567",
        "qt": qt_translator(LANGUAGE_PROBE) is not None,
    }
    missing = [name for name, ok in found.items() if not ok]
    if missing:
        report.fail("language", f"{LANGUAGE_PROBE}: {', '.join(missing)} not working")
    else:
        report.ok("language", f"{LANGUAGE_PROBE}: {word}, {number}, Qt's buttons translated")


def _check_icon(report: Report) -> None:
    """The app icon is found (a build must ship it; from source it may be missing)."""
    from smmdesk.ui.resources import APP_ICON, find_resource

    path = find_resource(APP_ICON)
    if path is not None:
        report.ok("icon", f"{APP_ICON} found at {path}")
    elif getattr(sys, "frozen", False):
        report.fail("icon", f"{APP_ICON} is missing from this build")
    else:
        report.info("icon", f"{APP_ICON} not found: a drawn stand-in is used")


async def _check_window_lists(report: Report, window: Any, order: Any) -> None:
    """The window, told of the new panel and order as the program tells it, lists the order."""
    window.events.panels_changed.emit()
    window.events.orders_added.emit([order.id])
    model = window.orders.model
    deadline = time.monotonic() + 5.0
    while model.row_of(order.id) is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the orders view does not list order #{order.id}")
        await asyncio.sleep(0.02)
    report.ok("window", f"the orders view lists order #{order.id}")


async def _check_business(report: Report, window: Any) -> None:
    """Compare (rapidfuzz) and Reports (Qt Charts) open and draw in this build."""
    from smmdesk.ui.business.menu import open_attention, open_compare, open_reports

    compare = open_compare(window, "instagram likes")
    if compare.tree.topLevelItemCount() == 0:
        raise RuntimeError("Compare found no group for the demo's Instagram likes")
    reports = open_reports(window)
    if reports.table.rowCount() == 0 or reports.grab().isNull():
        raise RuntimeError("Reports drew no row for the order placed")
    open_attention(window)
    report.ok("business", "Compare, Reports (charts) and Needs attention open and draw")


async def _close_window(window: Any) -> None:
    window.close()
    await window.shutdown()
    window.deleteLater()


async def _check_panel(report: Report, desk: Any, panel: Any) -> bool:
    await asyncio.to_thread(panel.start)
    added = await desk.add_panel(PANEL_NAME, panel.url, panel.key)
    services = await desk.catalog(PANEL_NAME)
    report.ok(
        "panel",
        f"demo panel at {panel.url} added: balance {format_money(added.balance, added.currency)}, "
        f"{len(services)} services in its catalog",
    )
    return True


async def _check_order(report: Report, desk: Any, panel: Any) -> Any:
    placed = await desk.place_order(PANEL_NAME, SERVICE_ID, ORDER_VALUES, reference="self-test")
    order = placed.order
    on_panel = {item["id"] for item in panel.orders()}
    if order.remote_id not in on_panel:
        raise RuntimeError(f"order #{order.id} is {order.state}, the panel has no such order")
    report.ok(
        "order",
        f"order #{order.id} placed: panel order {order.remote_id}, {order.quantity} x "
        f"{order.service_name}, expected cost {format_money(order.expected_cost, order.currency)}",
    )
    return order


def _check_sqlite(report: Report, path: Path, placed: Any) -> None:
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT remote_id, link, quantity FROM orders WHERE id = ?", (placed.id,)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        report.fail("sqlite", f"{path} could not be read: {error}")
        return
    expected = (placed.remote_id, placed.link, placed.quantity)
    if row is None or tuple(row) != expected:
        report.fail("sqlite", f"{path} holds {row!r} for order #{placed.id}, not {expected!r}")
        return
    size = path.stat().st_size
    report.ok("sqlite", f"order #{placed.id} read back from {path.name} ({size:,} bytes)")


def _check_keyring(report: Report, *, require: bool) -> None:
    from smmdesk.core.errors import KeyringUnavailable
    from smmdesk.core.secrets import KeyStore

    keys = KeyStore()
    name = keys.backend_name()
    try:
        keys.check()
    except KeyringUnavailable as error:
        first_sentence = str(error).split(". ")[0].rstrip(".") + "."
        text = f"{name} found, not usable: {first_sentence}"
        (report.fail if require else report.info)("keyring", text)
        return
    report.ok("keyring", f"{name} found and usable")


if __name__ == "__main__":
    raise SystemExit(main())
