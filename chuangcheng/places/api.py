from django.http import HttpRequest
from ninja import Router, Schema

from .selectors import responsibility_at

router = Router(tags=["责任体系"])


class NamedRef(Schema):
    id: int
    name: str


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


def _ref(obj) -> dict | None:  # type: ignore[no-untyped-def]
    if obj is None:
        return None
    return {"id": obj.pk, "name": str(obj)}


@router.get("/responsibility", response=ResponsibilityOut, summary="按坐标查询责任主体")
def responsibility(request: HttpRequest, lon: float, lat: float, crs: str = "wgs84"):  # type: ignore[no-untyped-def]
    """Route a point (``crs``: wgs84, cgcs2000 or gcj02) to its segment, grid and site."""
    found = responsibility_at(lon, lat, crs=crs)
    return {
        "lon": found.lon,
        "lat": found.lat,
        "segment": _ref(found.segment),
        "segment_distance_m": found.segment_distance_m,
        "grid": _ref(found.grid),
        "site": _ref(found.site),
        "site_distance_m": found.site_distance_m,
        "units": [_ref(u) for u in found.units],
        "people": [_ref(p) for p in found.people],
    }
