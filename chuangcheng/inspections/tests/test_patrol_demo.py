"""The demo's 日巡查 on the hand-checked county: default rules, a month of routes, most walked, some 漏巡."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chuangcheng.cases.services import seed_categories
from chuangcheng.inspections.demo import PATROL_DAYS, build_patrols, wipe_patrols
from chuangcheng.inspections.models import Inspection, InspectionResult, PatrolRule, Visit
from chuangcheng.inspections.services import checklists_seed

from .patrol_county import build

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_month_of_patrols_mostly_done_and_reproducible(world):
    build(world)
    PatrolRule.objects.all().delete()  # the demo seeds its own defaults
    seed_categories()
    checklists_seed()

    summary = build_patrols(seed=3, now=NOW)

    first = NOW.date() - dt.timedelta(days=PATROL_DAYS - 1)
    assert Visit.objects.filter(due_on__lt=first).count() == 0
    assert Visit.objects.filter(due_on=NOW.date() + dt.timedelta(days=1)).exists()  # tomorrow's routes too
    past = Visit.objects.filter(due_on__lt=NOW.date())
    done = past.filter(done_at__isnull=False)
    assert summary.missed == past.filter(done_at__isnull=True).count() > 0
    assert done.count() > 0.7 * past.count()
    # Every done visit points at an inspection of its place, submitted on its day, every item answered.
    for visit in done.select_related("inspection"):
        inspection = visit.inspection
        assert inspection is not None and (inspection.site_id, inspection.segment_id) == (
            visit.site_id,
            visit.segment_id,
        )
        assert inspection.submitted_at.astimezone(NOW.tzinfo).date() == visit.due_on
    assert InspectionResult.objects.filter(inspection__in=done.values("inspection")).count() > 5 * done.count()
    assert Inspection.objects.filter(submitted_at__gt=NOW).count() == 0

    fields = ("due_on", "segment_id", "site_id", "assignee_id", "done_at")
    states = set(Visit.objects.values_list(*fields))
    wipe_patrols()
    build_patrols(seed=3, now=NOW)
    assert set(Visit.objects.values_list(*fields)) == states
