"""Geometry of the demo county in local metres (x east, y north), before it meets the database.

The county seat is a jittered lattice of main roads with back streets inside each block, a
river road curving along the south and a ring road arc to the north; the 乡镇 are small
rotated lattices 9-13 km out. Grids tile the lattice blocks, so they cover the built-up
area without gaps or overlaps. Everything is drawn from one ``random.Random``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from shapely import STRtree
from shapely.geometry import LineString, Point, Polygon

from chuangcheng.org import demo_names as org_names

from . import demo_names as names
from .choices import RoadClass

XY = tuple[float, float]
CORE_SPACING = 600.0
CORE_POINTS = 11  # lattice points per side; main roads run on the inner nine lines
TOWN_SPACING = 400.0
TOWN_NX, TOWN_NY = 5, 4
# Shops per segment by road class: a commercial street is lined with them.
SHOPS_PER_SEGMENT = {RoadClass.COMMERCIAL: 30, RoadClass.MAIN: 9, RoadClass.SECONDARY: 5, RoadClass.BACK_STREET: 3}


@dataclass
class SegmentPlan:
    road_name: str
    road_class: str
    coords: list[XY]
    from_desc: str
    to_desc: str
    # Who looks after it: "main:<road>:<piece>", "road:<road>" or "town:<town name>".
    owner_key: str
    road_key: str
    grid: int = -1


@dataclass
class GridPlan:
    ring: list[XY]
    town: str
    community: int = 0
    serial: int = 0


@dataclass
class SitePlan:
    type_code: str
    name: str
    coords: list[XY]  # one point, or a closed polygon ring
    # A department short name, "@segment", "@town" or "@community".
    owner: str
    segment: int = -1
    grid: int = -1


@dataclass
class ShopPlan:
    segment: int
    xy: XY


@dataclass
class Layout:
    segments: list[SegmentPlan] = field(default_factory=list)
    grids: list[GridPlan] = field(default_factory=list)
    sites: list[SitePlan] = field(default_factory=list)
    shops: list[ShopPlan] = field(default_factory=list)
    communities: dict[str, int] = field(default_factory=dict)  # town name → number of communities
    town_centres: dict[str, XY] = field(default_factory=dict)


def bilerp(corners: tuple[XY, XY, XY, XY], u: float, v: float) -> XY:
    """Point at (u, v) in a quadrilateral given as (south-west, south-east, north-west, north-east)."""
    (x00, y00), (x10, y10), (x01, y01), (x11, y11) = corners
    x = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11
    y = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11
    return (x, y)


@dataclass
class Lattice:
    """Jittered points p[i][j] (i west→east, j south→north) of one built-up area."""

    points: list[list[XY]]

    @property
    def nx(self) -> int:
        return len(self.points)

    @property
    def ny(self) -> int:
        return len(self.points[0])

    def block(self, i: int, j: int) -> tuple[XY, XY, XY, XY]:
        p = self.points
        return (p[i][j], p[i + 1][j], p[i][j + 1], p[i + 1][j + 1])


def make_lattice(
    rng: random.Random, nx: int, ny: int, spacing: float, centre: XY, jitter: float, angle: float = 0.0
) -> Lattice:
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    points = []
    for i in range(nx):
        column = []
        for j in range(ny):
            x = (i - (nx - 1) / 2) * spacing + rng.uniform(-jitter, jitter)
            y = (j - (ny - 1) / 2) * spacing + rng.uniform(-jitter, jitter)
            column.append((centre[0] + x * cos_a - y * sin_a, centre[1] + x * sin_a + y * cos_a))
        points.append(column)
    return Lattice(points)


class LayoutBuilder:
    """Draws the county layer by layer; ``build()`` returns the finished ``Layout``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = Layout()
        self.core = make_lattice(rng, CORE_POINTS, CORE_POINTS, CORE_SPACING, (0.0, 0.0), 25.0)
        self.lane_names = self._lane_name_pool()
        self.cells: list[tuple[tuple[XY, XY, XY, XY], float, float, float, float]] = []

    def build(self) -> Layout:
        self.core_grids()
        self.main_roads()
        self.back_streets()
        self.river_road()
        self.ring_road()
        self.towns()
        self.assign_segment_grids()
        self.shops()
        SitePlanner(self.rng, self.layout, self.core, self.cells).place_all()
        return self.layout

    def _lane_name_pool(self) -> list[str]:
        pool = [w + s for w in names.LANE_WORDS for s in names.LANE_SUFFIXES]
        self.rng.shuffle(pool)
        return pool

    # --- grids -------------------------------------------------------------------------------

    def core_grids(self) -> None:
        """One grid per lattice block; the centre is 城关街道, the rest split by compass side."""
        n = CORE_POINTS - 1
        by_town: dict[str, list[int]] = {}
        for j in range(n):
            for i in range(n):
                town = self._core_street(i, j, n)
                by_town.setdefault(town, []).append(self._add_grid(self.core.block(i, j), town))
        for town, grid_ids in by_town.items():
            self._assign_communities(town, grid_ids, 8 if town == org_names.STREETS[0][0] else 7)

    @staticmethod
    def _core_street(i: int, j: int, n: int) -> str:
        dx, dy = i - (n - 1) / 2, j - (n - 1) / 2
        if abs(dx) < 2 and abs(dy) < 2:
            return org_names.STREETS[0][0]
        if abs(dx) >= abs(dy):
            return org_names.STREETS[1][0] if dx > 0 else org_names.STREETS[2][0]
        return org_names.STREETS[4][0] if dy > 0 else org_names.STREETS[3][0]

    def _add_grid(self, corners: tuple[XY, XY, XY, XY], town: str) -> int:
        sw, se, nw, ne = corners
        self.layout.grids.append(GridPlan(ring=[sw, se, ne, nw, sw], town=town))
        return len(self.layout.grids) - 1

    def _assign_communities(self, town: str, grid_ids: list[int], count: int) -> None:
        count = min(count, len(grid_ids))
        self.layout.communities[town] = count
        for k, gid in enumerate(grid_ids):
            community = k * count // len(grid_ids)
            grid = self.layout.grids[gid]
            grid.community = community
            grid.serial = sum(1 for g in grid_ids[:k] if self.layout.grids[g].community == community) + 1

    # --- roads -------------------------------------------------------------------------------

    def _add_segment(self, seg: SegmentPlan) -> None:
        self.layout.segments.append(seg)

    def main_roads(self) -> None:
        """Main roads run on the inner lattice lines and split at every crossing."""
        p, first, last = self.core.points, 1, CORE_POINTS - 2
        for j, road in enumerate(names.EAST_WEST_ROADS, start=first):
            for k, i in enumerate(range(first, last)):
                self._main_segment(road, k, [p[i][j], p[i + 1][j]], names.NORTH_SOUTH_ROADS, i - first, j - first)
        for i, road in enumerate(names.NORTH_SOUTH_ROADS, start=first):
            for k, j in enumerate(range(first, last)):
                self._main_segment(road, k, [p[i][j], p[i][j + 1]], names.EAST_WEST_ROADS, j - first, i - first)

    def _main_segment(self, road: str, k: int, coords: list[XY], crossings: list[str], at: int, line: int) -> None:
        if road in names.COMMERCIAL_ROADS and 2 <= at <= 5:
            road_class = RoadClass.COMMERCIAL
        else:
            # The outermost lattice roads are the town's edge: secondary roads.
            road_class = RoadClass.SECONDARY if line in (0, len(crossings) - 1) else RoadClass.MAIN
        self._add_segment(
            SegmentPlan(
                road_name=road,
                road_class=road_class,
                coords=coords,
                from_desc=crossings[at],
                to_desc=crossings[at + 1],
                owner_key=f"main:{road}:{k // 4}",
                road_key=road,
            )
        )

    def back_streets(self) -> None:
        """Inside each block of main roads: one or two lanes each way, split where they cross."""
        first, last = 1, CORE_POINTS - 2
        for i in range(first, last):
            for j in range(first, last):
                self._block_lanes(i, j)

    def _lane_fractions(self) -> list[float]:
        if self.rng.random() < 0.2:
            return [self.rng.uniform(0.3, 0.38), self.rng.uniform(0.62, 0.7)]
        return [self.rng.uniform(0.42, 0.58)]

    def _block_lanes(self, i: int, j: int) -> None:
        corners = self.core.block(i, j)
        hs, vs = self._lane_fractions(), self._lane_fractions()
        h_names = [self.lane_names.pop() for _ in hs]
        v_names = [self.lane_names.pop() for _ in vs]
        west, east = names.NORTH_SOUTH_ROADS[i - 1], names.NORTH_SOUTH_ROADS[i]
        south, north = names.EAST_WEST_ROADS[j - 1], names.EAST_WEST_ROADS[j]
        us, vstops = [0.0, *vs, 1.0], [0.0, *hs, 1.0]
        for t, lane in zip(hs, h_names, strict=True):
            stops = [west, *v_names, east]
            for a in range(len(us) - 1):
                coords = [bilerp(corners, us[a], t), bilerp(corners, us[a + 1], t)]
                self._lane_segment(lane, coords, stops[a], stops[a + 1])
        for s, lane in zip(vs, v_names, strict=True):
            stops = [south, *h_names, north]
            for a in range(len(vstops) - 1):
                coords = [bilerp(corners, s, vstops[a]), bilerp(corners, s, vstops[a + 1])]
                self._lane_segment(lane, coords, stops[a], stops[a + 1])
        for a in range(len(us) - 1):
            for b in range(len(vstops) - 1):
                self.cells.append((corners, us[a], us[a + 1], vstops[b], vstops[b + 1]))

    def _lane_segment(self, lane: str, coords: list[XY], start: str, end: str) -> None:
        seg = SegmentPlan(lane, RoadClass.BACK_STREET, coords, start, end, owner_key="", road_key=lane)
        self._add_segment(seg)

    def river_road(self) -> None:
        """滨河路 follows the river's bends south of the lattice, split where the north-south roads end."""
        p = self.core.points
        xs = [p[i][1][0] for i in range(1, CORE_POINTS - 1)]
        base_y = p[5][1][1] - 260.0

        def river_y(x: float) -> float:
            return base_y + 90.0 * math.sin(x / 520.0) + 40.0 * math.sin(x / 170.0)

        for k in range(len(xs) - 1):
            for half in range(2):
                x0 = xs[k] + (xs[k + 1] - xs[k]) * half / 2
                x1 = xs[k] + (xs[k + 1] - xs[k]) * (half + 1) / 2
                coords = [(x0 + (x1 - x0) * t / 8, river_y(x0 + (x1 - x0) * t / 8)) for t in range(9)]
                start = f"{names.NORTH_SOUTH_ROADS[k]}南口" if half == 0 else f"{names.RIVER_ROAD}{k + 1}号桥"
                end = f"{names.RIVER_ROAD}{k + 1}号桥" if half == 0 else f"{names.NORTH_SOUTH_ROADS[k + 1]}南口"
                seg = SegmentPlan(names.RIVER_ROAD, RoadClass.SECONDARY, coords, start, end, "road:river", "river")
                self._add_segment(seg)

    def ring_road(self) -> None:
        """北环路: an arc around the north of the town, described by its kilometre stakes."""
        radius, pieces = 3650.0, 24
        start, stop = math.radians(12), math.radians(168)
        for k in range(pieces):
            a0 = start + (stop - start) * k / pieces
            a1 = start + (stop - start) * (k + 1) / pieces
            coords = [
                (radius * math.cos(a0 + (a1 - a0) * t / 6), radius * math.sin(a0 + (a1 - a0) * t / 6)) for t in range(7)
            ]
            km0, km1 = radius * (a0 - start), radius * (a1 - start)
            seg = SegmentPlan(names.RING_ROAD, RoadClass.MAIN, coords, _stake(km0), _stake(km1), "road:ring", "ring")
            self._add_segment(seg)

    def towns(self) -> None:
        """Each 乡镇 seat: a small rotated lattice with its own streets, grids and villages."""
        count = len(org_names.TOWNS)
        for n, (town, _code) in enumerate(org_names.TOWNS):
            angle = 2 * math.pi * n / count + self.rng.uniform(-0.2, 0.2)
            dist = self.rng.uniform(9000, 13000)
            centre = (dist * math.cos(angle), dist * math.sin(angle))
            self.layout.town_centres[town] = centre
            lattice = make_lattice(self.rng, TOWN_NX, TOWN_NY, TOWN_SPACING, centre, 20.0, self.rng.uniform(-0.3, 0.3))
            self._town_grids(town, lattice)
            self._town_roads(town, lattice)

    def _town_grids(self, town: str, lattice: Lattice) -> None:
        grid_ids = [self._add_grid(lattice.block(i, j), town) for j in range(TOWN_NY - 1) for i in range(TOWN_NX - 1)]
        self._assign_communities(town, grid_ids, 6)

    def _town_roads(self, town: str, lattice: Lattice) -> None:
        short = town[:-1]
        ew = [f"{short}大街", f"{short}新街"]
        ns = [f"{short}西街", f"{short}中街", f"{short}东街"]
        p = lattice.points
        for j, road in enumerate(ew, start=1):
            stops = ["镇区西口", *ns, "镇区东口"]
            road_class = RoadClass.MAIN if j == 1 else RoadClass.SECONDARY
            for i in range(TOWN_NX - 1):
                seg = SegmentPlan(
                    road, road_class, [p[i][j], p[i + 1][j]], stops[i], stops[i + 1], f"town:{town}", road
                )
                self._add_segment(seg)
        for i, road in enumerate(ns, start=1):
            stops = ["镇区南口", *ew, "镇区北口"]
            for j in range(TOWN_NY - 1):
                coords = [p[i][j], p[i][j + 1]]
                seg = SegmentPlan(road, RoadClass.SECONDARY, coords, stops[j], stops[j + 1], f"town:{town}", road)
                self._add_segment(seg)

    def assign_segment_grids(self) -> None:
        """Each segment lies in the grid under its midpoint; back streets belong to that grid's street."""
        polygons = [Polygon(g.ring) for g in self.layout.grids]
        tree = STRtree(polygons)
        for seg in self.layout.segments:
            mid = LineString(seg.coords).interpolate(0.5, normalized=True)
            hits = tree.query(mid, predicate="intersects")
            seg.grid = int(min(hits)) if len(hits) else int(tree.nearest(mid))
            if not seg.owner_key:
                seg.owner_key = f"town:{self.layout.grids[seg.grid].town}"

    # --- shops -------------------------------------------------------------------------------

    def shops(self) -> None:
        """Shops face the road a few metres off it, on both sides, away from the crossings."""
        for index, seg in enumerate(self.layout.segments):
            line = LineString(seg.coords)
            per = SHOPS_PER_SEGMENT[RoadClass(seg.road_class)]
            count = max(1, round(per * line.length / 500 * self.rng.uniform(0.7, 1.3)))
            for _ in range(count):
                self.layout.shops.append(ShopPlan(index, self._frontage_point(line)))

    def _frontage_point(self, line: LineString) -> XY:
        margin = min(20.0, line.length / 4)
        d = self.rng.uniform(margin, line.length - margin)
        return offset_point(line, d, self.rng.choice((-1, 1)) * self.rng.uniform(8.0, 15.0))


