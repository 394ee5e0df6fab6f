"""GeoJSON features of map objects, shared by the API and the pages' small maps.

Properties carry what a popup or tooltip shows (names, not ids of related rows) and the
detail page URL, so the browser never has to build links itself.
"""

from __future__ import annotations

from typing import Any

import shapely
import shapely.errors
import shapely.geometry
from django.urls import reverse

from .models import Grid, RoadSegment, Shop, Site


def _name(obj: object | None) -> str:
    return str(obj) if obj is not None else ""


def _feature(kind: str, pk: int, geometry: dict, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": pk, "geometry": geometry, "properties": {"kind": kind, "id": pk, **properties}}


def segment_feature(segment: RoadSegment) -> dict[str, Any]:
    return _feature(
        "segment",
        segment.pk,
        segment.geometry,
        code=segment.code,
        name=segment.name,
        road_class=segment.road_class,
        road_class_label=segment.get_road_class_display(),
        length_m=segment.length_m,
        unit=_name(segment.unit),
        chief=_name(segment.chief),
        section_chief=_name(segment.section_chief),
        url=reverse("places:segment_detail", args=[segment.pk]),
    )


def grid_feature(grid: Grid) -> dict[str, Any]:
    return _feature(
        "grid",
        grid.pk,
        grid.geometry,
        code=grid.code,
        name=grid.name,
        street=_name(grid.street),
        community=_name(grid.community),
        grid_worker=_name(grid.grid_worker),
        url=reverse("places:grid_detail", args=[grid.pk]),
    )


def site_feature(site: Site) -> dict[str, Any]:
    return _feature(
        "site",
        site.pk,
        site.geometry,
        code=site.code,
        name=site.name,
        site_type=_name(site.site_type),
        unit=_name(site.unit),
        person=_name(site.person),
        url=reverse("places:site_detail", args=[site.pk]),
    )


def shop_feature(shop: Shop) -> dict[str, Any]:
    return _feature(
        "shop",
        shop.pk,
        {"type": "Point", "coordinates": [shop.lon, shop.lat]},
        code=shop.code,
        name=shop.name,
        pledge_status=shop.pledge_status,
        pledge_status_label=shop.get_pledge_status_display(),
        url=reverse("places:shop_detail", args=[shop.pk]),
    )


def collection(features: list[dict[str, Any]], *, truncated: bool = False) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}


# ---- the road network as the maps' base layer ---------------------------------------------------------

# About a metre: enough for a base map, and it keeps the county's network small.
ROAD_SIMPLIFY_DEG = 0.00001
ROAD_DECIMALS = 5


def _rounded(geom: Any) -> dict[str, Any]:
    lines = [list(geom.coords)] if geom.geom_type == "LineString" else [list(g.coords) for g in geom.geoms]
    parts = [[[round(x, ROAD_DECIMALS), round(y, ROAD_DECIMALS)] for x, y, *_ in line] for line in lines]
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def road_network(rows: list[tuple[str, str, str, dict]]) -> dict[str, Any]:
    """The base map's roads from ``(name, road_name, road_class, geometry)`` rows: one feature per
    road name and class (touching segments joined), simplified, with only ``name`` and ``road_class``."""
    by_road: dict[tuple[str, str], list[Any]] = {}
    for name, road_name, road_class, geometry in rows:
        try:
            geom = shapely.geometry.shape(geometry)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            continue
        if geom.is_empty or geom.geom_type not in {"LineString", "MultiLineString"}:
            continue
        parts = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
        by_road.setdefault((road_name or name, road_class), []).extend(parts)
    features = []
    for (name, road_class), parts in sorted(by_road.items()):
        merged = shapely.line_merge(shapely.MultiLineString(parts)).simplify(ROAD_SIMPLIFY_DEG)
        if merged.is_empty:
            continue
        features.append(
            {"type": "Feature", "geometry": _rounded(merged), "properties": {"name": name, "road_class": road_class}}
        )
    return {"type": "FeatureCollection", "features": features}
