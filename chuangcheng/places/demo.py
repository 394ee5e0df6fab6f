"""Builds the demo county: units, people, and the responsibility map, all from one seed.

The layout (``demo_layout``) is drawn once in local metres; each "tile" writes a copy of it
shifted further out, so ``scale`` multiplies segments, grids, sites and shops while every
write stays a bulk insert. Units and people are created once through ``org.services``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from shapely.geometry import Polygon

from chuangcheng.core.errors import DomainError
from chuangcheng.org.choices import Role, UnitGroup, UnitKind
from chuangcheng.org.demo import ADMIN_USERNAME, DEMO_LOGINS, DEMO_PASSWORD
from chuangcheng.org.models import Membership, Person, Unit
from chuangcheng.org.services import unit_create

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
    """One method per layer: units, people, owners, then grids, segments, sites and shops per tile."""

    def __init__(self, *, seed: int, scale: int = 1, log: Callable[[str], None] | None = None) -> None:
        if scale < 1:
            raise DomainError("--scale 至少为 1")
        self.seed, self.scale = seed, scale
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.county_code: str = settings.COUNTY_CODE
        self.summary = DemoSummary(tiles=scale)
        self.units_by_short: dict[str, Unit] = {}
        self.towns: dict[str, Unit] = {}
        self.communities: dict[tuple[str, int], Unit] = {}
        self.people_of: dict[int, list[Person]] = {}
        self.mobiles: set[str] = set()
        self.layout: Layout = Layout()
        self.owners: list[Owner] = []

    def build(self) -> DemoSummary:
        with transaction.atomic(), _large_page_cache():
            seed_reference_lists()
            self.layout = layout_for(self.seed)
            self._check_code_room()
            self.create_units()
            self.create_people()
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

    # --- units -------------------------------------------------------------------------------

    def create_units(self) -> None:
        cc = self.county_code
        self.root = unit_create(
            name=f"{names.COUNTY_NAME}委县政府", code=cc, kind=UnitKind.DEPARTMENT, group=UnitGroup.OTHER
        )
        counters: dict[str, int] = {}
        kinds = {"D": UnitKind.DEPARTMENT, "E": UnitKind.ENTERPRISE, "X": UnitKind.OTHER}
        groups = {"D": UnitGroup.DEPARTMENT, "E": UnitGroup.OTHER, "X": UnitGroup.OTHER}
        for order, (name, short, prefix) in enumerate(names.DEPARTMENTS, start=1):
            counters[prefix] = counters.get(prefix, 0) + 1
            self.units_by_short[short] = unit_create(
                name=name,
                code=f"{cc}{prefix}{counters[prefix]:02d}",
                short_name=short,
                kind=kinds[prefix],
                group=groups[prefix],
                parent=self.root,
                sort_order=order,
            )
        for order, (name, code) in enumerate(names.STREETS + names.TOWNS, start=100):
            self.towns[name] = unit_create(
                name=name,
                code=f"{cc}{code}",
                kind=UnitKind.TOWN,
                group=UnitGroup.TOWN,
                parent=self.root,
                sort_order=order,
            )
            self.units_by_short[name] = self.towns[name]
        self._create_communities()
        self.summary.units = Unit.objects.count()

    def _create_communities(self) -> None:
        words = list(names.COMMUNITY_WORDS)
        self.rng.shuffle(words)
        used: set[str] = set()
        for town_name, town in self.towns.items():
            is_street = town_name.endswith("街道")
            for k in range(self.layout.communities.get(town_name, 0)):
                if town_name == names.STREETS[0][0]:
                    name, code = f"{names.CITY_CORE_COMMUNITIES[k]}社区", f"{k + 1:03d}"
                elif is_street:
                    name, code = f"{words.pop()}社区", f"{k + 1:03d}"
                else:
                    name, code = self._village_name(used), f"{201 + k:03d}"
                used.add(name)
                self.communities[(town_name, k)] = unit_create(
                    name=name,
                    code=f"{town.code}{code}",
                    kind=UnitKind.COMMUNITY,
                    group=UnitGroup.COMMUNITY,
                    parent=town,
                    sort_order=k,
                )

    def _village_name(self, used: set[str]) -> str:
        while True:
            name = f"{self.rng.choice(names.SURNAMES)}{self.rng.choice(names.VILLAGE_SUFFIXES)}村"
            if name not in used:
                return name

    # --- people ------------------------------------------------------------------------------

    def create_people(self) -> None:
        """~150 people; every demo person shares the demo password (one hash, computed once)."""
        self.password_hash = make_password(DEMO_PASSWORD)
        self.specs: list[tuple[Person, Unit, str]] = []
        self._fixed_logins()
        self._county_people()
        self._department_people()
        self._town_people()
        Person.objects.bulk_create([person for person, _, _ in self.specs])
        Membership.objects.bulk_create(
            [Membership(person=person, unit=unit, role=role) for person, unit, role in self.specs if role]
        )
        # Sites need a responsible person: a unit's staff, never its volunteers.
        for person, unit, role in self.specs:
            if role in (Role.UNIT_ADMIN, Role.ROAD_CHIEF, Role.HANDLER):
                self.people_of.setdefault(unit.pk, []).append(person)
        self.summary.people = len(self.specs)

    def _person(self, unit: Unit, role: str, title: str, username: str = "", real_name: str = "") -> Person:
        serial = len(self.specs) + 1
        person = Person(
            username=username or f"{role.replace('_', '')}{serial:03d}",
            real_name=real_name or self._chinese_name(),
            mobile=self._unique_mobile(),
            unit=unit,
            title=title,
            password=self.password_hash,
        )
        self.specs.append((person, unit, role))
        return person

    def _chinese_name(self) -> str:
        given = "".join(self.rng.choice(names.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(names.SURNAMES) + given

    def mobile(self) -> str:
        return self.rng.choice(names.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _unique_mobile(self) -> str:
        while (number := self.mobile()) in self.mobiles:
            pass
        self.mobiles.add(number)
        return number

    def _fixed_logins(self) -> None:
        homes: dict[str, Unit] = {
            Role.OFFICE: self.units_by_short["创建办"],
            Role.SUPERVISOR: self.units_by_short["督查室"],
            Role.UNIT_ADMIN: self.towns[names.STREETS[0][0]],
            Role.HANDLER: self.units_by_short["城管局"],
            Role.ROAD_CHIEF: self.root,
            Role.INSPECTOR: self.units_by_short["督查室"],
            Role.VOLUNTEER: self.units_by_short["志愿者联合会"],
            Role.LEADER: self.root,
        }
        self.fixed: dict[str, Person] = {}
        for login in DEMO_LOGINS:
            unit = homes[login.role]
            self.fixed[login.role] = self._person(unit, login.role, login.title, login.username, login.real_name)
        admin = self._person(self.root, "", "系统管理员", ADMIN_USERNAME, "系统管理员")
        admin.is_staff = admin.is_superuser = True

    def _county_people(self) -> None:
        for title in ("县委书记", "县委副书记", "常务副县长", "县人大常委会主任", "县政协主席"):
            self._person(self.root, Role.LEADER, title)
        # County leaders act as 路长 of whole roads; the demo 路长 comes first.
        self.county_chiefs = [self.fixed[Role.ROAD_CHIEF]]
        for n in range(8):
            self.county_chiefs.append(
                self._person(self.root, Role.ROAD_CHIEF, "副县长（路长）" if n < 4 else "县委常委（路长）")
            )
        office, supervision = self.units_by_short["创建办"], self.units_by_short["督查室"]
        for _ in range(3):
            self._person(office, Role.OFFICE, "创建办工作人员")
            self._person(supervision, Role.SUPERVISOR, "督查员")
            self._person(supervision, Role.INSPECTOR, "巡查员")

    def _department_people(self) -> None:
        self.dept_section: dict[str, Person] = {}
        for _name, short, _prefix in names.DEPARTMENTS:
            unit = self.units_by_short[short]
            self._person(unit, Role.UNIT_ADMIN, "联络员")
            if short not in names.NON_ROAD_DEPARTMENTS:
                title = "经理" if unit.kind == UnitKind.ENTERPRISE else "局长"
                self.dept_section[short] = self._person(unit, Role.ROAD_CHIEF, f"{title}（段长）")
        for short, handlers in (("城管局", 4), ("市场监管局", 1), ("住建局", 1), ("生态环境局", 1)):
            for _ in range(handlers):
                self._person(self.units_by_short[short], Role.HANDLER, "执法队员" if short == "城管局" else "工作人员")
        for _ in range(2):
            self._person(self.units_by_short["城管局"], Role.INSPECTOR, "巡查员")

    def _town_people(self) -> None:
        self.town_chief: dict[str, Person] = {}
        self.town_section: dict[str, Person] = {}
        self.town_worker: dict[str, Person] = {}
        for name, unit in self.towns.items():
            head = "主任" if name.endswith("街道") else "镇长" if name.endswith("镇") else "乡长"
            if name != names.STREETS[0][0]:
                self._person(unit, Role.UNIT_ADMIN, "联络员")
            self.town_chief[name] = self._person(unit, Role.ROAD_CHIEF, f"{head}（路长）")
            self.town_section[name] = self._person(unit, Role.ROAD_CHIEF, f"副{head}（段长）")
            self.town_worker[name] = self._person(unit, Role.INSPECTOR, "网格员")
            self._person(unit, Role.HANDLER, "城建办工作人员")
        volunteer_home = [self.communities[(names.STREETS[0][0], k)] for k in range(6)]
        for community in volunteer_home:
            self._person(community, Role.VOLUNTEER, "群众监督员")

    # --- who answers for each planned segment --------------------------------------------------

    def resolve_owners(self) -> None:
        """Main-road pieces go to departments in turn; county leaders head whole roads."""
        road_depts = [s for _, s, _ in names.DEPARTMENTS if s not in names.NON_ROAD_DEPARTMENTS]
        self.rng.shuffle(road_depts)
        piece_owner: dict[str, str] = {"road:river": "水利局", "road:ring": "交通运输局"}
        road_chief: dict[str, Person] = dict.fromkeys(names.COMMERCIAL_ROADS, self.county_chiefs[0])
        others = iter(self.county_chiefs[1:] * 4)
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
            return Owner(self.towns[town], self.town_chief[town], self.town_section[town])
        short = piece_owner[key]
        return Owner(self.units_by_short[short], road_chief[road], self.dept_section[short])

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
            town, community = self.towns[plan.town], self.communities[(plan.town, plan.community)]
            serial = number * per_tile + plan.serial
            grid = Grid(
                code=f"{community.code}{serial:03d}",
                name=f"{community.name}第{serial}网格",
                street=town,
                community=community,
                grid_worker=self.town_worker[plan.town],
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
            return self.towns[grid.town]
        if plan.owner == "@community":
            return self.communities[(grid.town, grid.community)]
        return self.units_by_short[plan.owner]

    def _person_of(self, unit: Unit) -> Person | None:
        people = self.people_of.get(unit.pk) or self.people_of.get(unit.parent_id or 0)
        return people[0] if people else None

    def _address(self, rng: random.Random, plan: SitePlan, segments: list[RoadSegment]) -> str:
        if plan.segment >= 0:
            return f"{segments[plan.segment].road_name}{rng.randint(1, 299)}号"
        grid = self.layout.grids[plan.grid]
        return f"{grid.town}{self.communities[(grid.town, grid.community)].name}"

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
            operator_name=rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN_CHARS) for _ in range(2)),
            operator_mobile=rng.choice(names.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
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
    """Delete every map object, person and unit (``demo_county --force``), children first."""
    with transaction.atomic():
        Shop.pledge_items.through.objects.all().delete()
        for model in (Shop, Site, RoadSegment, Grid, Membership, Person):
            model.objects.all().delete()
        # Parents are PROTECTed: detach the tree first so it goes in one statement.
        Unit.objects.update(parent=None)
        Unit.objects.all().delete()
        map_changed()
