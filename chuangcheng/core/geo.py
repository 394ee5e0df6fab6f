"""Geometry helpers: coordinate systems, a local metric projection, GeoJSON parsing.

Coordinates are stored as WGS84/CGCS2000 longitude/latitude (the two differ by centimetres,
far below what a phone GPS can tell). Phone map SDKs (AMap, Tencent) return GCJ-02, which
is offset by up to ~700 m, so it is converted on the way in.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

# China's bounding box, generous on every side (Hainan's islands to Heilongjiang).
CHINA_MIN_LON, CHINA_MAX_LON = 73.0, 135.5
CHINA_MIN_LAT, CHINA_MAX_LAT = 3.5, 54.0

_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def in_china(lon: float, lat: float) -> bool:
    return CHINA_MIN_LON <= lon <= CHINA_MAX_LON and CHINA_MIN_LAT <= lat <= CHINA_MAX_LAT


def looks_swapped(lon: float, lat: float) -> bool:
    """True when (lon, lat) is outside China but (lat, lon) would be inside it."""
    return not in_china(lon, lat) and in_china(lat, lon)


def _gcj_offset(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _GCJ_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_GCJ_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The published GCJ-02 forward transform (no offset outside China)."""
    if not in_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _gcj_offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Inverse of GCJ-02 by fixed-point iteration; converges to millimetres in a few steps."""
    if not in_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(30):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = g_lon - lon, g_lat - lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if abs(e_lon) < 1e-10 and abs(e_lat) < 1e-10:
            break
    return w_lon, w_lat


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Normalise an incoming point: ``crs`` is "wgs84", "cgcs2000" or "gcj02"."""
    crs = crs.lower()
    if crs in {"wgs84", "cgcs2000", "epsg:4326", "epsg:4490"}:
        return lon, lat
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    raise ValueError(f"不支持的坐标系：{crs}")


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _cell(value: float) -> float:
    """Snap a projection centre to a 0.5° cell so one transformer serves a whole county.

    Within 0.25° (~28 km) of the central meridian the transverse Mercator scale error is
    about 1e-5, i.e. a centimetre per kilometre: far below what the map can tell.
    """
    return round(value * 2) / 2


@lru_cache(maxsize=256)
def _local_transformer(lon0: float, lat0: float) -> Transformer:
    # A transverse Mercator centred on the county: metric, with scale error far below
    # a metre across a county, so planar distances in it are real metres.
    proj = f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", proj, always_xy=True)


def local_metric(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """Project a lon/lat geometry into metres around (lon0, lat0)."""
    return shapely.transform(geom, _local_transformer(_cell(lon0), _cell(lat0)).transform, interleaved=False)


def project_xy(
    lons: npt.ArrayLike, lats: npt.ArrayLike, lon0: float, lat0: float
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Vectorised projection of coordinate arrays into local metres."""
    return _local_transformer(round(lon0, 3), round(lat0, 3)).transform(lons, lats)


def line_length_m(coords: list[list[float]]) -> float:
    return sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in pairwise(coords))
