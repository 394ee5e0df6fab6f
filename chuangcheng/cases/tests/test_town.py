"""The 乡镇/街道 a case belongs to, used by the list filter and the town rankings."""

from chuangcheng.cases import services
from chuangcheng.cases.choices import Source
from chuangcheng.places.models import RoadSegment
from chuangcheng.places.services import segment_save


def _report(world, category, lon, lat):
    case, _ = services.case_report(
        by=world.inspector, source=Source.PATROL, category=category, description="垃圾", lon=lon, lat=lat
    )
    return case


def test_a_case_in_a_grid_belongs_to_the_grids_street(world, garbage, grid):
    assert _report(world, garbage, 114.305, 34.80005).town == world.town_a


def test_a_case_on_a_road_outside_any_grid_belongs_to_the_town_of_the_roads_unit(world, garbage, road):
    assert _report(world, garbage, 114.301, 34.80005).town == world.town_a


def test_a_road_kept_by_a_community_gives_the_town_above_it(world, garbage):
    segment = RoadSegment(code="C-01", name="东关巷", unit=world.community_a1)
    segment_save(segment=segment, geometry={"type": "LineString", "coordinates": [[114.40, 34.9], [114.41, 34.9]]})

    assert _report(world, garbage, 114.405, 34.90002).town == world.town_a


def test_a_road_kept_by_a_department_gives_no_town(world, garbage):
    segment = RoadSegment(code="D-01", name="环城路", unit=world.housing)
    segment_save(segment=segment, geometry={"type": "LineString", "coordinates": [[114.50, 34.9], [114.51, 34.9]]})

    assert _report(world, garbage, 114.505, 34.90002).town is None