def offset_point(line: LineString, d: float, offset: float) -> XY:
    """The point ``offset`` metres to the left (positive) of ``line`` at distance ``d`` along it."""
    a, b = line.interpolate(max(d - 1.0, 0.0)), line.interpolate(min(d + 1.0, line.length))
    dx, dy = b.x - a.x, b.y - a.y
    norm = math.hypot(dx, dy) or 1.0
    here = line.interpolate(d)
    return (here.x - dy / norm * offset, here.y + dx / norm * offset)


def _stake(metres: float) -> str:
    """A road stake number such as K1+250."""
    km, rest = divmod(round(metres / 10) * 10, 1000)
    return f"K{int(km)}+{int(rest):03d}"


# type code → (how many, "poly" or a road class to stand beside, responsible unit).
SITE_PLAN: dict[str, tuple[int, str, str]] = {
    "main_road": (10, RoadClass.MAIN, "@segment"),
    "back_street": (10, RoadClass.BACK_STREET, "@segment"),
    "commercial_street": (4, RoadClass.COMMERCIAL, "@segment"),
    "market": (6, "poly", "市场监管局"),
    "public_toilet": (24, "any", "城管局"),
    "square": (4, "poly", "城管局"),
    "park": (5, "poly", "园林中心"),
    "residential": (24, "poly", "@community"),
    "community": (10, RoadClass.BACK_STREET, "@community"),
    "school": (16, "poly", "教育局"),
    "hospital": (6, "poly", "卫健委"),
    "bus_stop": (24, RoadClass.MAIN, "公交公司"),
    "intersection": (12, "crossing", "交警大队"),
    "construction": (6, "any", "住建局"),
    "service_window": (8, RoadClass.MAIN, "县政府办"),
    "gov_hall": (2, RoadClass.MAIN, "县政府办"),
    "bank": (10, RoadClass.COMMERCIAL, "商务局"),
    "hotel": (8, RoadClass.MAIN, "商务局"),
    "mall": (8, RoadClass.COMMERCIAL, "商务局"),
    "scenic": (2, "poly", "文旅局"),
    "culture": (5, RoadClass.MAIN, "文旅局"),
    "urban_fringe": (4, RoadClass.SECONDARY, "@town"),
    "civilization_center": (8, "any", "文明办"),
    "township": (len(org_names.TOWNS), "town", "@town"),
    "other": (3, RoadClass.MAIN, "交通运输局"),
}


