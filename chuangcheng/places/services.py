"""Writes to the responsibility map. Imports (imports.py) call these helpers too."""

from __future__ import annotations

import shapely
from django.db import transaction

from chuangcheng.core.errors import DomainError
from chuangcheng.core.geo import line_length_m, local_metric

from .choices import DEFAULT_PLEDGE_ITEMS, DEFAULT_SITE_TYPES
from .models import BBoxModel, Grid, PledgeItem, RoadSegment, Shop, Site, SiteType
from .routing import bump_revision

# Geometry types each model accepts: routing indexes only these, anything else would be
# saved but never found.
ALLOWED_TYPES: dict[type, tuple[set[str], str]] = {
    RoadSegment: ({"LineString", "MultiLineString"}, "路段几何应为线（LineString）"),
    Grid: ({"Polygon", "MultiPolygon"}, "网格几何应为面（Polygon）"),
    Site: ({"Point", "Polygon", "MultiPolygon"}, "点位几何应为点（Point）或面（Polygon）"),
}


def set_geometry(obj: BBoxModel, geometry: dict) -> None:
    """Store a GeoJSON geometry with its bounding box (and length/area where it applies)."""
    geom = shapely.geometry.shape(geometry)
    if geom.is_empty:
        raise DomainError("几何图形为空")
    allowed, message = ALLOWED_TYPES.get(type(obj), (set(), ""))
    if allowed and geom.geom_type not in allowed:
        raise DomainError(f"{message}，实际为 {geom.geom_type}")
    if not geom.is_valid:
        raise DomainError(f"几何图形无效（如多边形自相交）：{shapely.is_valid_reason(geom)}")
    obj.geometry = geometry
    obj.min_lon, obj.min_lat, obj.max_lon, obj.max_lat = geom.bounds
    if isinstance(obj, RoadSegment):
        parts = geom.geoms if geom.geom_type == "MultiLineString" else [geom]
        obj.length_m = round(sum(line_length_m([list(c) for c in part.coords]) for part in parts), 1)
    if isinstance(obj, Grid):
        centre = geom.centroid
        obj.area_m2 = round(local_metric(geom, centre.x, centre.y).area, 1)
    if isinstance(obj, Site):
        rep = geom if geom.geom_type == "Point" else geom.representative_point()
        obj.lon, obj.lat = rep.x, rep.y


@transaction.atomic
def segment_save(*, segment: RoadSegment, geometry: dict | None = None) -> RoadSegment:
    if geometry is not None:
        set_geometry(segment, geometry)
    segment.full_clean()
    segment.save()
    return segment


@transaction.atomic
def grid_save(*, grid: Grid, geometry: dict | None = None) -> Grid:
    if geometry is not None:
        set_geometry(grid, geometry)
    grid.full_clean()
    grid.save()
    return grid


@transaction.atomic
def site_save(*, site: Site, geometry: dict | None = None) -> Site:
    if geometry is not None:
        set_geometry(site, geometry)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def shop_save(*, shop: Shop, pledge_items: list[PledgeItem] | None = None) -> Shop:
    shop.full_clean()
    shop.save()
    if pledge_items is not None:
        shop.pledge_items.set(pledge_items)
    return shop


def seed_reference_lists() -> None:
    """Make sure the editable site-type and pledge-item lists have their defaults."""
    for order, (code, name) in enumerate(DEFAULT_SITE_TYPES):
        SiteType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name, description) in enumerate(DEFAULT_PLEDGE_ITEMS):
        PledgeItem.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


def map_changed() -> None:
    """Call after bulk writes that bypass model signals."""
    transaction.on_commit(bump_revision)
