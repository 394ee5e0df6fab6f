"""Small known map objects near (114.30, 34.80) for the page and API tests, saved through services."""

from __future__ import annotations

from datetime import date

from chuangcheng.org.models import Person, Unit
from chuangcheng.places.choices import PledgeStatus, RoadClass
from chuangcheng.places.models import Grid, PledgeItem, RoadSegment, Shop, Site, SiteType
from chuangcheng.places.services import grid_save, segment_save, shop_save, site_save

LON, LAT = 114.30, 34.80


def make_segment(
    code: str,
    unit: Unit,
    *,
    chief: Person | None = None,
    section_chief: Person | None = None,
    dlon: float = 0.0,
    dlat: float = 0.0,
    road_class: str = RoadClass.MAIN,
    grid: Grid | None = None,
) -> RoadSegment:
    """A ~180 m east-west line starting at (LON + dlon, LAT + dlat)."""
    lon, lat = LON + dlon, LAT + dlat
    segment = RoadSegment(
        code=code,
        name=f"路段{code}",
        unit=unit,
        chief=chief,
        section_chief=section_chief,
        road_class=road_class,
        grid=grid,
    )
    return segment_save(
        segment=segment, geometry={"type": "LineString", "coordinates": [[lon, lat], [lon + 0.002, lat]]}
    )


def make_grid(serial: str, street: Unit, *, dlon: float = 0.0, worker: Person | None = None) -> Grid:
    lon = LON + dlon
    ring = [[lon, LAT], [lon + 0.01, LAT], [lon + 0.01, LAT + 0.01], [lon, LAT + 0.01], [lon, LAT]]
    grid = Grid(code=f"410221001001{serial}", name=f"网格{serial}", street=street, grid_worker=worker)
    return grid_save(grid=grid, geometry={"type": "Polygon", "coordinates": [ring]})


def make_site(code: str, unit: Unit, *, dlon: float = 0.0, person: Person | None = None) -> Site:
    site = Site(code=code, name=f"点位{code}", site_type=SiteType.objects.get(code="market"), unit=unit, person=person)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [LON + dlon + 0.001, LAT + 0.0005]})


def make_shop(code: str, segment: RoadSegment, *, signed: bool = True) -> Shop:
    lon, lat = segment.geometry["coordinates"][0]
    shop = Shop(
        code=code,
        name=f"门店{code}",
        lon=lon + 0.0005,
        lat=lat + 0.0001,
        segment=segment,
        operator_name="张老板",
        pledge_status=PledgeStatus.SIGNED if signed else PledgeStatus.UNSIGNED,
        pledge_signed_on=date(2026, 3, 1) if signed else None,
    )
    return shop_save(shop=shop, pledge_items=list(PledgeItem.objects.all()[:2]))
