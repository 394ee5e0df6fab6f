"""A tiny MBTiles file for tests: tiles given in XYZ, stored in TMS rows as the format wants."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from PIL import Image


def png(colour: tuple[int, int, int], size: int = 256) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def write_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], **metadata: str) -> Path:
    """``tiles`` keyed by XYZ ``(z, x, y)``; ``metadata`` defaults to a PNG file with an attribution."""
    meta = {"name": "测试底图", "format": "png", "minzoom": "0", "maxzoom": "2", "attribution": "© 测试"} | metadata
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()],
        )
    db.close()
    return path
