"""The ``smmdesk`` program: options, the Qt application and the one event loop (qasync).

    smmdesk                      the program over the usual data folder
    smmdesk --data-dir DIR       ... over another data folder
    smmdesk --demo               on the built-in demo panel, in a throw-away folder
    smmdesk --demo --screenshot PATH    save a picture of the window once loaded, then exit
    smmdesk --theme dark         this run in the dark look (or light, system)
    smmdesk --self-test          check that this installation works (smmdesk.selftest)
    smmdesk --version

One ``asyncio`` loop runs on Qt's (``asyncio.Runner(loop_factory=qasync.QEventLoop)``): the
panels' HTTP clients, the refresh schedule and the widgets share it, so nothing needs a
thread and the window never waits on the network.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from smmdesk import APP_NAME, __version__
from smmdesk.core.i18n import _


def build_parser() -> argparse.ArgumentParser:
    """The options, their help in the language of ``$SMMDESK_LANG`` or the OS (the
    Settings language is known only once the data folder is open)."""
    parser = argparse.ArgumentParser(
        prog=APP_NAME, description=_("smmdesk: one desktop program for every SMM panel.")
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{APP_NAME} {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open on the built-in demo panel with a throw-away data folder"),
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", help=_("data folder (default: $SMMDESK_DATA_DIR or yours)")
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help=_("save a picture of the window once it has loaded and refreshed, then exit"),
    )
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        # Translators: "Settings" is the window's Settings dialog.
        help=_("the look for this run (default: as set in Settings, else like the system)"),
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation works, then exit"),
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``smmdesk`` gui-script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in args_list:
        from smmdesk import selftest

        return selftest.main([a for a in args_list if a != "--self-test"])
    args = build_parser().parse_args(args_list)

    # qasync uses the first Qt binding it finds: import PySide6 first, and name it.
    from PySide6.QtWidgets import QApplication

    os.environ.setdefault("QT_API", "pyside6")
    import qasync

    from smmdesk.ui.i18n import apply_language
    from smmdesk.ui.resources import app_icon
    from smmdesk.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    apply_language(app)  # $SMMDESK_LANG or the OS's; the session applies the setting too
    apply_theme(app)  # the OS's light or dark; the window applies the chosen one (Settings)
    app.setQuitOnLastWindowClosed(False)  # the loop ends when run() returns, not before
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        return runner.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from smmdesk.ui.shell.session import Session, SessionError

    try:
        session = await Session.open(
            demo=args.demo,
            data_dir=args.data_dir,
            screenshot=args.screenshot is not None,
            theme=args.theme,
        )
    except SessionError as error:
        _fatal(str(error))
        return 1
    try:
        if args.screenshot:
            from smmdesk.ui.shell.screenshot import capture

            return await capture(session.window, Path(args.screenshot))
        await session.window.wait_closed()
        return 0
    finally:
        await session.close()


def _fatal(message: str) -> None:
    """Say why the program cannot start: on stderr, and in a box for a double-clicked app."""
    print(f"smmdesk: {message}", file=sys.stderr)
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        QMessageBox.critical(None, APP_NAME, message)


if __name__ == "__main__":
    raise SystemExit(main())
