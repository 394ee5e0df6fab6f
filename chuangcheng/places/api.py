"""JSON API of the responsibility map: routing by coordinate and GeoJSON layers for the map.

Lists, details and 我的责任区 are in ``api_lists.py``, import and export in ``api_io.py``;
their routers hang under this one. The GeoJSON endpoints return only what the user may see
(the same selectors as the pages), optionally cut to a bounding box, and never more than a
capped number of features: a truncated answer says so, and the map asks the user to zoom in.
"""

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from chuangcheng.core.schemas import Count, NamedRef
from chuangcheng.org.types import AuthedRequest

from . import selectors
from .api_io import router as io_router
from .api_lists import router as lists_router
from .geojson import collection, grid_feature, segment_feature, site_feature
from .selectors import responsibility_at

router = Router(tags=["责任体系：地图"])
router.add_router("", lists_router)
router.add_router("", io_router)

MAX_FEATURES = 2000
BBox = tuple[float, float, float, float]


class ResponsibilityOut(Schema):
    lon: float
    lat: float
    segment: NamedRef | None
    segment_distance_m: float | None
    grid: NamedRef | None
    site: NamedRef | None
    site_distance_m: float | None
    units: list[NamedRef]
    people: list[NamedRef]


class FeatureOut(Schema):
    type: str = "Feature"
    id: int
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollectionOut(Schema):
    type: str = "FeatureCollection"
    features: list[FeatureOut]
    truncated: bool = Field(description="true when more features matched than were returned; zoom in")


class ExtentOut(Schema):
    bbox: list[float] | None = Field(description="[minlon, minlat, maxlon, maxlat] of everything visible")


def parse_bbox(raw: str) -> BBox | None:
    """``minlon,minlat,maxlon,maxlat`` → a tuple; empty → None; anything else is a 400."""
    if not raw:
        return None
    try:
        parts = tuple(float(p) for p in raw.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise HttpError(400, "bbox 格式应为 minlon,minlat,maxlon,maxlat（最小值在前）")
    return parts


def _capped(qs: QuerySet, bbox: str, limit: int) -> tuple[list, bool]:
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(selectors.bbox_q(box))
    limit = max(1, min(limit, MAX_FEATURES))
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


@router.get(
    "/responsibility", response=ResponsibilityOut, summary="按坐标查询责任主体", url_name="places_responsibility"
)
def responsibility(request: AuthedRequest, lon: float, lat: float, crs: str = "wgs84") -> dict[str, Any]:
    """Route a point (``crs``: wgs84, cgcs2000 or gcj02) to the segment, grid and site the user may see."""
    found = responsibility_at(lon, lat, user=request.user, crs=crs)
    return {
        "lon": found.lon,
        "lat": found.lat,
        "segment": found.segment,
        "segment_distance_m": found.segment_distance_m,
        "grid": found.grid,
        "site": found.site,
        "site_distance_m": found.site_distance_m,
        "units": found.units,
        "people": found.people,
    }


@router.get(
    "/segments.geojson",
    response=FeatureCollectionOut,
    summary="路段图层（GeoJSON）",
    url_name="places_segments_geojson",
)
def segments_geojson(request: AuthedRequest, bbox: str = "", limit: Count = MAX_FEATURES) -> dict[str, Any]:
    """Visible road segments overlapping ``bbox``; longest first when capped."""
    qs = selectors.segment_list_for_user(user=request.user).order_by("-length_m", "pk")
    rows, truncated = _capped(qs, bbox, limit)
    return collection([segment_feature(s) for s in rows], truncated=truncated)


@router.get(
    "/grids.geojson", response=FeatureCollectionOut, summary="网格图层（GeoJSON）", url_name="places_grids_geojson"
)
def grids_geojson(request: AuthedRequest, bbox: str = "", limit: Count = MAX_FEATURES) -> dict[str, Any]:
    """Visible grids overlapping ``bbox``; largest first when capped."""
    qs = selectors.grid_list_for_user(user=request.user).order_by("-area_m2", "pk")
    rows, truncated = _capped(qs, bbox, limit)
    return collection([grid_feature(g) for g in rows], truncated=truncated)


@router.get(
    "/sites.geojson", response=FeatureCollectionOut, summary="点位图层（GeoJSON）", url_name="places_sites_geojson"
)
def sites_geojson(request: AuthedRequest, bbox: str = "", limit: Count = MAX_FEATURES) -> dict[str, Any]:
    """Visible sites (points and polygons) overlapping ``bbox``."""
    qs = selectors.site_list_for_user(user=request.user)
    rows, truncated = _capped(qs, bbox, limit)
    return collection([site_feature(s) for s in rows], truncated=truncated)


@router.get("/extent", response=ExtentOut, summary="可见要素的范围", url_name="places_extent")
def extent(request: AuthedRequest) -> dict[str, Any]:
    """The bounding box the map fits to on opening (null when the user sees nothing)."""
    box = selectors.map_extent_for_user(user=request.user)
    return {"bbox": list(box) if box else None}