class SitePlanner:
    """Places the ~200 evaluation points: areas inside block cells, points beside roads."""

    def __init__(self, rng: random.Random, layout: Layout, core: Lattice, cells: list) -> None:
        self.rng, self.layout, self.core = rng, layout, core
        self.free_cells = list(cells)
        rng.shuffle(self.free_cells)
        self.by_class: dict[str, list[int]] = {}
        for index, seg in enumerate(layout.segments):
            self.by_class.setdefault(seg.road_class, []).append(index)
        self.grid_tree = STRtree([Polygon(g.ring) for g in layout.grids])

    def place_all(self) -> None:
        for type_code, (count, where, owner) in SITE_PLAN.items():
            for n in range(count):
                coords, segment, name = self._place(where, n)
                name = name or site_name(self.rng, type_code, n, self.layout, segment)
                site = SitePlan(type_code, name, coords, owner, segment=segment, grid=self._grid_of(coords[0]))
                self.layout.sites.append(site)

    def _place(self, where: str, n: int) -> tuple[list[XY], int, str]:
        """Coordinates, the segment it stands beside (or -1) and a name when the place implies one."""
        if where == "poly":
            return self._cell_polygon(), -1, ""
        if where == "crossing":
            i, j = self.rng.randint(2, CORE_POINTS - 3), self.rng.randint(2, CORE_POINTS - 3)
            x, y = self.core.points[i][j]
            name = f"{names.EAST_WEST_ROADS[j - 1]}与{names.NORTH_SOUTH_ROADS[i - 1]}交叉口"
            return [(x + 12.0, y + 12.0)], -1, name
        if where == "town":
            town = org_names.TOWNS[n][0]
            x, y = self.layout.town_centres[town]
            return [(x + 35.0, y + 30.0)], -1, ""
        pool = self.by_class.get(where) or self.by_class[RoadClass.MAIN]
        if where == "any":
            pool = range(len(self.layout.segments))  # type: ignore[assignment]
        segment = self.rng.choice(list(pool))
        line = LineString(self.layout.segments[segment].coords)
        d = self.rng.uniform(line.length * 0.2, line.length * 0.8)
        return [offset_point(line, d, self.rng.choice((-1, 1)) * self.rng.uniform(10.0, 25.0))], segment, ""

    def _cell_polygon(self) -> list[XY]:
        corners, u0, u1, v0, v1 = self.free_cells.pop()
        margin = 0.05
        w, h = (u1 - u0 - 2 * margin), (v1 - v0 - 2 * margin)
        su, sv = w * self.rng.uniform(0.55, 1.0), h * self.rng.uniform(0.55, 1.0)
        a = u0 + margin + self.rng.uniform(0, w - su)
        b = v0 + margin + self.rng.uniform(0, h - sv)
        ring = [bilerp(corners, a, b), bilerp(corners, a + su, b), bilerp(corners, a + su, b + sv)]
        ring += [bilerp(corners, a, b + sv), bilerp(corners, a, b)]
        return ring

    def _grid_of(self, xy: XY) -> int:
        hits = self.grid_tree.query(Point(xy), predicate="intersects")
        return int(min(hits)) if len(hits) else int(self.grid_tree.nearest(Point(xy)))


