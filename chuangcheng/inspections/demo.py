"""The demo county's inspections: the default checklists (linked to the seeded case categories), and
the 周检查 / 模拟测评 plans with their inspections."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from chuangcheng.cases.services import seed_categories
from chuangcheng.core.photos import ProcessedPhoto, process_photo
from chuangcheng.indicators.models import Campaign
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

from .choices import InspectionKind, Outcome
from .models import (
    Checklist,
    ChecklistItem,
    ChecklistItemVersion,
    Inspection,
    InspectionPhoto,
    InspectionResult,
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


def _demo_photo() -> ProcessedPhoto:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, "JPEG")
    return process_photo(SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg"))


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
