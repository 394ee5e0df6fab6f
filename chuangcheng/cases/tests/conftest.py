"""Fixtures of the case-loop service tests: seeded categories, a mapped street, photos, a case per state.

The map: 人民路 runs east–west along latitude 34.8 in 城关街道 (town_a, road chief chief_a),
and a grid of 城关街道 covers the street's eastern half. A point on the road near its east
end is unambiguously town_a's; ``case_at`` reports one there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chuangcheng.cases import services
from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case, CaseEvent, Category
from chuangcheng.conftest import World, photo
from chuangcheng.places.models import Grid, RoadSegment
from chuangcheng.places.services import grid_save, segment_save

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROAD_LAT = 34.8
SPOT = (114.305, 34.80005)  # on 人民路, inside the grid: routed to 城关街道 only


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def snapshot(case: Case) -> tuple[str, int, int]:
    """What a refused transition must leave untouched: status, version and the event count."""
    fresh = Case.objects.get(pk=case.pk)
    return fresh.status, fresh.version, CaseEvent.objects.filter(case=case).count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def categories(world) -> dict[str, Category]:
    """The default trees, by 小类 name (after the world, so the line departments that exist are linked)."""
    services.seed_categories()
    return {c.name: c for c in Category.objects.filter(parent__isnull=False)}


@pytest.fixture
def garbage(categories) -> Category:
    """暴露垃圾: an 事件 with 2 working hours, auto-dispatch off here so tests drive every step."""
    category = categories["暴露垃圾"]
    category.auto_dispatch = False
    category.save(update_fields=["auto_dispatch"])
    return category


@pytest.fixture
def road(world) -> RoadSegment:
    segment = RoadSegment(code="RMS-01", name="人民路", unit=world.town_a, chief=world.chief_a)
    return segment_save(
        segment=segment,
        geometry={"type": "LineString", "coordinates": [[114.300, ROAD_LAT], [114.310, ROAD_LAT]]},
    )


def square(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def grid(world, road) -> Grid:
    return grid_save(
        grid=Grid(code="410221001001001", name="人民路东网格", street=world.town_a),
        geometry=square(114.303, 34.797, 114.312, 34.803),
    )


@dataclass
class Maker:
    """Builds a case and walks it to a state through the real services."""

    world: World
    category: Category

    def reported(self, *, category: Category | None = None, lon: float = SPOT[0], lat: float = SPOT[1]) -> Case:
        case, _ = services.case_report(
            by=self.world.inspector,
            source=Source.PATROL,
            category=category or self.category,
            description="路边有一堆暴露垃圾",
            lon=lon,
            lat=lat,
            photos=[photo("gray")],
        )
        return case

    def accepted(self, **kwargs: object) -> Case:
        case = self.reported(**kwargs)
        return services.case_accept(case=case, by=self.world.office)

    def dispatched(self, **kwargs: object) -> Case:
        w = self.world
        case = self.accepted(**kwargs)
        # Dispatched to the street, with its community handler named for the work on the ground.
        return services.case_dispatch(case=case, by=w.office, unit=w.town_a, handler=w.handler_a)

    def handled(self, **kwargs: object) -> Case:
        case = self.dispatched(**kwargs)
        services.case_handle(case=case, by=self.world.admin_a, note="已清运", photos=[photo("green")])
        return case

    def closed(self, **kwargs: object) -> Case:
        case = self.handled(**kwargs)
        return services.case_verify(case=case, by=self.world.supervisor, passed=True)

    def rework(self, **kwargs: object) -> Case:
        case = self.handled(**kwargs)
        return services.case_verify(case=case, by=self.world.supervisor, passed=False, note="仍有残留")

    def suspended(self, **kwargs: object) -> Case:
        case = self.dispatched(**kwargs)
        return services.case_suspend(case=case, by=self.world.office, project="人民路改造工程", reason="需立项改造")

    def rejected(self, **kwargs: object) -> Case:
        case = self.reported(**kwargs)
        return services.case_reject(case=case, by=self.world.office, reason="不属于城市管理范围")

    def returned(self, **kwargs: object) -> Case:
        case = self.dispatched(**kwargs)
        return services.case_return(case=case, by=self.world.admin_a, reason="不属于本街道")

    def merged(self, **kwargs: object) -> Case:
        target = self.reported(**kwargs)
        case = self.reported(**kwargs)
        return services.case_merge(case=case, by=self.world.office, into=target)

    def in_state(self, status: str, **kwargs: object) -> Case:
        return getattr(self, str(status))(**kwargs)


@pytest.fixture
def make(world, garbage, grid, frozen) -> Maker:
    """Cases are made at the frozen moment: Tuesday 24 November 2026 09:00 unless the test moves it."""
    return Maker(world=world, category=garbage)


@pytest.fixture
def frozen(time_machine) -> Callable[[datetime], None]:
    """Freeze `now` at a moment; call again to move it (never sleep)."""

    def move(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    # A working Tuesday morning, so the default cases start their clocks at once.
    move(at(2026, 11, 24, 9, 0))
    return move
