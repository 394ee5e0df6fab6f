"""The demo county's checklists: the default content, linked to the seeded case categories."""

from __future__ import annotations

import datetime as dt
import io
import random
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
    Visit,
)
from .selectors import active_items, checklist_for_segment, checklist_for_site
from .services import SeedResult, checklists_seed


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
