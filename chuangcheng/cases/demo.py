"""Demo cases: a month of the case loop on the demo county (and a thinner history before it), in bulk.

Every case is simulated through the same steps the services take (report → accept → dispatch
→ handle → verify, with rejections, returns, 返工, 挂账 and auto-dispatch), stopping where
``now`` finds it. Deadlines come from the working calendar and 督办 events are written at the
moments the levels were reached (80 %, the deadline, twice the limit), so lights, rankings and
the escalation job see a consistent history. Rows are inserted with ``executemany`` in batches
(1 M cases in minutes) instead of through the services (~15 ms a case): what the services
would write, without photos, notifications, extension requests or merges.

Units differ, so the monthly appraisal has something to rank: each town and department has a
``Form`` (how fast it handles, how often its work fails the check) that drifts month by month —
a few towns improve, one department stays slow — drawn from the seed like everything else.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from chuangcheng.core.workcalendar import add_working_time, provisional_between
from chuangcheng.org.choices import Role, UnitGroup
from chuangcheng.org.models import Membership, Person, Unit
from chuangcheng.places.models import RoadSegment

from . import services
from .choices import Action, Escalation, RoutingRule, Source, Status, TimeUnit
from .models import Case, CaseCounter, CaseEvent, CasePhoto, Category, ExtensionRequest
from .selectors import YELLOW_AT

CASES_PER_SCALE = 1500
BATCH = 5000
MAX_SEGMENTS = 4000
HISTORY_PER_DAY = 20  # cases a day before the recent window (the recent month has ~50)
REWORK_ODDS = 0.12
WH = TimeUnit.WORK_HOURS

SOURCES = (
    (Source.PATROL, 40),
    (Source.CITIZEN, 20),
    (Source.INSPECTION, 15),
    (Source.HOTLINE, 10),
    (Source.SUPERIOR, 6),
    (Source.MAILBOX, 5),
    (Source.MEDIA, 4),
)
# The campaign's everyday problems come up far more often than broken hydrants.
HEAVY = {"暴露垃圾": 12, "乱堆乱放": 10, "乱停乱放": 9, "乱摆乱卖": 8, "乱贴乱画": 7, "乱拉乱挂": 6, "私搭乱建": 4}
COMMON = {"道路不洁": 5, "占道经营": 6, "绿地脏乱": 3, "路灯": 3, "污水井盖": 2, "公厕脏乱": 2}
PHRASES = ("附近{c}，请尽快处理", "{c}，群众反映较多", "发现{c}，影响市容", "{c}问题反复出现", "巡查发现{c}")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
ORIGINS: dict[str, str] = {Source.MEDIA: "县融媒体中心", Source.SUPERIOR: "市创建办"}


@dataclass
class Place:
    segment_id: int
    unit_id: int
    grid_id: int | None
    town_id: int | None
    road: str
    coords: list[list[float]]


@dataclass
class Story:
    """One case being simulated: its row values and the events written so far."""

    pk: int
    category: Category
    place: Place
    status: str = Status.REPORTED
    fields: dict[str, Any] = field(default_factory=dict)
    events: list[tuple] = field(default_factory=list)
    version: int = 0

    def event(self, action: str, at: dt.datetime, actor: int | None, to: str, **extra: Any) -> None:
        row = (self.pk, action, actor, at, self.status, to, extra.get("unit"), extra.get("note", ""))
        self.events.append((*row, extra.get("deadline"), extra.get("data", {})))
        if action not in (Action.REPORT, Action.ESCALATE):
            self.version += 1
        self.status = to


@dataclass(frozen=True)
class Form:
    """How a unit works: the share of the limit it takes (×) and the odds of 返工 (×), now, and
    how much worse each was per month back (negative: it has been getting worse)."""

    pace: float = 1.0
    rework: float = 1.0
    drift: float = 0.0

    def at(self, months_ago: float) -> tuple[float, float]:
        factor = 1 + self.drift * months_ago
        return max(0.4, self.pace * factor), max(0.0, self.rework * factor)


STEADY = Form()


@dataclass
class DemoCasesSummary:
    cases: int = 0
    events: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


class DemoCasesBuilder:
    """Simulates ``count`` cases reported over the ``days`` before ``now`` and inserts them."""

    def __init__(
        self,
        *,
        seed: int = 1,
        days: int = 30,
        count: int = CASES_PER_SCALE,
        now: dt.datetime | None = None,
        log: Callable[[str], None] | None = None,
        history_days: int = 0,
        history_count: int | None = None,
    ) -> None:
        self.rng = random.Random(f"cases-{seed}")
        self.seed = seed
        self.days, self.count = max(days, 1), count
        self.history_days = max(history_days, 0)
        self.history_count = history_days * HISTORY_PER_DAY if history_count is None else history_count
        self.now = timezone.localtime(now or timezone.now())
        self.log = log or (lambda message: None)
        self.summary = DemoCasesSummary()

    # --- set-up --------------------------------------------------------------------------------

    def load(self) -> None:
        services.seed_categories()
        leaves = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("code"))
        if not leaves:
            raise ValueError("no categories")
        self.categories = leaves
        self.weights = [HEAVY.get(c.name) or COMMON.get(c.name) or 1 for c in leaves]
        self.places = self._places()
        self.people = self._people()
        self.forms = self._forms()

    def _places(self) -> list[Place]:
        ids = list(RoadSegment.objects.values_list("pk", flat=True))
        if not ids:
            raise ValueError("no road segments: build the demo county first")
        chosen = sorted(self.rng.sample(ids, min(len(ids), MAX_SEGMENTS)))
        rows = RoadSegment.objects.filter(pk__in=chosen).values_list(
            "pk", "unit_id", "grid_id", "grid__street_id", "road_name", "geometry"
        )
        return [Place(pk, unit, grid, town, road, geo["coordinates"]) for pk, unit, grid, town, road, geo in rows]

    def _people(self) -> dict[str, Any]:
        by_role: dict[str, list[int]] = {}
        staff: dict[int, list[int]] = {}
        for person, unit, role in Membership.objects.values_list("person_id", "unit_id", "role"):
            by_role.setdefault(role, []).append(person)
            if role in (Role.UNIT_ADMIN, Role.HANDLER):
                staff.setdefault(unit, []).append(person)
        names = dict(Person.objects.values_list("pk", "real_name"))
        return {"roles": by_role, "staff": staff, "names": names}

    def _forms(self) -> dict[int, Form]:
        """Every unit's form, by the town or department that answers for it.

        Among the towns three improve month by month (much slower half a year ago), two slip,
        the rest keep a pace of their own; of the departments that own categories (so get
        cases), one stays slow and careless throughout.
        """
        rng = random.Random(f"forms-{self.seed}")
        units = list(Unit.objects.order_by("code").values_list("pk", "path", "group"))
        towns = [pk for pk, _path, group in units if group == UnitGroup.TOWN]
        owned = Counter(Category.objects.exclude(owner_unit=None).values_list("owner_unit_id", flat=True))
        departments = [pk for pk, _path, group in units if group == UnitGroup.DEPARTMENT and pk in owned]
        rng.shuffle(towns)
        rng.shuffle(departments)
        # The slow one owns the most categories, so it has cases enough every month to be ranked.
        departments.sort(key=lambda pk: -owned[pk])
        ranked: dict[int, Form] = {}
        for i, pk in enumerate(towns):
            if i < 3:
                ranked[pk] = Form(pace=rng.uniform(0.7, 0.85), rework=0.6, drift=0.2)
            elif i < 5:
                ranked[pk] = Form(pace=rng.uniform(0.95, 1.1), rework=1.2, drift=-0.06)
            else:
                ranked[pk] = Form(pace=rng.uniform(0.8, 1.25), rework=rng.uniform(0.6, 1.4))
        for i, pk in enumerate(departments):
            ranked[pk] = Form(pace=1.9, rework=2.5) if i == 0 else Form(pace=rng.uniform(0.75, 1.2))
        forms: dict[int, Form] = {}
        for pk, path, _group in units:
            chain = [int(part) for part in path.strip("/").split("/") if part]
            form = next((ranked[a] for a in reversed(chain) if a in ranked), STEADY)
            forms[pk] = form
        return forms

    def _form(self, story: Story, at: dt.datetime) -> tuple[float, float]:
        """(pace, rework odds ×) of the unit holding the case, as it worked at ``at``."""
        form = self.forms.get(story.fields.get("unit_id") or 0, STEADY)
        return form.at((self.now - at).total_seconds() / (30 * 86400))

    def _one(self, role: str) -> int | None:
        people = self.people["roles"].get(role)
        return self.rng.choice(people) if people else None

    def _staff(self, unit_id: int) -> int | None:
        people = self.people["staff"].get(unit_id)
        return self.rng.choice(people) if people else None

    # --- the run ---------------------------------------------------------------------------------

    def build(self) -> DemoCasesSummary:
        """One transaction per batch: a million cases in one would grow SQLite's WAL to gigabytes."""
        self.load()
        next_case = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        counters = dict(CaseCounter.objects.values_list("day", "last"))
        recent = [self._report_time(0, self.days) for _ in range(self.count)]
        older = [self._report_time(self.days, self.days + self.history_days) for _ in range(self.history_count)]
        moments = sorted(recent + older)
        for start in range(0, len(moments), BATCH):
            stories = [self.simulate(next_case + start + i, t) for i, t in enumerate(moments[start : start + BATCH])]
            with transaction.atomic():
                self._insert(stories, counters)
                self._save_counters(counters)
            if len(moments) > BATCH and (start // BATCH) % 20 == 19:
                self.log(f"  已生成 {start + BATCH:,}/{len(moments):,} 件案卷")
        _reset_sequences()
        return self.summary

    def _report_time(self, nearest: int, farthest: int) -> dt.datetime:
        """Mostly daytime, a few in the evening, ``nearest`` to ``farthest`` days back; never after ``now``."""
        while True:
            day = self.now.date() - dt.timedelta(days=self.rng.randrange(nearest, farthest))
            hour = self.rng.choices((7, 8, 9, 10, 11, 14, 15, 16, 17, 19, 21), (2, 6, 9, 9, 7, 6, 8, 8, 5, 3, 1))[0]
            naive = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60), self.rng.randrange(60)))
            moment = timezone.make_aware(naive, self.now.tzinfo)
            if moment < self.now:
                return moment

    def simulate(self, pk: int, reported_at: dt.datetime) -> Story:
        category = self.rng.choices(self.categories, self.weights)[0]
        story = Story(pk=pk, category=category, place=self.rng.choice(self.places))
        self._report(story, reported_at)
        self._intake(story, reported_at)
        return story

    # --- the steps, each as its service would write it ------------------------------------------

    def _report(self, story: Story, at: dt.datetime) -> None:
        source = self.rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
        place, rng = story.place, self.rng
        a, b = (place.coords[0], place.coords[-1]) if len(place.coords) < 2 else rng.sample(place.coords, 2)
        share = rng.random()
        reporter = self._one(Role.INSPECTOR) if source in (Source.PATROL, Source.INSPECTION) else None
        address = f"{place.road}{rng.randint(1, 299)}号"
        story.fields = {
            "source": source,
            "description": f"{address}" + rng.choice(PHRASES).format(c=story.category.name),
            "address": address,
            "lon": round(a[0] + (b[0] - a[0]) * share + rng.uniform(-4e-5, 4e-5), 7),
            "lat": round(a[1] + (b[1] - a[1]) * share + rng.uniform(-4e-5, 4e-5), 7),
            "reporter_id": reporter,
            "reporter_name": self._reporter_name(source, reporter),
            "reporter_phone": "" if reporter else f"13{rng.randrange(10**9):09d}",
            "urgent": story.category.urgent,
            "created_at": at,
        }
        story.event(Action.REPORT, at, reporter, Status.REPORTED, data={"source": source})

    def _reporter_name(self, source: str, reporter: int | None) -> str:
        if reporter is not None:
            return self.people["names"].get(reporter, "")
        return ORIGINS.get(source) or self.rng.choice(SURNAMES) + self.rng.choice(("先生", "女士"))

    def _intake(self, story: Story, reported_at: dt.datetime) -> None:
        """立案 and 派遣 by the office, or both at once by the system for auto-dispatch categories."""
        if story.category.auto_dispatch and self.rng.random() < 0.8:
            story.event(Action.ACCEPT, reported_at, None, Status.ACCEPTED, note="系统自动立案")
            self._dispatch(story, reported_at, self._route(story), None, "系统自动派遣（责任归属明确）")
            return
        at = add_working_time(reported_at, self.rng.uniform(0.1, 1.5), WH)
        if at > self.now:
            return
        office = self._one(Role.OFFICE)
        if self.rng.random() < 0.04:
            story.event(Action.REJECT, at, office, Status.REJECTED, note="经核实不属于受理范围")
            story.fields["closed_at"] = at
            return
        story.event(Action.ACCEPT, at, office, Status.ACCEPTED)
        at = add_working_time(at, self.rng.uniform(0.1, 1.0), WH)
        if at <= self.now:
            self._dispatch(story, at, self._route(story), office, "")

    def _route(self, story: Story, *, second: bool = False) -> int:
        owner, territorial = story.category.owner_unit_id, story.place.unit_id
        owner_first = story.category.effective_routing_rule == RoutingRule.OWNER_FIRST and owner
        first, other = (owner, territorial) if owner_first else (territorial, owner or story.place.town_id)
        return (other or first) if second else first  # type: ignore[return-value]

    def _dispatch(self, story: Story, at: dt.datetime, unit: int, office: int | None, note: str) -> None:
        deadline = self._start_clock(story, at)
        story.fields.update(unit_id=unit, escalation=0)
        story.event(Action.DISPATCH, at, office, Status.DISPATCHED, unit=unit, note=note, deadline=deadline)
        if story.version <= 2 and self.rng.random() < 0.03:
            self._return(story, at)
        else:
            self._work(story, at)

    def _return(self, story: Story, dispatched_at: dt.datetime) -> None:
        at = add_working_time(dispatched_at, self.rng.uniform(0.2, 2.0), WH)
        if at > self.now:
            return self._work(story, dispatched_at)
        unit = story.fields["unit_id"]
        story.event(Action.RETURN, at, self._staff(unit), Status.RETURNED, unit=unit, note="不属于本单位职责范围")
        story.fields.update(
            unit_id=None,
            dispatched_at=None,
            deadline=None,
            time_limit=None,
            time_unit="",
            yellow_at=None,
            deadline_provisional=False,
        )
        again = add_working_time(at, self.rng.uniform(0.2, 1.0), WH)
        if again <= self.now:
            self._dispatch(story, again, self._route(story, second=True), self._one(Role.OFFICE), "退回后重新派遣")

    def _start_clock(self, story: Story, at: dt.datetime) -> dt.datetime:
        """What services._clock_from keeps on the case: the limit, the deadline and the 80 % moment.

        The 80 % moment counted forward from the start is the one counted back from the deadline
        (20 % of the limit before it), so it comes from the arithmetic the escalation needs anyway.
        """
        limit, unit = story.category.limit_for(urgent=story.category.urgent)
        deadline = self._deadline(story, at, 1.0)
        story.fields.update(
            dispatched_at=at,
            deadline=deadline,
            time_limit=limit,
            time_unit=unit,
            yellow_at=self._deadline(story, at, YELLOW_AT),
            deadline_provisional=provisional_between(at, deadline, unit),
        )
        return deadline

    def _deadline(self, story: Story, start: dt.datetime, share: float) -> dt.datetime:
        limit, unit = story.category.limit_for(urgent=story.category.urgent)
        return add_working_time(start, float(limit) * share, unit)

    def _work(self, story: Story, started: dt.datetime) -> None:
        """The unit holds the case: maybe 挂账, else handled after some share of the limit."""
        pace, _rework = self._form(story, started)
        share = self.rng.choices((0.3, 0.6, 0.9, 1.4, 2.3), (30, 35, 18, 12, 5))[0] * self.rng.uniform(0.7, 1.1) * pace
        handled_at = self._deadline(story, started, share)
        if self.rng.random() < 0.02:
            return self._suspend(story, started, started + (min(handled_at, self.now) - started) / 2)
        self._escalate(story, started, min(handled_at, self.now))
        if handled_at > self.now:
            return
        unit = story.fields["unit_id"]
        story.event(Action.HANDLE, handled_at, self._staff(unit), Status.HANDLED, unit=unit, note="已处置完毕")
        self._verify(story, handled_at)

    def _escalate(self, story: Story, started: dt.datetime, until: dt.datetime) -> None:
        levels = (
            (story.fields["yellow_at"], Escalation.YELLOW),
            (story.fields["deadline"], Escalation.ORANGE),
            (self._deadline(story, started, 2.0), Escalation.RED),
        )
        for at, level in levels:
            if at <= until:
                unit = story.fields["unit_id"]
                story.event(Action.ESCALATE, at, None, story.status, unit=unit, data={"level": int(level)})
                story.fields["escalation"] = int(level)

    def _suspend(self, story: Story, started: dt.datetime, at: dt.datetime) -> None:
        self._escalate(story, started, at)
        data = {"project": "道路提升改造工程", "resume_to": story.status}
        story.event(Action.SUSPEND, at, self._one(Role.OFFICE), Status.SUSPENDED, note="需立项解决", data=data)
        story.fields["suspended_at"] = at

    def _verify(self, story: Story, handled_at: dt.datetime) -> None:
        at = add_working_time(handled_at, self.rng.uniform(0.3, 5.0), WH)
        if at > self.now:
            return
        verifier = self._one(self.rng.choice((Role.SUPERVISOR, Role.OFFICE)))
        _pace, rework = self._form(story, handled_at)
        if story.fields.get("rework_count", 0) == 0 and self.rng.random() < REWORK_ODDS * rework:
            deadline = self._start_clock(story, at)
            story.fields.update(rework_count=1, escalation=0)
            unit = story.fields["unit_id"]
            story.event(
                Action.VERIFY_FAIL, at, verifier, Status.REWORK, unit=unit, note="现场仍未整改到位", deadline=deadline
            )
            return self._work(story, at)
        story.event(Action.VERIFY_PASS, at, verifier, Status.CLOSED)
        story.fields["closed_at"] = at

    # --- writing -------------------------------------------------------------------------------

    def _insert(self, stories: list[Story], counters: dict[dt.date, int]) -> None:
        cases, events = [], []
        for story in stories:
            day = timezone.localdate(story.fields["created_at"])
            counters[day] = counters.get(day, 0) + 1
            cases.append(self._case_row(story, f"AJ{day:%Y%m%d}{counters[day]:05d}"))
            events.extend(story.events)
            self.summary.by_status[story.status] = self.summary.by_status.get(story.status, 0) + 1
        insert_rows(Case, CASE_COLUMNS, cases)
        insert_rows(CaseEvent, EVENT_COLUMNS, events)
        self.summary.cases += len(cases)
        self.summary.events += len(events)

    def _case_row(self, story: Story, code: str) -> tuple:
        f, place = story.fields, story.place
        last = story.events[-1][3]
        values = {
            **f,
            "id": story.pk,
            "code": code,
            "category_id": story.category.pk,
            "segment_id": place.segment_id,
            "grid_id": place.grid_id,
            "town_id": place.town_id,
            "status": story.status,
            "updated_at": last,
            "version": story.version,
        }
        return tuple(values.get(column, DEFAULTS.get(column)) for column in CASE_COLUMNS)

    @staticmethod
    def _save_counters(counters: dict[dt.date, int]) -> None:
        """Later reports continue each day's serial after the demo's codes."""
        existing = dict(CaseCounter.objects.filter(day__in=list(counters)).values_list("day", "last"))
        CaseCounter.objects.bulk_create([CaseCounter(day=d, last=n) for d, n in counters.items() if d not in existing])
        for day, last in existing.items():
            if last != counters[day]:
                CaseCounter.objects.filter(day=day).update(last=counters[day])


