"""The demo county's inspections: the default checklists (linked to the seeded case categories), and
the 周检查 / 模拟测评 plans with their inspections."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from chuangcheng.cases.demo import insert_rows
from chuangcheng.cases.models import Case
from chuangcheng.cases.services import seed_categories
from chuangcheng.core.photos import ProcessedPhoto, process_photo
from chuangcheng.indicators.choices import AssessmentMethod, NodeLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import membership_grant

from . import services
from .choices import InspectionKind, Outcome
from .models import (
    Checklist,
    ChecklistItem,
    ChecklistItemVersion,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    PatrolRule,
    Plan,
    Visit,
)
from .selectors import active_items, checklist_for_segment, checklist_for_site
from .services import (
    Answer,
    SeedResult,
    checklists_seed,
    inspection_submit,
    plan_activate,
    plan_close,
    plan_create,
    team_save,
    visits_assign,
)


def build_checklists() -> SeedResult:
    """Seed the checklists (after the categories, which their items name)."""
    seed_categories()
    return checklists_seed()


def wipe_checklists() -> None:
    """Delete every checklist with its items and versions (``demo_county --force``; reseeded after)."""
    with transaction.atomic():
        ChecklistItemVersion.objects.all().delete()
        ChecklistItem.objects.all().delete()
        Checklist.objects.all().delete()


# ---- indicator links: which 实地考察 nodes each checklist item evidences -----------------------------
#
# The office links items to 测评内容/测评标准 on the checklist pages; the demo does it by this table.
# A rule: (keywords of a node's name, places, families, keywords of an item's text). Every 实地考察
# 测评内容/测评标准 leaf of every campaign whose name holds one of the node keywords gets the items of the places'
# checklists (site type codes; "road:<class>" for a road class; () for every checklist) in the
# families (() for all) whose text holds one of the item keywords (() for all).

Rule = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
MAIN_ROADS = ("main_road", "road:main", "road:secondary")
STREETS = (*MAIN_ROADS, "commercial_street", "road:commercial")
BACK_STREETS = ("back_street", "road:back_street")
WINDOWS = ("service_window", "bank", "gov_hall", "hospital")

INDICATOR_LINKS: list[Rule] = [
    # 全国文明城市: 思想道德, 公益广告, 文明行为
    (("核心价值观",), (*STREETS, "square", "park"), ("publicity",), ("公益广告",)),
    (("新时代文明实践",), ("civilization_center",), (), ()),
    (("新时代文明实践",), ("community", "township"), (), ("文明实践",)),
    (("校园",), ("school",), (), ()),
    (("少年宫",), (), (), ("未成年人",)),
    (("干道公益广告",), STREETS, ("publicity",), ("公益广告",)),
    (
        ("公共场所公益广告",),
        ("square", "park", "bus_stop", "hospital", "mall", "scenic", "intersection"),
        ("publicity",),
        ("公益广告",),
    ),
    (("社区（村）公益广告",), ("residential", "community", "township", *BACK_STREETS), ("publicity",), ()),
    (("文明交通",), (), (), ("礼让", "红灯", "交通信号", "文明交通")),
    (("公共场所文明行为",), (), (), ("不文明", "攀折", "乱刻乱画", "扰民")),
    (("诚信经营",), (), (), ("明码标价", "诚信", "公平秤", "亮证")),
    # 公共秩序, 市容环境
    (("干道交通秩序",), (*MAIN_ROADS, "intersection"), ("order",), ("停放", "违停")),
    (("交通设施",), (), (), ("交通标志", "标志标线", "信号灯", "护栏")),
    (("公共交通",), ("bus_stop",), (), ()),
    (("无占道经营",), (*STREETS, "square", "intersection", "market"), ("order",), ("占道经营", "摊")),
    (("店外经营",), (), (), ("店外经营", "五包")),
    (("户外广告",), (), (), ("牌匾", "户外广告")),
    (("乱贴乱画",), (), (), ("乱贴乱画", "乱拉乱挂", "小广告")),
    (("违法建设",), (), (), ("乱搭乱建", "私搭乱建")),
    (("消防安全",), (), (), ("消防",)),
    (("路面干净整洁", "道路和街巷环境"), (*STREETS, *BACK_STREETS), ("sanitation",), ("路面", "卫生死角", "树穴")),
    (("垃圾收集容器",), (), (), ("果皮箱", "垃圾收集容器")),
    (("道路施工",), ("construction",), (), ()),
    (("背街小巷路面",), BACK_STREETS, (), ("路面", "卫生死角", "垃圾", "污水")),
    (("乱堆乱放",), (*BACK_STREETS, "road:secondary", "urban_fringe", "other"), (), ("乱堆乱放", "乱搭乱建")),
    (("公共厕所", "公厕"), ("public_toilet",), (), ()),
    (("公共厕所", "公厕"), (), (), ("公厕",)),
    (("农贸市场", "集贸市场"), ("market",), (), ()),
    (("居民小区",), ("residential",), (), ()),
    (("城市绿化",), (), (), ("绿地", "绿化带", "花坛", "行道树", "树穴")),
    (("垃圾分类",), (), (), ("垃圾分类",)),
    # 公共服务, 志愿服务
    (("政务服务",), ("gov_hall",), (), ()),
    (("窗口行业",), ("service_window", "bank"), (), ()),
    (("窗口行业",), WINDOWS, (), ("一米线", "便民设施", "文明用语")),
    (("医疗卫生服务",), ("hospital",), (), ()),
    (("公共文化",), ("culture",), (), ()),
    (("健身",), (), (), ("健身",)),
    (("道路和照明",), (), (), ("路灯", "照明", "井盖", "人行道板", "路面硬化")),
    (("无障碍",), (), (), ("无障碍", "盲道")),
    (("社区综合服务",), ("community",), (), ()),
    (("志愿服务站",), (), (), ("志愿",)),
    # 国家卫生县城 (its other field nodes, and 国家园林县城's, are 指标: the service links only 测评内容/测评标准)
    (("城乡结合部", "城中村"), ("urban_fringe",), (), ()),
    (("生活垃圾收运",), (), (), ("日产日清", "垃圾收集点", "垃圾分类投放")),
]


def _place_key(checklist: Checklist) -> str:
    return checklist.site_type.code if checklist.site_type else f"road:{checklist.road_class}"


def _rule_items(rule: Rule, items: Sequence[ChecklistItem]) -> list[ChecklistItem]:
    _nodes, places, families, words = rule
    return [
        item
        for item in items
        if (not places or _place_key(item.checklist) in places)
        and (not families or item.family in families)
        and (not words or any(word in item.text for word in words))
    ]


def link_checklist_indicators(*, by: Person | None = None) -> int:
    """Link the checklist items to the 实地考察 nodes of every campaign by ``INDICATOR_LINKS``
    (after the campaigns and the checklists, before any inspection); returns the links made."""
    by = by or _demo_person("office", Role.OFFICE)
    if by is None:
        return 0
    leaves = IndicatorNode.objects.filter(
        method=AssessmentMethod.FIELD, level__gte=NodeLevel.CONTENT, children__isnull=True
    )
    nodes = list(leaves.select_related("campaign").order_by("campaign_id", "path", "pk"))
    items = list(
        ChecklistItem.objects.select_related("checklist__site_type").order_by("checklist_id", "sort_order", "pk")
    )
    chosen: dict[tuple[int, int], list[IndicatorNode]] = {}
    for rule in INDICATOR_LINKS:
        matched = [node for node in nodes if any(word in node.name for word in rule[0])]
        if not matched:
            continue
        for item in _rule_items(rule, items):
            for node in matched:
                chosen.setdefault((item.pk, node.campaign_id), []).append(node)
    by_pk = {item.pk: item for item in items}
    links = 0
    with transaction.atomic():
        for (item_pk, _campaign), linked in chosen.items():
            made = services.checklist_item_link_indicators(
                item=by_pk[item_pk], campaign=linked[0].campaign, nodes=linked, by=by
            )
            links += len(made)
    return links


# ---- end indicator links ----------------------------------------------------------------------------


# ---- 日巡查: rules, a month of routes, most of them walked ----------------------------------------

PATROL_DAYS = 30  # up to and including the demo's today
DEMO_INSPECTOR = "xuncha"  # org.demo's fixed 巡查员 login: today's visits are left for them to do
FAILURE_RATE = 0.05  # inspections with one failed item
DONE_RATE = {"inspector": 0.93, "chief": 0.85, "lazy": 0.6}


@dataclass(frozen=True)
class PatrolSummary:
    rules: int
    visits: int
    inspections: int
    missed: int
    cases: int


def _demo_photo() -> ProcessedPhoto:
    """One phone photo for every demo failure (stored once: photos are content-addressed)."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (150, 120, 90)).save(buffer, "JPEG")
    return process_photo(SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg"))


class DemoPatrols:
    """Seeds the default rules, gives the demo inspector a street, generates ``PATROL_DAYS`` of routes
    and walks most of them through ``services.inspection_submit`` (seeded; some fail, some open cases)."""

    def __init__(self, *, seed: int = 1, now: dt.datetime | None = None) -> None:
        self.rng = random.Random(f"patrols-{seed}")
        self.now = timezone.localtime(now or timezone.now())
        self.today = self.now.date()
        self.photo = _demo_photo()
        self.items: dict[int, list[ChecklistItem]] = {}
        self.versions: dict[int, list[ChecklistItemVersion]] = {}
        self.checklists: dict[str, Checklist | None] = {}

    def build(self) -> PatrolSummary:
        rules = services.patrol_rules_seed()
        self._place_demo_inspector()
        first = self.today - dt.timedelta(days=PATROL_DAYS - 1)
        people = {p.pk: p for p in Person.objects.filter(memberships__role__in=[Role.INSPECTOR, Role.ROAD_CHIEF])}
        lazy = self._lazy(people)
        done: list[tuple[int, int, dt.datetime]] = []
        cases_before = Case.objects.count()
        for offset in range(PATROL_DAYS + 1):
            day = first + dt.timedelta(days=offset)
            services.patrol_routes_generate(day=day)
            if day <= self.today:
                with transaction.atomic():
                    done += self._walk(day, people, lazy)
        self._date(done)
        visits = Visit.objects.filter(kind=InspectionKind.PATROL)
        missed = visits.filter(done_at__isnull=True, due_on__lt=self.today).count()
        return PatrolSummary(rules, visits.count(), len(done), missed, Case.objects.count() - cases_before)

    def _place_demo_inspector(self) -> None:
        """The demo 巡查员 works the first street beside its 网格员 (so their list today is not empty)."""
        person = Person.objects.filter(username=DEMO_INSPECTOR).first()
        town = Unit.objects.filter(kind=UnitKind.TOWN).order_by("sort_order", "code").first()
        if person is None or town is None:
            return
        if not person.memberships.filter(unit=town, role=Role.INSPECTOR).exists():
            membership_grant(person=person, unit=town, role=Role.INSPECTOR, log=False)

    def _lazy(self, people: dict[int, Person]) -> set[int]:
        """Two people who often skip their rounds (so the supervisor has 漏巡 to look at)."""
        candidates = sorted(pk for pk, p in people.items() if p.username != DEMO_INSPECTOR)
        return set(self.rng.sample(candidates, min(2, len(candidates))))

    def _walk(self, day: dt.date, people: dict[int, Person], lazy: set[int]) -> list[tuple[int, int, dt.datetime]]:
        """Inspect the day's visits that get done (today only those whose time has come).

        Failures and the demo inspector's rounds go through ``services.inspection_submit`` (cases
        opened, photos kept); the many clean rounds are written in bulk, as that service writes an
        all-pass inspection (full marks, every item in force passed): at ~9 ms a submission, the
        county's ~7,000 rounds a month would otherwise cost a minute.
        """
        done, clean = [], []
        visits = Visit.objects.filter(kind=InspectionKind.PATROL, due_on=day, assignee__isnull=False)
        for visit in visits.select_related("site", "segment").order_by("pk"):
            person = people.get(visit.assignee_id or 0)
            if person is None:
                continue
            rate = DONE_RATE["lazy"] if person.pk in lazy else DONE_RATE["chief" if visit.segment_id else "inspector"]
            when = dt.datetime.combine(day, dt.time(self.rng.randrange(8, 18), self.rng.randrange(60)))
            when = timezone.make_aware(when)
            demo_inspector = person.username == DEMO_INSPECTOR
            if self.rng.random() >= rate or when > self.now or (day == self.today and demo_inspector):
                continue
            checklist = self._checklist(visit)
            if checklist is None:
                continue
            fails = self.rng.random() < FAILURE_RATE
            if fails or demo_inspector:
                inspection = self._inspect(person, visit, checklist, fails)
                done.append((inspection.pk, visit.pk, when))
            else:
                clean.append((person, visit, checklist, when))
        return done + self._clean(clean)

    def _checklist(self, visit: Visit) -> Checklist | None:
        key = f"site:{visit.site.site_type_id}" if visit.site else f"segment:{visit.segment.road_class}"  # type: ignore[union-attr]
        if key not in self.checklists:
            self.checklists[key] = _checklist_of_place(visit)
        return self.checklists[key]

    def _versions(self, checklist: Checklist) -> list[ChecklistItemVersion]:
        if checklist.pk not in self.versions:
            items = list(active_items(checklist))
            self.items[checklist.pk] = items
            self.versions[checklist.pk] = list(
                ChecklistItemVersion.objects.filter(item__in=items, number=F("item__version"))
            )
        return self.versions[checklist.pk]

    def _inspect(self, person: Person, visit: Visit, checklist: Checklist, fails: bool) -> Inspection:
        self._versions(checklist)
        items = self.items[checklist.pk]
        failing = self.rng.choice(items) if fails and items else None
        answers = [
            services.Answer(item.pk, Outcome.FAIL, "", (self.photo,))
            if item is failing
            else services.Answer(item.pk, Outcome.PASS)
            for item in items
        ]
        inspection, _created = services.inspection_submit(
            by=person, kind=InspectionKind.PATROL, answers=answers, site=visit.site, segment=visit.segment
        )
        return inspection

    def _clean(self, rounds: list[tuple[Person, Visit, Checklist, dt.datetime]]) -> list[tuple[int, int, dt.datetime]]:
        """All-pass inspections in bulk: what ``inspection_submit`` writes for them."""
        inspections = Inspection.objects.bulk_create(
            [
                Inspection(
                    kind=InspectionKind.PATROL,
                    inspector=person,
                    checklist=checklist,
                    site=visit.site,
                    segment=visit.segment,
                    unit_id=(visit.site or visit.segment).unit_id,  # type: ignore[union-attr]
                    town_id=visit.town_id,
                    submitted_at=when,
                    score=services.FULL_SCORE,
                )
                for person, visit, checklist, when in rounds
            ],
            batch_size=500,
        )
        results = (
            (inspection.pk, version.pk, Outcome.PASS, "", 0, None, False)
            for inspection, (_p, _v, checklist, _w) in zip(inspections, rounds, strict=True)
            for version in self._versions(checklist)
        )
        insert_rows(InspectionResult, RESULT_COLUMNS, results)
        return [(i.pk, visit.pk, when) for i, (_p, visit, _c, when) in zip(inspections, rounds, strict=True)]

    @staticmethod
    def _date(done: list[tuple[int, int, dt.datetime]]) -> None:
        """The demo's inspections happened on their days: their time, and the visit each one did."""
        at = [(_utc_text(when), pk) for pk, _visit, when in done]
        visited = [(pk, _utc_text(when), visit) for pk, visit, when in done]
        with transaction.atomic(), connection.cursor() as cursor:
            inspections, visits = (connection.ops.quote_name(m._meta.db_table) for m in (Inspection, Visit))
            cursor.executemany(f"UPDATE {inspections} SET submitted_at = %s WHERE id = %s", at)
            cursor.executemany(f"UPDATE {visits} SET inspection_id = %s, done_at = %s WHERE id = %s", visited)


RESULT_COLUMNS = ("inspection_id", "item_version_id", "outcome", "note", "deduction", "case_id", "case_opened")


def _utc_text(moment: dt.datetime) -> Any:
    """A datetime as the database stores it (what the ORM's adapter gives)."""
    return connection.ops.adapt_datetimefield_value(moment)


def _checklist_of_place(visit: Visit) -> Checklist | None:
    if visit.site is not None:
        return checklist_for_site(visit.site)
    return checklist_for_segment(visit.segment) if visit.segment is not None else None


def build_patrols(*, seed: int = 1, now: dt.datetime | None = None) -> PatrolSummary:
    """The demo's 日巡查 (after the checklists and the cases' categories)."""
    return DemoPatrols(seed=seed, now=now).build()


def wipe_patrols() -> None:
    """Delete the patrol rules, visits and every inspection (``demo_county --force``), before the checklists."""
    with transaction.atomic():
        Visit.objects.all().delete()
        InspectionPhoto.objects.all().delete()
        InspectionResult.objects.all().delete()
        Inspection.objects.all().delete()
        PatrolRule.objects.all().delete()


# ---- 周检查 and 模拟测评 ----------------------------------------------------------------------------
#
# Four closed weekly checks over the last four weeks and one 模拟测评 under way, drafted,
# staffed, started and closed through the services, every inspection submitted through
# ``inspection_submit`` (a failure opens or joins a case as in real life). The service stamps
# an inspection with the time it is called; the demo then moves that stamp back to the day the
# visit was planned for, so that the history reads as lived (the only writes outside services).

CHECK_SAMPLE = {"site_types": {"market": 1, "square": 1, "public_toilet": 1}, "road_classes": {"main": 1}}
FAIL_RATE = 0.07
CHECK_DONE_RATE = 0.92
MOCK_DONE_RATE = 0.45


@dataclass(frozen=True)
class PlansSummary:
    checks: int
    mocks: int
    inspections: int


def _demo_person(username: str, role: str) -> Person | None:
    person = Person.objects.filter(username=username).first()
    return person or Person.objects.filter(memberships__role=role, is_active=True).order_by("pk").first()


def _people(role: str, *, exclude: Iterable[Person | None] = ()) -> list[Person]:
    skip = [p.pk for p in exclude if p is not None]
    return list(Person.objects.filter(memberships__role=role, is_active=True).exclude(pk__in=skip).order_by("pk"))


class _Inspector:
    """Submits a visit's inspection with seeded outcomes and dates it back to the planned day."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.photo = _demo_photo()
        self.items: dict[int, list[ChecklistItem]] = {}
        self.count = 0

    def _items(self, visit: Visit) -> list[ChecklistItem]:
        place = visit.site or visit.segment
        checklist = checklist_for_site(visit.site) if visit.site else checklist_for_segment(visit.segment)  # type: ignore[arg-type]
        if checklist is None or place is None:
            return []
        if checklist.pk not in self.items:
            self.items[checklist.pk] = list(active_items(checklist))
        return self.items[checklist.pk]

    def inspect(self, visit: Visit, by: Person, when: dt.datetime) -> None:
        items = self._items(visit)
        if not items:
            return
        answers = [
            Answer(item.pk, Outcome.FAIL, "", (self.photo,))
            if self.rng.random() < FAIL_RATE
            else Answer(item.pk, Outcome.PASS)
            for item in items
        ]
        inspection, _created = inspection_submit(
            by=by, kind=visit.kind, answers=answers, site=visit.site, segment=visit.segment
        )
        Inspection.objects.filter(pk=inspection.pk).update(submitted_at=when)
        Visit.objects.filter(pk=visit.pk).update(inspection=inspection, done_at=when)
        self.count += 1


def _staff(plan: Plan, by: Person, teams: Sequence[tuple[str, Person | None, list[Person]]]) -> None:
    for name, leader, members in teams:
        team_save(plan=plan, by=by, name=name, leader=leader, members=members)
    visits_assign(plan=plan, by=by)
    plan_activate(plan=plan, by=by)


def _inspector_of(visit: Visit) -> Person | None:
    team = visit.team
    if team is None:
        return None
    return team.leader or team.members.order_by("pk").first()


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def build_plans(*, today: dt.date, seed: int = 1) -> PlansSummary:
    """Four closed 周检查 of the last four weeks, one 模拟测评 under way (needs a campaign and checklists)."""
    rng = random.Random(f"inspections-plans-{seed}")
    office = _demo_person("office", Role.OFFICE)
    supervisor = _demo_person("duchashi", Role.SUPERVISOR)
    inspector = _demo_person("xuncha", Role.INSPECTOR)
    if office is None or supervisor is None:
        return PlansSummary(checks=0, mocks=0, inspections=0)
    supervisors = [supervisor, *_people(Role.SUPERVISOR, exclude=[supervisor])][:2]
    inspectors = [p for p in [inspector, *_people(Role.INSPECTOR, exclude=[inspector])] if p is not None][:4]
    doer = _Inspector(rng)
    monday = today - dt.timedelta(days=today.weekday())
    checks = 0
    for weeks_ago in (4, 3, 2, 1):
        start = monday - dt.timedelta(weeks=weeks_ago)
        checks += _weekly_check(start, supervisors, inspectors, doer, rng)
    campaign = Campaign.objects.filter(is_active=True).order_by("sort_order", "pk").first()
    mocks = _mock(today, campaign, office, supervisors, inspectors, doer, rng) if campaign else 0
    return PlansSummary(checks=checks, mocks=mocks, inspections=doer.count)


def _weekly_check(
    start: dt.date, supervisors: list[Person], inspectors: list[Person], doer: _Inspector, rng: random.Random
) -> int:
    by = supervisors[0]
    week = start.isocalendar().week
    plan = plan_create(
        by=by,
        kind=InspectionKind.CHECK,
        name=f"第{week}周周检查",
        starts_on=start,
        due_on=start + dt.timedelta(days=4),
        seed=rng.randrange(10**9),
        sample=CHECK_SAMPLE,
    )
    half = len(inspectors) // 2
    teams = [
        ("督查一组", supervisors[0], inspectors[:half]),
        ("督查二组", supervisors[-1], inspectors[half:]),
    ]
    _staff(plan, by, teams)
    for visit in plan.visits.select_related("site", "segment", "team__leader").order_by("pk"):
        if rng.random() > CHECK_DONE_RATE or (person := _inspector_of(visit)) is None:
            continue
        day = start + dt.timedelta(days=rng.randint(0, 4))
        doer.inspect(visit, person, _at(day, rng.randint(9, 16), rng.randint(0, 59)))
    plan_close(plan=plan, by=by)
    return 1


def _mock(
    today: dt.date,
    campaign: Campaign,
    office: Person,
    supervisors: list[Person],
    inspectors: list[Person],
    doer: _Inspector,
    rng: random.Random,
) -> int:
    start = today - dt.timedelta(days=3)
    plan = plan_create(
        by=office,
        kind=InspectionKind.MOCK,
        name=f"{today.year}年第一次模拟测评",
        campaign=campaign,
        starts_on=start,
        due_on=today + dt.timedelta(days=4),
        seed=rng.randrange(10**9),
    )
    teams = [
        ("模拟测评一组", office, inspectors[:2]),
        ("模拟测评二组", supervisors[-1], inspectors[2:]),
    ]
    _staff(plan, office, teams)
    for visit in plan.visits.select_related("site", "segment", "team__leader").order_by("pk"):
        if rng.random() > MOCK_DONE_RATE or (person := _inspector_of(visit)) is None:
            continue
        day = start + dt.timedelta(days=rng.randint(0, 3))
        doer.inspect(visit, person, _at(day, rng.randint(9, 16), rng.randint(0, 59)))
    return 1


def wipe_plans() -> None:
    """Delete every 周检查 / 模拟测评 with its teams, visits and inspections (``demo_county --force``)."""
    with transaction.atomic():
        plan_visits = Visit.objects.filter(plan__isnull=False)
        done = list(plan_visits.exclude(inspection=None).values_list("inspection_id", flat=True))
        Plan.objects.all().delete()
        InspectionPhoto.objects.filter(result__inspection__in=done).delete()
        InspectionResult.objects.filter(inspection__in=done).delete()
        Inspection.objects.filter(pk__in=done).delete()
