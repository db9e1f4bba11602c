"""Where the program's pictures are, wherever smmdesk runs from, and the app icon.

Looked up in order:
    1. a PyInstaller bundle: ``sys._MEIPASS/resources`` (and ``sys._MEIPASS/smmdesk/resources``)
    2. an installed package: ``smmdesk/resources`` next to the code
    3. a source checkout: ``resources/`` at the top of the repository
When the icon is nowhere (a stripped install), a simple icon is drawn instead: the program
never fails to start for want of a picture.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

APP_ICON = "smmdesk.png"
ACCENT = QColor("#2f6fde")


def resource_dirs() -> list[Path]:
    """The folders that may hold smmdesk's resources, most specific first."""
    package = Path(__file__).resolve().parents[1]  # .../smmdesk
    dirs: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs += [Path(bundle) / "resources", Path(bundle) / "smmdesk" / "resources"]
    dirs += [package / "resources", package.parent / "resources"]
    return dirs


def find_resource(name: str) -> Path | None:
    """The first existing file called ``name`` in ``resource_dirs()``, or None."""
    for folder in resource_dirs():
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def app_icon() -> QIcon:
    """The program's icon (from ``resources/``), or a drawn stand-in when it is missing."""
    path = find_resource(APP_ICON)
    if path is not None:
        icon = QIcon(str(path))
        if not icon.isNull():
            return icon
    return QIcon(drawn_icon(256))


def drawn_icon(size: int) -> QPixmap:
    """A plain stand-in icon: a blue rounded square with a white "S"."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ACCENT)
    margin = size * 0.06
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.drawRoundedRect(box, size * 0.2, size * 0.2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "S")
    painter.end()
    return pixmap
