"""The demo county's organisation: its units and people, and the fixed demo logins.

``DemoOrgBuilder`` writes them through ``org.services`` when ``places.demo`` builds the county
(``manage.py demo_county``); ``demo_logins`` lists the fixed logins, one per role.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import demo_names as names
from .choices import Role, UnitGroup, UnitKind
from .models import Membership, Person, Unit, UnitSet
from .services import people_bulk_create, unit_create, unit_sets_seed

DEMO_PASSWORD = "demo12345"
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    real_name: str
    title: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("office", Role.OFFICE, "王创建", "创建办工作人员"),
    DemoLogin("duchashi", Role.SUPERVISOR, "李督查", "督查室督查员"),
    DemoLogin("liaison", Role.UNIT_ADMIN, "陈联络", "城关街道联络员"),
    DemoLogin("handler", Role.HANDLER, "周处置", "城管执法队员"),
    DemoLogin("luzhang", Role.ROAD_CHIEF, "孙路长", "副县长（人民路路长）"),
    DemoLogin("xuncha", Role.INSPECTOR, "郑巡查", "巡查员"),
    DemoLogin("zhiyuan", Role.VOLUNTEER, "冯志愿", "市容义务管理员"),
    DemoLogin("lingdao", Role.LEADER, "赵县长", "县长"),
)


@dataclass
class DemoOrg:
    """The demo county's organisation, as the map builder (``places.demo``) needs it."""

    root: Unit
    units_by_short: dict[str, Unit]  # departments by short name, and the 乡镇/街道 by name
    towns: dict[str, Unit]
    communities: dict[tuple[str, int], Unit]  # (town name, index) → 社区/村
    fixed: dict[str, Person]  # the fixed demo login of each role
    county_chiefs: list[Person]  # county leaders who head whole roads; the demo 路长 first
    dept_section: dict[str, Person]  # a road department's 段长, by short name
    town_chief: dict[str, Person]
    town_section: dict[str, Person]
    town_worker: dict[str, Person]  # the 网格员 of each 乡镇/街道
    staff_of: dict[int, list[Person]]  # unit id → its staff (unit admins, road chiefs, handlers)
    units: int
    people: int


ESTABLISHED_DAYS_AGO = 3 * 365


class DemoOrgBuilder:
    """Units (through ``unit_create``) and ~150 people with their roles (``people_bulk_create``).

    ``rng`` is the county's random stream, shared with the map builder that continues it, so one
    seed gives one county; ``communities`` says how many 社区/村 each 乡镇/街道 has (the map's
    layout decides it).
    """

    def __init__(self, *, rng: random.Random, county_code: str, communities: Mapping[str, int]) -> None:
        self.rng, self.county_code, self.community_counts = rng, county_code, communities
        self.units_by_short: dict[str, Unit] = {}
        self.towns: dict[str, Unit] = {}
        self.communities: dict[tuple[str, int], Unit] = {}
        self.mobiles: set[str] = set()
        self.specs: list[tuple[Person, Unit, str]] = []

    def build(self) -> DemoOrg:
        self.create_units()
        unit_sets_seed()
        # The county's units are older than the demo's history (cases, the months of appraisal
        # that rank only units existing in their month).
        Unit.objects.filter(pk__in=[u.pk for u in self._all_units()]).update(
            created_at=timezone.now() - dt.timedelta(days=ESTABLISHED_DAYS_AGO)
        )
        self.create_people()
        staff_of: dict[int, list[Person]] = {}
        for person, unit, role in self.specs:
            if role in (Role.UNIT_ADMIN, Role.ROAD_CHIEF, Role.HANDLER):
                staff_of.setdefault(unit.pk, []).append(person)
        return DemoOrg(
            root=self.root,
            units_by_short=self.units_by_short,
            towns=self.towns,
            communities=self.communities,
            fixed=self.fixed,
            county_chiefs=self.county_chiefs,
            dept_section=self.dept_section,
            town_chief=self.town_chief,
            town_section=self.town_section,
            town_worker=self.town_worker,
            staff_of=staff_of,
            units=Unit.objects.count(),
            people=len(self.specs),
        )

    # --- units -------------------------------------------------------------------------------

    def _all_units(self) -> list[Unit]:
        return [self.root, *self.units_by_short.values(), *self.communities.values()]

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

    def _create_communities(self) -> None:
        words = list(names.COMMUNITY_WORDS)
        self.rng.shuffle(words)
        used: set[str] = set()
        for town_name, town in self.towns.items():
            is_street = town_name.endswith("街道")
            for k in range(self.community_counts.get(town_name, 0)):
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
        """Every demo person shares the demo password (one hash, computed once)."""
        self.password_hash = make_password(DEMO_PASSWORD)
        self._fixed_logins()
        self._county_people()
        self._department_people()
        self._town_people()
        people_bulk_create(
            people=[person for person, _, _ in self.specs],
            memberships=[(person, unit, role) for person, unit, role in self.specs if role],
        )

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

    def _unique_mobile(self) -> str:
        while (number := self.rng.choice(names.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}") in self.mobiles:
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


def wipe_org() -> None:
    """Delete every membership, person and unit (``demo_county --force``), after the apps above."""
    with transaction.atomic():
        Membership.objects.all().delete()
        Person.objects.all().delete()
        UnitSet.objects.all().delete()
        # Parents are PROTECTed: detach the tree first so it goes in one statement.
        Unit.objects.update(parent=None)
        Unit.objects.all().delete()
