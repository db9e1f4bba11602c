"""Open the real program on a data folder, as ``smmdesk --data-dir DIR`` does, measure how
its window is laid out, optionally save a picture, and quit as the reseller would (the
layout is kept for the next start).

    python -m tests.helpers.layout_probe DATA_DIR REPORT.json [PICTURE.png [THEME]]

Run it in a subprocess with ``QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json`` (a screen
of the size under test) and a keyring backend holding the panel's key. The report (JSON):
the window's size, each dock's size and least width, how many characters of a long real
panel's service name the catalog's name column shows, and whether the catalog's and the
orders table's columns all lie within their view (no horizontal scrolling).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

# A name as real panels write them: the end of it is what tells services apart.
LONG_NAME = "[Server 3] HQ Real Refill 30d – 5K/day Instagram Followers Non Drop Max 50K"


def chars_shown(view: Any, column: int, text: str, indent: int = 0) -> int:
    """How many characters of ``text`` fit in ``column`` of ``view`` before eliding."""
    header = view.header() if hasattr(view, "header") else view.horizontalHeader()
    room = header.sectionSize(column) - indent - 2 * 6  # the cell's text margins
    metrics = view.fontMetrics()
    shown = 0
    while shown < len(text) and metrics.horizontalAdvance(text[: shown + 1]) <= room:
        shown += 1
    return shown


def measure(window: Any) -> dict[str, Any]:
    from smmdesk.ui.catalog.model import NAME

    catalog, orders = window.catalog, window.orders
    tree = catalog.tree
    docks = {
        name: {
            "visible": dock.isVisible(),
            "width": dock.width(),
            "height": dock.height(),
            "least": dock.widget().minimumWidth(),
        }
        for name, dock in window.docks.items()
    }
    return {
        "window": [window.width(), window.height()],
        "docks": docks,
        "name_chars": chars_shown(tree, NAME, LONG_NAME, tree.indentation()),
        "catalog_fits": catalog.fitter.fits(),
        "catalog_scroll": tree.horizontalScrollBar().maximum(),
        "catalog_widths": [tree.header().sectionSize(c) for c in range(tree.header().count())],
        "orders_fits": orders.fitter.fits(),
        "orders_scroll": orders.table.horizontalScrollBar().maximum(),
        "orders_widths": [
            orders.table.horizontalHeader().sectionSize(c)
            for c in range(orders.table.horizontalHeader().count())
        ],
        "splitter": orders.splitter.sizes(),
        "services": len(catalog.model.services()),
    }


async def probe(data_dir: str, report: Path, picture: Path | None, theme: str | None) -> int:
    from PySide6.QtWidgets import QApplication

    from smmdesk.ui.shell.screenshot import wait_until_ready
    from smmdesk.ui.shell.session import Session

    session = await Session.open(data_dir=data_dir, theme=theme)
    try:
        window = session.window
        if not await wait_until_ready(window, 30):
            print("layout_probe: the window was not ready", file=sys.stderr)
            return 1
        QApplication.processEvents()
        report.write_text(json.dumps(measure(window), indent=1), encoding="utf-8")
        if picture is not None:
            window.grab().save(str(picture), "PNG")
        window.close()
        return 0
    finally:
        await session.close()


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_API", "pyside6")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    picture = Path(argv[2]) if len(argv) > 2 else None
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        theme = argv[3] if len(argv) > 3 else None
        return runner.run(probe(argv[0], Path(argv[1]), picture, theme))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