CASE_COLUMNS = (
    "id", "code", "source", "category_id", "description", "address", "lon", "lat", "segment_id", "grid_id",
    "site_id", "town_id", "status", "urgent", "reporter_id", "reporter_name", "reporter_phone", "unit_id", "handler_id",
    "dispatched_at", "deadline", "time_limit", "time_unit", "yellow_at", "deadline_provisional", "suspended_at",
    "escalation", "merged_into_id", "closed_at", "rework_count", "idempotency_key", "version", "created_at",
    "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "case_id",
    "action",
    "actor_id",
    "at",
    "from_status",
    "to_status",
    "unit_id",
    "note",
    "deadline",
    "data",
)
DEFAULTS = {
    "escalation": 0,
    "urgent": False,
    "rework_count": 0,
    "address": "",
    "reporter_phone": "",
    "time_unit": "",
    "deadline_provisional": False,
}


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """executemany of plain tuples (by attname), with values adapted as the ORM would."""
    meta = model._meta
    fields = [_concrete(meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c)) for c in columns]
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [_adapted(row, adapters) for row in rows])


def _concrete(f: Any) -> models.Field:
    assert isinstance(f, models.Field), f
    return f


def _adapted(row: tuple, adapters: list[tuple[int, Callable[[Any], Any]]]) -> list:
    values = list(row)
    for i, adapt in adapters:
        if values[i] is not None:
            values[i] = adapt(values[i])
    return values


def _adapter(f: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(f, models.DateTimeField) and connection.vendor == "sqlite":
        # What DatabaseOperations.adapt_datetimefield_value returns (naive UTC text), 3× faster.
        return lambda v: str(v.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(f, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(f, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    return None


def _reset_sequences() -> None:
    """Rows went in with explicit ids: move PostgreSQL's sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def wipe_cases() -> None:
    """Delete every case, its history and the categories (``demo_county --force``; reseeded after)."""
    with transaction.atomic():
        for model in (CasePhoto, ExtensionRequest, CaseEvent):
            model.objects.all().delete()
        Case.objects.update(merged_into=None)
        Case.objects.all().delete()
        CaseCounter.objects.all().delete()
        # Categories point at units (属主) and at their 大类, both PROTECTed.
        Category.objects.update(parent=None)
        Category.objects.all().delete()
