"""Draw the Risala app icon and write it in every format the platforms want.

The mark is a white speech bubble with three dots on a blue rounded square. The geometry is
defined once (on a 1024-unit canvas) and rendered two ways: as SVG text for scalable use,
and with QPainter into PNGs of each size, which are then packed into .ico (Windows) and
.icns (macOS) containers. Both containers are written by hand: they are a short header plus
embedded PNGs, so no image-format plugin is needed.

    python packaging/make_icon.py            # writes resources/icons/
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "icons"

CANVAS = 1024
TOP_COLOUR = "#33B1F5"
BOTTOM_COLOUR = "#1A5FC8"
BACKGROUND_RADIUS = 228
BUBBLE = (200, 232, 624, 456, 170)  # x, y, width, height, corner radius
TAIL = ((300, 640), (236, 826), (470, 680))  # the bubble's tail, pointing down-left
DOTS = ((360, 460), (512, 460), (664, 460))
DOT_RADIUS = 54

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def svg_text() -> str:
    """The icon as a standalone SVG document."""
    x, y, w, h, r = BUBBLE
    tail = " ".join(f"{px},{py}" for px, py in TAIL)
    dots = "\n".join(
        f'  <circle cx="{cx}" cy="{cy}" r="{DOT_RADIUS}" fill="url(#bg)"/>' for cx, cy in DOTS
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{CANVAS}" height="{CANVAS}" \
viewBox="0 0 {CANVAS} {CANVAS}">
  <title>Risala</title>
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="{TOP_COLOUR}"/>
      <stop offset="1" stop-color="{BOTTOM_COLOUR}"/>
    </linearGradient>
  </defs>
  <rect width="{CANVAS}" height="{CANVAS}" rx="{BACKGROUND_RADIUS}" fill="url(#bg)"/>
  <rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="#FFFFFF"/>
  <polygon points="{tail}" fill="#FFFFFF"/>
{dots}
</svg>
"""


def render_png(size: int) -> bytes:
    """The icon painted with QPainter at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import (
        QBrush,
        QColor,
        QImage,
        QLinearGradient,
        QPainter,
        QPainterPath,
        QPolygonF,
    )

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / CANVAS, size / CANVAS)
    gradient = QLinearGradient(0, 0, CANVAS, CANVAS)
    gradient.setColorAt(0, QColor(TOP_COLOUR))
    gradient.setColorAt(1, QColor(BOTTOM_COLOUR))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(0, 0, CANVAS, CANVAS), BACKGROUND_RADIUS, BACKGROUND_RADIUS)
    x, y, w, h, r = BUBBLE
    bubble = QPainterPath()
    bubble.addRoundedRect(QRectF(x, y, w, h), r, r)
    tail = QPainterPath()
    tail.addPolygon(QPolygonF([QPointF(px, py) for px, py in TAIL]))
    tail.closeSubpath()
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawPath(bubble.united(tail))
    painter.setBrush(QBrush(gradient))
    for cx, cy in DOTS:
        painter.drawEllipse(QPointF(cx, cy), DOT_RADIUS, DOT_RADIUS)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size}px icon")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG-compressed images (supported since Windows Vista)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        data = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns: the 'icns' header, then (type, length, PNG) elements."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    OUT.mkdir(parents=True, exist_ok=True)
    pngs = {s: render_png(s) for s in sorted({*PNG_SIZES, 1024})}
    (OUT / "risala.svg").write_text(svg_text(), encoding="utf-8")
    for s in PNG_SIZES:
        (OUT / f"risala-{s}.png").write_bytes(pngs[s])
    (OUT / "risala.ico").write_bytes(ico_bytes(pngs))
    (OUT / "risala.icns").write_bytes(icns_bytes(pngs))
    print(f"icons written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
