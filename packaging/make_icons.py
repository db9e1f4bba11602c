"""Draw smmdesk's icon with QPainter and write it in every format the builds need.

    python packaging/make_icons.py [--out DIR]      (default: resources/ of the checkout)

Writes ``smmdesk.png`` (256 px: window icon, Linux), ``smmdesk-512.png``, ``smmdesk.ico``
(Windows: 16-256 px, 32-bit BMP entries with a PNG entry for 256 px, as Windows' own tools
write them) and ``smmdesk.icns`` (macOS: the 'icns' container with ic07/ic08/ic09 PNG
entries, 128/256/512 px). No dependency beyond PySide6: the containers are written here.

The design: a rounded square in an indigo-to-sky gradient with three bars rising to the
right (orders growing): two white, the tallest amber.
"""

from __future__ import annotations

import argparse
import struct
import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
PNG_SIZES = {"smmdesk.png": 256, "smmdesk-512.png": 512}
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {b"ic07": 128, b"ic08": 256, b"ic09": 512}

TOP_LEFT = QColor("#6366f1")
BOTTOM_RIGHT = QColor("#0ea5e9")
BARS = QColor("#ffffff")
ACCENT = QColor("#fbbf24")
# Bars on a 0..1 grid of the tile: (left, top); all end at BAR_BOTTOM and are BAR_WIDTH wide.
BAR_TOPS = ((0.22, 0.56), (0.42, 0.40), (0.62, 0.24))
BAR_WIDTH = 0.16
BAR_BOTTOM = 0.78


def draw_icon(size: int) -> QImage:
    """The icon at ``size`` x ``size`` pixels, drawn afresh (not scaled) for crisp edges."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    margin = 0.0 if size <= 24 else size * 0.04
    tile = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0.0, TOP_LEFT)
    gradient.setColorAt(1.0, BOTTOM_RIGHT)
    painter.setBrush(gradient)
    radius = tile.width() * 0.22
    painter.drawRoundedRect(tile, radius, radius)
    _draw_bars(painter, tile)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _draw_bars(painter: QPainter, tile: QRectF) -> None:
    side = tile.width()

    def at(x: float, y: float) -> QPointF:
        return QPointF(tile.left() + x * side, tile.top() + y * side)

    corner = side * 0.035
    for number, (left, top) in enumerate(BAR_TOPS, start=1):
        painter.setBrush(ACCENT if number == len(BAR_TOPS) else BARS)
        bar = QRectF(at(left, top), at(left + BAR_WIDTH, BAR_BOTTOM))
        painter.drawRoundedRect(bar, corner, corner)


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode the icon as PNG")
    buffer.close()
    return bytes(data.data())


def _bmp_entry(image: QImage) -> bytes:
    """An ICO image entry as a DIB: BITMAPINFOHEADER, BGRA rows bottom-up, AND mask."""
    size = image.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    row_bytes = size * 4
    raw = bytes(argb.constBits())
    stride = argb.bytesPerLine()
    # Format_ARGB32 is 0xAARRGGBB per pixel: B, G, R, A in memory on little-endian machines.
    rows = [raw[y * stride : y * stride + row_bytes] for y in range(size)]
    if sys.byteorder == "big":
        rows = [_swap_words(row) for row in rows]
    pixels = b"".join(reversed(rows))
    mask_stride = ((size + 31) // 32) * 4
    mask = bytes(mask_stride * size)  # all 0: the alpha channel decides transparency
    return header + pixels + mask


def _swap_words(row: bytes) -> bytes:
    return b"".join(row[i : i + 4][::-1] for i in range(0, len(row), 4))


def ico_bytes(images: Iterable[QImage]) -> bytes:
    """A Windows .ico holding ``images`` (square, up to 256 px; 256 px stored as PNG)."""
    sized = [
        (img.width(), png_bytes(img) if img.width() >= 256 else _bmp_entry(img)) for img in images
    ]
    directory = struct.pack("<HHH", 0, 1, len(sized))
    offset = len(directory) + 16 * len(sized)
    records, blobs = [], []
    for size, blob in sized:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        records.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return directory + b"".join(records) + b"".join(blobs)


def icns_bytes(entries: dict[bytes, bytes]) -> bytes:
    """A macOS .icns: 'icns' + total length, then per entry its type, length and PNG data."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(data)) + data for kind, data in entries.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(folder: Path) -> list[Path]:
    """Write every icon file into ``folder`` (created if missing); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, bytes] = {}
    for name, size in PNG_SIZES.items():
        written[name] = png_bytes(draw_icon(size))
    written["smmdesk.ico"] = ico_bytes([draw_icon(size) for size in ICO_SIZES])
    written["smmdesk.icns"] = icns_bytes(
        {kind: png_bytes(draw_icon(size)) for kind, size in ICNS_TYPES.items()}
    )
    paths = []
    for name, data in written.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw smmdesk's icons.")
    parser.add_argument("--out", type=Path, default=RESOURCES, help="folder to write into")
    args = parser.parse_args(argv)
    for path in write_icons(args.out):
        print(f"{path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
