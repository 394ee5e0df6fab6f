"""Writes to the responsibility map. Imports (imports.py) call these helpers too."""

from __future__ import annotations

from typing import Any

import shapely
from django.db import models, transaction

from chuangcheng.core.audit import changes, log_action, snapshot
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


# Per map object: its name in audit actions ("places.segment.change") and the fields whose change
# the log records (a geometry is recorded as changed, not copied).
AUDITED: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {
    RoadSegment: (
        "segment",
        ("code", "name", "road_name", "road_class", "from_desc", "to_desc", "unit", "chief", "section_chief", "grid"),
    ),
    Grid: ("grid", ("code", "name", "street", "community", "grid_worker")),
    Site: ("site", ("code", "name", "site_type", "address", "unit", "person")),
    Shop: (
        "shop",
        ("code", "name", "address", "operator_name", "operator_mobile", "segment", "pledge_status", "pledge_signed_on"),
    ),
}


def _save_logged(obj: Any, *, by: Any, geometry: dict | None = None) -> Any:
    """Validate and save a map object, and record who changed which responsibility fields."""
    model = type(obj)
    name, fields = AUDITED[model]
    stored = model.objects.filter(pk=obj.pk).first() if obj.pk is not None else None
    if geometry is not None:
        set_geometry(obj, geometry)
    obj.full_clean()
    obj.save()
    if stored is None:
        log_action(obj, f"places.{name}.create", by=by, data=snapshot(obj, fields))
        return obj
    diff: dict[str, Any] = changes(snapshot(stored, fields), snapshot(obj, fields))
    if geometry is not None and getattr(stored, "geometry", None) != obj.geometry:
        diff["geometry"] = "changed"
    if diff:
        log_action(obj, f"places.{name}.change", by=by, data=diff)
    return obj


@transaction.atomic
def segment_save(*, segment: RoadSegment, geometry: dict | None = None, by: Any = None) -> RoadSegment:
    return _save_logged(segment, by=by, geometry=geometry)


@transaction.atomic
def grid_save(*, grid: Grid, geometry: dict | None = None, by: Any = None) -> Grid:
    return _save_logged(grid, by=by, geometry=geometry)


@transaction.atomic
def site_save(*, site: Site, geometry: dict | None = None, by: Any = None) -> Site:
    return _save_logged(site, by=by, geometry=geometry)


@transaction.atomic
def shop_save(*, shop: Shop, pledge_items: list[PledgeItem] | None = None, by: Any = None) -> Shop:
    _save_logged(shop, by=by)
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
