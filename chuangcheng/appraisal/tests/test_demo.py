"""The demo appraisal: six published months with a trend, the current month a draft, built once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from chuangcheng.appraisal.choices import Board, RunStatus
from chuangcheng.appraisal.demo import build_appraisal
from chuangcheng.appraisal.models import Run, UnitResult
from chuangcheng.cases.demo import DemoCasesBuilder
from chuangcheng.org.choices import UnitGroup
from chuangcheng.places.demo import DemoCountyBuilder

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Built once for the module (~20 s) inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            DemoCountyBuilder(seed=1).build()
            DemoCasesBuilder(seed=1, days=30, count=1500, history_days=190).build()
            summary = build_appraisal(today=NOW.date())
        yield summary
        transaction.set_rollback(True)


def ranks(group: str) -> dict[str, list[int | None]]:
    rows = UnitResult.objects.filter(run__status=RunStatus.PUBLISHED, group=group).order_by("run__period_start")
    by_unit: dict[str, list[int | None]] = {}
    for row in rows:
        by_unit.setdefault(row.unit_name, []).append(row.rank)
    return by_unit


def test_the_demo_publishes_six_months_and_keeps_this_month_as_a_draft(demo) -> None:
    published = list(Run.objects.filter(status=RunStatus.PUBLISHED).order_by("period_start"))
    assert [(r.period_start.year, r.period_start.month) for r in published] == [
        (2026, 5),
        (2026, 6),
        (2026, 7),
        (2026, 8),
        (2026, 9),
        (2026, 10),
    ]
    draft = Run.objects.get(status=RunStatus.DRAFT)
    assert (draft.period_start, draft.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert (demo.published, demo.drafts) == (6, 1)
    # Each bulletin is dated the fifth working day after its month (October's: 11月6日; 国庆 holidays
    # push September's to 10月13日), not the day the demo was built.
    assert [r.doc_date for r in published][-2:] == [dt.date(2026, 10, 13), dt.date(2026, 11, 6)]
    assert len({r.doc_date for r in published}) == 6
    for run in published:
        assert run.doc_number and run.bulletin_docx
        assert run.published_at is not None and timezone.localdate(run.published_at) == run.doc_date
        assert run.overview["dispatched"] > 200, run.label
        assert run.adjustments.filter(points__gt=0).count() == 1
        assert run.adjustments.filter(points__lt=0).count() == 1
        assert run.typical_cases.count() == 2
        assert run.bulletin_text["summary"].startswith(run.label)


def test_the_ranking_moves_from_month_to_month(demo) -> None:
    towns = ranks(UnitGroup.TOWN)
    assert all(len(months) == 6 and None not in months for months in towns.values())
    # At least one town climbs five places or more over the half year (an improving town).
    climbs = {name: months[0] - months[-1] for name, months in towns.items()}  # type: ignore[operator]
    assert max(climbs.values()) >= 5, climbs


def test_a_department_stays_on_the_black_list_months_running(demo) -> None:
    last = Run.objects.filter(status=RunStatus.PUBLISHED).order_by("-period_start").first()
    assert last is not None
    flagged = last.results.filter(board=Board.BLACK, black_streak__gte=2)
    assert flagged.filter(group=UnitGroup.DEPARTMENT).exists()
    assert any(name in last.bulletin_text["summary"] for name in flagged.values_list("unit_name", flat=True))


def test_building_again_changes_nothing(demo) -> None:
    runs = list(Run.objects.order_by("pk").values_list("pk", "status", "version"))

    with time_machine.travel(NOW, tick=False):
        again = build_appraisal(today=NOW.date())

    assert (again.published, again.drafts) == (0, 0)
    assert list(Run.objects.order_by("pk").values_list("pk", "status", "version")) == runs
