"""The county's own offline base map: raster tiles from a local MBTiles file (``MAP_TILES_FILE``).

An MBTiles file is an SQLite database with a ``tiles`` table (zoom_level, tile_column, tile_row,
tile_data) whose rows are numbered from the south (TMS): the web's XYZ ``y`` is flipped to
``2**z - 1 - y``. Its ``metadata`` table gives the format (png, jpg, webp; ``pbf`` is vector
tiles, which the maps cannot draw: such a file is ignored and the maps fall back), the zoom
range and the attribution, which the map shows as text.

The file is opened read-only, once per request; the metadata is kept per file and mtime.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import strip_tags
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

RASTER_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
MAX_ZOOM = 24
# Tiles of a file change only when the deployment replaces the file; the ETag tells the browser.
TILE_MAX_AGE = 7 * 24 * 3600


@dataclass(frozen=True)
class TilesInfo:
    """What the maps need to know about a usable (raster) MBTiles file."""

    ext: str
    attribution: str
    min_zoom: int
    max_zoom: int
    version: str  # changes when the file is replaced: part of the tile URL's cache key


_lock = threading.Lock()
_cache: dict[tuple[str, int, int], TilesInfo | None] = {}


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def _read_metadata(path: Path) -> dict[str, str]:
    with _connect(path) as db:
        return {str(k): str(v) for k, v in db.execute("SELECT name, value FROM metadata")}


def _int(raw: str | None, default: int) -> int:
    try:
        return max(0, min(MAX_ZOOM, int(raw or "")))
    except ValueError:
        return default


def _info_of(path: Path, stat: os.stat_result) -> TilesInfo | None:
    try:
        meta = _read_metadata(path)
    except sqlite3.Error:
        logger.warning("MAP_TILES_FILE %s is not a readable MBTiles file: maps fall back", path)
        return None
    fmt = meta.get("format", "png").strip().lower()
    if fmt not in RASTER_TYPES:
        logger.warning("MAP_TILES_FILE %s holds %r tiles: only raster (png, jpg, webp) is supported", path, fmt)
        return None
    # The attribution is often HTML ("&copy; <a href=…>"): the map shows it as plain text.
    attribution = html.unescape(strip_tags(meta.get("attribution", ""))).strip()
    return TilesInfo(
        ext="jpg" if fmt == "jpeg" else fmt,
        attribution=attribution,
        min_zoom=_int(meta.get("minzoom"), 0),
        max_zoom=_int(meta.get("maxzoom"), 18),
        version=hashlib.blake2b(f"{stat.st_mtime_ns}-{stat.st_size}".encode(), digest_size=6).hexdigest(),
    )


def tiles_info() -> TilesInfo | None:
    """The configured raster MBTiles file, or None (none configured, missing, unreadable or vector tiles)."""
    raw = settings.MAP_TILES_FILE
    if not raw:
        return None
    path = Path(raw)
    try:
        stat = path.stat()
    except OSError:
        logger.warning("MAP_TILES_FILE %s does not exist: maps fall back", path)
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = _info_of(path, stat)
        return _cache[key]


def read_tile(z: int, x: int, y: int) -> bytes | None:
    """The tile at XYZ ``z/x/y`` (the file stores TMS rows: ``y`` is flipped), or None."""
    if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        return None
    with _connect(Path(settings.MAP_TILES_FILE)) as db:
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
    return bytes(row[0]) if row else None


@require_GET
@login_required
def tile(request: HttpRequest, z: int, x: int, y: int, ext: str) -> HttpResponse:
    """/tiles/z/x/y.ext: one tile of the configured MBTiles file; 404 when none is configured or missing."""
    info = tiles_info()
    if info is None or ext.lower() not in {info.ext, "jpeg" if info.ext == "jpg" else info.ext}:
        raise Http404("no such tile")
    data = read_tile(z, x, y)
    if data is None:
        raise Http404("no such tile")
    etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type=RASTER_TYPES[info.ext])
    response["ETag"] = etag
    # Behind the login (the county's own map): kept by the browser, never by a shared cache.
    response["Cache-Control"] = f"private, max-age={TILE_MAX_AGE}"
    return response
