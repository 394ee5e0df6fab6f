"""In-memory spatial index of the responsibility map.

Every case report asks "who answers for this point?", so the lookup must not scan tables.
The index (shapely STRtrees over geometries projected to local metres) lives in process
memory and is rebuilt only when ``MapRevision`` moves: a write in this process marks it
stale at once; other processes notice within ``ROUTING_INDEX_CHECK_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from shapely import STRtree
from shapely.geometry import Point

from chuangcheng.core.geo import project_xy
from chuangcheng.org.selectors import town_ids_by_unit

from .models import Grid, MapRevision, RoadSegment, Site


def _origin() -> tuple[float, float]:
    return settings.MAP_CENTER_LON, settings.MAP_CENTER_LAT


def _project_geoms(geoms: list) -> np.ndarray:
    lon0, lat0 = _origin()

    def to_metres(coords: np.ndarray) -> np.ndarray:
        x, y = project_xy(coords[:, 0], coords[:, 1], lon0, lat0)
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), to_metres)


def project_point(lon: float, lat: float) -> Point:
    x, y = project_xy(lon, lat, *_origin())
    return Point(x, y)


@dataclass
class MapIndex:
    """STRtrees over projected geometries, with parallel arrays of primary keys."""

    revision: int
    segment_tree: STRtree
    segment_ids: np.ndarray
    grid_tree: STRtree
    grid_ids: np.ndarray
    area_site_tree: STRtree
    area_site_ids: np.ndarray
    point_site_tree: STRtree
    point_site_ids: np.ndarray
    # The 乡镇/街道 each object lies in (a grid's street; the town above a segment's or site's
    # unit), so intake can file a case under its town without fetching anything.
    segment_towns: dict[int, int]
    grid_towns: dict[int, int]
    site_towns: dict[int, int]

    def nearest_segment(self, point: Point, radius: float) -> tuple[int, float] | None:
        if not len(self.segment_ids):
            return None
        idx, dist = self.segment_tree.query_nearest(point, max_distance=radius, return_distance=True)
        if not len(idx):
            return None
        # Ties (a point on a crossing) go to the lowest id so the answer is stable.
        best = min(range(len(idx)), key=lambda i: (dist[i], self.segment_ids[idx[i]]))
        return int(self.segment_ids[idx[best]]), float(dist[best])

    def containing_grid(self, point: Point) -> int | None:
        hits = self.grid_tree.query(point, predicate="intersects")
        return int(min(self.grid_ids[hits])) if len(hits) else None

    def site_at(self, point: Point, radius: float) -> tuple[int, float] | None:
        """A polygon site containing the point wins; otherwise the nearest point site in radius."""
        hits = self.area_site_tree.query(point, predicate="intersects")
        if len(hits):
            return int(min(self.area_site_ids[hits])), 0.0
        if not len(self.point_site_ids):
            return None
        idx, dist = self.point_site_tree.query_nearest(point, max_distance=radius, return_distance=True)
        if not len(idx):
            return None
        return int(self.point_site_ids[idx[0]]), float(dist[0])


def _tree(rows: list[tuple[int, dict]]) -> tuple[STRtree, np.ndarray]:
    ids = np.array([pk for pk, _ in rows], dtype=np.int64)
    geoms = [shapely.geometry.shape(g) for _, g in rows]
    projected = _project_geoms(geoms) if geoms else np.array([], dtype=object)
    return STRtree(projected), ids


def _towns(rows: Sequence[tuple[int, Any, int | None]], town_of_unit: dict[int, int]) -> dict[int, int]:
    return {pk: town_of_unit[unit_id] for pk, _g, unit_id in rows if unit_id in town_of_unit}


def build_index(revision: int) -> MapIndex:
    segments = list(RoadSegment.objects.values_list("pk", "geometry", "unit_id"))
    grids = list(Grid.objects.values_list("pk", "geometry", "street_id"))
    sites = list(Site.objects.values_list("pk", "geometry", "unit_id"))
    area_sites = [(pk, g) for pk, g, _u in sites if g.get("type") in {"Polygon", "MultiPolygon"}]
    point_sites = [(pk, g) for pk, g, _u in sites if g.get("type") == "Point"]
    town_of_unit = town_ids_by_unit()
    seg_tree, seg_ids = _tree([(pk, g) for pk, g, _u in segments])
    grid_tree, grid_ids = _tree([(pk, g) for pk, g, _s in grids])
    area_tree, area_ids = _tree(area_sites)
    point_tree, point_ids = _tree(point_sites)
    return MapIndex(
        revision,
        seg_tree,
        seg_ids,
        grid_tree,
        grid_ids,
        area_tree,
        area_ids,
        point_tree,
        point_ids,
        segment_towns=_towns(segments, town_of_unit),
        grid_towns={pk: street for pk, _g, street in grids if street is not None},
        site_towns=_towns(sites, town_of_unit),
    )


class _IndexHolder:
    """Process-wide holder; a lock keeps two threads from building at once."""

    def __init__(self) -> None:
        self._index: MapIndex | None = None
        self._checked_at = 0.0
        self._stale = True
        self._lock = threading.Lock()

    def mark_stale(self) -> None:
        self._stale = True

    def get(self) -> MapIndex:
        now = time.monotonic()
        if (
            self._index is not None
            and not self._stale
            and now - self._checked_at < settings.ROUTING_INDEX_CHECK_SECONDS
        ):
            return self._index
        with self._lock:
            revision = current_revision()
            if self._index is None or self._stale or self._index.revision != revision:
                self._index = build_index(revision)
                self._stale = False
            self._checked_at = time.monotonic()
            return self._index


def current_revision() -> int:
    row = MapRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return int(row or 0)


def bump_revision() -> None:
    """Record that the map changed: other processes rebuild on their next check."""
    from django.db.models import F

    updated = MapRevision.objects.filter(pk=1).update(revision=F("revision") + 1)
    if not updated:
        MapRevision.objects.get_or_create(pk=1, defaults={"revision": 1})
    holder.mark_stale()


holder = _IndexHolder()
