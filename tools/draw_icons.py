"""Draw the app's PNG icons (192 and 512 px) from the shapes of web/static/icon.svg.

Pure Python (zlib and struct): a blue disc with a white crescent moon, 4x4
supersampled so that the edges are smooth. Run after changing the icon:

    python3 tools/draw_icons.py
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "src" / "kratom_journal" / "web" / "static"
SIZES = (192, 512)
BLUE = (0x2B, 0x4C, 0x9B)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4
# In the SVG's 32-unit box: the disc, and the crescent as the part of one circle that
# lies outside another (the two arcs of its path).
DISC = (16.0, 16.0, 15.0)
MOON = (19.37, 15.98, 9.0)
BITE = (27.71, 13.37, 10.0)


def _inside(x: float, y: float, circle: tuple[float, float, float]) -> bool:
    cx, cy, r = circle
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _pixel(px: int, py: int, scale: float) -> bytes:
    """RGBA of one pixel: the share of its samples on the disc and on the moon."""
    disc = moon = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) * scale
            y = (py + (sy + 0.5) / SAMPLES) * scale
            if _inside(x, y, DISC):
                disc += 1
                if _inside(x, y, MOON) and not _inside(x, y, BITE):
                    moon += 1
    if disc == 0:
        return b"\0\0\0\0"
    share = moon / disc
    rgb = bytes(round(b + (w - b) * share) for b, w in zip(BLUE, WHITE, strict=True))
    return rgb + bytes([round(255 * disc / SAMPLES**2)])


def png(size: int) -> bytes:
    """The icon as a PNG file of ``size`` x ``size`` pixels."""
    scale = 32.0 / size
    rows = b"".join(
        b"\0" + b"".join(_pixel(px, py, scale) for px in range(size)) for py in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    for size in SIZES:
        target = STATIC / f"icon-{size}.png"
        target.write_bytes(png(size))
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
