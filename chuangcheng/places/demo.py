"""Builds the demo county: units, people, and the responsibility map, all from one seed.

The layout (``demo_layout``) is drawn once in local metres; each "tile" writes a copy of it
shifted further out, so ``scale`` multiplies segments, grids, sites and shops while every
write stays a bulk insert. Units and people are created once, by org's own demo builder
(``org.demo.DemoOrgBuilder``, through ``org.services``), from the layout's communities.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from shapely.geometry import Polygon

from chuangcheng.core.errors import DomainError
from chuangcheng.org import demo_names as org_names
from chuangcheng.org.demo import DemoOrg, DemoOrgBuilder, wipe_org
from chuangcheng.org.models import Person, Unit

from . import demo_names as names
from .choices import PledgeStatus
from .demo_layout import XY, Layout, LayoutBuilder, SitePlan
from .models import Grid, PledgeItem, RoadSegment, Shop, Site, SiteType
from .services import map_changed, seed_reference_lists, set_geometry

TILE_SPACING_M = 32_000.0  # one copy of the county (seat + 乡镇 up to ~15 km out) per tile
M_PER_DEG_LAT = 110_574.0
BATCH = 2000


@dataclass
class Owner:
    unit: Unit
    chief: Person | None
    section: Person | None


@dataclass
class DemoSummary:
    units: int = 0
    people: int = 0
    segments: int = 0
    grids: int = 0
    sites: int = 0
    shops: int = 0
    tiles: int = 0


def layout_for(seed: int) -> Layout:
    # A separate stream for geometry, so changing the people never moves a road.
    return LayoutBuilder(random.Random(f"layout-{seed}")).build()


def segments_per_tile(seed: int) -> int:
    """How many segments one ``--scale`` step adds (for benchmarks that want N segments)."""
    return len(layout_for(seed).segments)


def tile_offsets(count: int) -> list[tuple[int, int]]:
    """Tile positions spiralling out from the county seat: (0, 0) first, then ring by ring."""
    radius = math.ceil((math.isqrt(max(count - 1, 0)) + 1) / 2)
    cells = [(a, b) for a in range(-radius, radius + 1) for b in range(-radius, radius + 1)]
    cells.sort(key=lambda c: (max(abs(c[0]), abs(c[1])), math.atan2(c[1], c[0])))
    return cells[:count]


class Projector:
    """Local metres of one tile → WGS84 lon/lat (equirectangular; exact enough over 40 km)."""

    def __init__(self, lon0: float, lat0: float, offset: tuple[int, int]) -> None:
        self.dx, self.dy = offset[0] * TILE_SPACING_M, offset[1] * TILE_SPACING_M
        self.lon0, self.lat0 = lon0, lat0
        tile_lat = lat0 + self.dy / M_PER_DEG_LAT
        self.m_per_deg_lon = 111_320.0 * math.cos(math.radians(tile_lat))

    def __call__(self, xy: XY) -> list[float]:
        lon = self.lon0 + (xy[0] + self.dx) / self.m_per_deg_lon
        lat = self.lat0 + (xy[1] + self.dy) / M_PER_DEG_LAT
        return [round(lon, 7), round(lat, 7)]


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, let one big transaction keep its dirty pages in memory.

    With the default 2 MB cache SQLite spills to the WAL mid-transaction and the build
    spends most of its time waiting on the disk (12 s → 5 s at --scale 10).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # KiB, i.e. up to 256 MB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class DemoCountyBuilder:
    """One method per layer: the organisation (org's builder), owners, then per tile grids, segments, sites, shops."""

    def __init__(self, *, seed: int, scale: int = 1, log: Callable[[str], None] | None = None) -> None:
        if scale < 1:
            raise DomainError("--scale 至少为 1")
        self.seed, self.scale = seed, scale
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.county_code: str = settings.COUNTY_CODE
        self.summary = DemoSummary(tiles=scale)
        self.layout: Layout = Layout()
        self.owners: list[Owner] = []

    def build(self) -> DemoSummary:
        with transaction.atomic(), _large_page_cache():
            seed_reference_lists()
            self.layout = layout_for(self.seed)
            self._check_code_room()
            self.create_org()
            self.resolve_owners()
            self.site_types = {t.code: t for t in SiteType.objects.all()}
            self.pledge_items = list(PledgeItem.objects.filter(is_active=True))
            for number, offset in enumerate(tile_offsets(self.scale)):
                self.create_tile(number, offset)
                if number % 10 == 9:
                    self.log(f"  已生成 {number + 1}/{self.scale} 片区，路段 {self.summary.segments} 条")
            map_changed()
        return self.summary

    def _check_code_room(self) -> None:
        # Grid serials are 3 digits: copies take consecutive blocks of serials per community.
        per_tile = max(g.serial for g in self.layout.grids)
        if per_tile * self.scale > 999:
            raise DomainError(f"--scale 过大：网格序号超过 3 位（最大 {999 // per_tile}）")

    def create_org(self) -> None:
        """The units and people, by org's builder; the county's random stream goes on from there."""
        builder = DemoOrgBuilder(rng=self.rng, county_code=self.county_code, communities=self.layout.communities)
        self.org: DemoOrg = builder.build()
        self.summary.units, self.summary.people = self.org.units, self.org.people

    # --- who answers for each planned segment --------------------------------------------------

    def resolve_owners(self) -> None:
        """Main-road pieces go to departments in turn; county leaders head whole roads."""
        road_depts = [s for _, s, _ in org_names.DEPARTMENTS if s not in org_names.NON_ROAD_DEPARTMENTS]
        self.rng.shuffle(road_depts)
        piece_owner: dict[str, str] = {"road:river": "水利局", "road:ring": "交通运输局"}
        road_chief: dict[str, Person] = dict.fromkeys(names.COMMERCIAL_ROADS, self.org.county_chiefs[0])
        others = iter(self.org.county_chiefs[1:] * 4)
        for seg in self.layout.segments:
            if seg.owner_key.startswith(("main:", "road:")):
                if seg.owner_key not in piece_owner:
                    piece_owner[seg.owner_key] = road_depts[len(piece_owner) % len(road_depts)]
                if seg.road_key not in road_chief:
                    road_chief[seg.road_key] = next(others)
        self.owners = [
            self._owner(seg.owner_key, seg.road_key, piece_owner, road_chief) for seg in self.layout.segments
        ]

    def _owner(self, key: str, road: str, piece_owner: dict[str, str], road_chief: dict[str, Person]) -> Owner:
        if key.startswith("town:"):
            town = key.removeprefix("town:")
            return Owner(self.org.towns[town], self.org.town_chief[town], self.org.town_section[town])
        short = piece_owner[key]
        return Owner(self.org.units_by_short[short], road_chief[road], self.org.dept_section[short])

    # --- map layers, once per tile ---------------------------------------------------------------

    def create_tile(self, number: int, offset: tuple[int, int]) -> None:
        project = Projector(settings.MAP_CENTER_LON, settings.MAP_CENTER_LAT, offset)
        rng = random.Random(f"tile-{self.seed}-{number}")
        grids = self.create_grids(number, project)
        segments = self.create_segments(number, project, grids)
        self.create_sites(number, project, rng, segments)
        self.create_shops(number, project, rng, segments)

    def create_grids(self, number: int, project: Projector) -> list[Grid]:
        per_tile = max(g.serial for g in self.layout.grids)
        rows = []
        for plan in self.layout.grids:
            town, community = self.org.towns[plan.town], self.org.communities[(plan.town, plan.community)]
            serial = number * per_tile + plan.serial
            grid = Grid(
                code=f"{community.code}{serial:03d}",
                name=f"{community.name}第{serial}网格",
                street=town,
                community=community,
                grid_worker=self.org.town_worker[plan.town],
            )
            self._set_grid_geometry(grid, plan.ring, project)
            rows.append(grid)
        self.summary.grids += len(rows)
        return Grid.objects.bulk_create(rows, batch_size=BATCH)

    @staticmethod
    def _set_grid_geometry(grid: Grid, ring: list[XY], project: Projector) -> None:
        """What ``set_geometry`` stores, with the area taken from the layout's metres.

        ``set_geometry`` projects each polygon around its own centroid, and building a
        pyproj transformer costs ~25 ms: 30k grids at --scale 170 would take ten minutes.
        """
        coords = [project(xy) for xy in ring]
        grid.geometry = {"type": "Polygon", "coordinates": [coords]}
        lons, lats = [c[0] for c in coords], [c[1] for c in coords]
        grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat = min(lons), min(lats), max(lons), max(lats)
        grid.area_m2 = round(Polygon(ring).area, 1)

    def create_segments(self, number: int, project: Projector, grids: list[Grid]) -> list[RoadSegment]:
        rows = []
        for index, (plan, owner) in enumerate(zip(self.layout.segments, self.owners, strict=True)):
            segment = RoadSegment(
                code=f"LD{number:03d}{index + 1:04d}",
                name=f"{plan.road_name}（{plan.from_desc}—{plan.to_desc}）",
                road_name=plan.road_name,
                road_class=plan.road_class,
                from_desc=plan.from_desc,
                to_desc=plan.to_desc,
                unit=owner.unit,
                chief=owner.chief,
                section_chief=owner.section,
                grid=grids[plan.grid],
            )
            set_geometry(segment, {"type": "LineString", "coordinates": [project(xy) for xy in plan.coords]})
            rows.append(segment)
        self.summary.segments += len(rows)
        return RoadSegment.objects.bulk_create(rows, batch_size=BATCH)

    def create_sites(self, number: int, project: Projector, rng: random.Random, segments: list[RoadSegment]) -> None:
        rows = []
        for n, plan in enumerate(self.layout.sites):
            unit = self._site_unit(plan, segments)
            site = Site(
                code=f"DW{number:03d}{n + 1:04d}",
                name=f"{unit.name}党群服务中心" if plan.type_code == "community" else plan.name,
                site_type=self.site_types[plan.type_code],
                address=self._address(rng, plan, segments),
                unit=unit,
                person=self._person_of(unit),
            )
            set_geometry(site, self._site_geometry(plan, project))
            rows.append(site)
        self.summary.sites += len(rows)
        Site.objects.bulk_create(rows, batch_size=BATCH)

    def _site_unit(self, plan: SitePlan, segments: list[RoadSegment]) -> Unit:
        grid = self.layout.grids[plan.grid]
        if plan.owner == "@segment":
            return segments[plan.segment].unit
        if plan.owner == "@town":
            return self.org.towns[grid.town]
        if plan.owner == "@community":
            return self.org.communities[(grid.town, grid.community)]
        return self.org.units_by_short[plan.owner]

    def _person_of(self, unit: Unit) -> Person | None:
        people = self.org.staff_of.get(unit.pk) or self.org.staff_of.get(unit.parent_id or 0)
        return people[0] if people else None

    def _address(self, rng: random.Random, plan: SitePlan, segments: list[RoadSegment]) -> str:
        if plan.segment >= 0:
            return f"{segments[plan.segment].road_name}{rng.randint(1, 299)}号"
        grid = self.layout.grids[plan.grid]
        return f"{grid.town}{self.org.communities[(grid.town, grid.community)].name}"

    @staticmethod
    def _site_geometry(plan: SitePlan, project: Projector) -> dict:
        if len(plan.coords) == 1:
            return {"type": "Point", "coordinates": project(plan.coords[0])}
        return {"type": "Polygon", "coordinates": [[project(xy) for xy in plan.coords]]}

    def create_shops(self, number: int, project: Projector, rng: random.Random, segments: list[RoadSegment]) -> None:
        for start in range(0, len(self.layout.shops), BATCH):
            plans = self.layout.shops[start : start + BATCH]
            rows = [
                self._shop(number, start + n, plan.segment, project(plan.xy), rng, segments)
                for n, plan in enumerate(plans)
            ]
            shops = Shop.objects.bulk_create(rows, batch_size=BATCH)
            self._insert_pledge_links(list(self._pledge_links(shops, rng)))
            self.summary.shops += len(shops)

    def _shop(
        self, number: int, n: int, segment: int, lonlat: list[float], rng: random.Random, segments: list[RoadSegment]
    ) -> Shop:
        status, signed_on = self._pledge(rng)
        road = segments[segment].road_name
        return Shop(
            code=f"MD{number:03d}{n + 1:05d}",
            name=rng.choice(names.SHOP_PREFIXES) + rng.choice(names.SHOP_KINDS),
            address=f"{road}{rng.randint(1, 399)}号",
            lon=lonlat[0],
            lat=lonlat[1],
            operator_name=rng.choice(org_names.SURNAMES) + "".join(rng.choice(org_names.GIVEN_CHARS) for _ in range(2)),
            operator_mobile=rng.choice(org_names.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            segment=segments[segment],
            pledge_status=status,
            pledge_signed_on=signed_on,
        )

    @staticmethod
    def _pledge(rng: random.Random) -> tuple[str, dt.date | None]:
        """Most shops signed in 2026; some not yet, a few warned for breaking it, rarely revoked."""
        roll = rng.random()
        signed_on = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 150))
        if roll < 0.80:
            return PledgeStatus.SIGNED, signed_on
        if roll < 0.88:
            return PledgeStatus.WARNED, signed_on
        if roll < 0.99:
            return PledgeStatus.UNSIGNED, None
        return PledgeStatus.REVOKED, signed_on

    def _pledge_links(self, shops: list[Shop], rng: random.Random) -> Iterator[tuple[int, int]]:
        for shop in shops:
            if shop.pledge_status == PledgeStatus.UNSIGNED:
                continue
            items = self.pledge_items if rng.random() < 0.85 else rng.sample(self.pledge_items, 3)
            for item in items:
                yield (shop.pk, item.pk)

    @staticmethod
    def _insert_pledge_links(links: list[tuple[int, int]]) -> None:
        """Plain executemany: four link rows per shop made model instances the slowest part."""
        through = Shop.pledge_items.through._meta
        shop_col = through.get_field("shop").column
        item_col = through.get_field("pledgeitem").column
        sql = f"INSERT INTO {through.db_table} ({shop_col}, {item_col}) VALUES (%s, %s)"
        with connection.cursor() as cursor:
            cursor.executemany(sql, links)


def wipe_map_and_org() -> None:
    """Delete every map object, then (org's ``wipe_org``) every person and unit: ``demo_county --force``."""
    with transaction.atomic():
        Shop.pledge_items.through.objects.all().delete()
        for model in (Shop, Site, RoadSegment, Grid):
            model.objects.all().delete()
        wipe_org()
        map_changed()