def site_name(rng: random.Random, type_code: str, n: int, layout: Layout, segment: int) -> str:
    seg = layout.segments[segment] if segment >= 0 else None
    road = seg.road_name if seg else ""
    fixed = {
        "market": names.MARKETS,
        "square": names.SQUARES,
        "park": names.PARKS,
        "hospital": names.HOSPITALS,
        "scenic": names.SCENIC,
        "culture": names.CULTURE,
        "gov_hall": names.GOV_HALLS,
        "service_window": names.WINDOWS,
        "other": names.OTHERS,
        "hotel": names.HOTELS,
        "mall": names.MALLS,
    }
    if type_code in fixed:
        return fixed[type_code][n % len(fixed[type_code])]
    if type_code == "school":
        return names.SCHOOLS_PREFIX[n % len(names.SCHOOLS_PREFIX)] + names.SCHOOL_KINDS[n % 3]
    if type_code == "residential":
        return rng.choice(names.ESTATE_WORDS) + rng.choice(names.ESTATE_SUFFIXES)
    if type_code == "construction":
        return f"{rng.choice(names.ESTATE_WORDS)}{rng.choice(names.ESTATE_SUFFIXES)}二期项目工地"
    if type_code == "bank":
        return f"{names.BANKS[n % len(names.BANKS)]}{road}支行"
    if type_code == "township":
        return f"{org_names.TOWNS[n][0]}人民政府"
    if type_code == "civilization_center":
        return (
            "县新时代文明实践中心"
            if n == 0
            else f"{org_names.TOWNS[(n - 1) % len(org_names.TOWNS)][0]}新时代文明实践所"
        )
    return _road_site_name(type_code, n, road, seg)


def _road_site_name(type_code: str, n: int, road: str, seg: SegmentPlan | None) -> str:
    if type_code == "public_toilet":
        return f"{road}{n + 1}号公厕"
    if type_code == "bus_stop":
        return f"{road}{seg.from_desc if seg else ''}口站"
    if type_code == "community":
        return f"第{n + 1}党群服务中心"
    if type_code == "urban_fringe":
        return f"{road}城乡接合部{n + 1}号片区"
    if seg is not None:
        return f"{road}（{seg.from_desc}—{seg.to_desc}）"
    return f"点位{n + 1}"
