"""长期任务: reported on a cycle, a missed report is overdue like a missed deadline, never done.

Time is frozen (Tuesday 24 November 2026 09:00) and moved. TASK_REMIND_DAYS is 3.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chuangcheng.indicators import services
from chuangcheng.indicators.choices import ReportCycle, TaskAction, TaskStatus
from chuangcheng.indicators.models import SupervisionNotice, Task, TaskEvent
from chuangcheng.indicators.readiness import compute_readiness

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def remind_days(settings):
    settings.TASK_REMIND_DAYS = 3
    settings.NOTICE_REPLY_WORKDAYS = 3


@pytest.fixture
def monthly(frozen, world, campaign, framework) -> Task:
    return services.task_create(
        by=world.office,
        campaign=campaign,
        indicator=framework.standards[0],
        code="CT-001",
        title="开展文明劝导",
        target="每月劝导不少于4次",
        lead_unit=world.town_a,
        deadline=None,
        report_cycle=ReportCycle.MONTHLY,
    )


def scan() -> int:
    return services.scan_deadlines(timezone.now())


def report(task: Task, by, percent: int = 100) -> None:
    services.report_progress(task=task, by=by, percent=percent, narrative="本月开展劝导4次")


def test_an_ongoing_task_is_first_due_at_the_end_of_this_month(monthly):
    assert monthly.deadline == dt.date(2026, 11, 30)


def test_a_report_in_time_moves_the_next_report_to_the_end_of_next_month_and_acceptance_never_makes_it_done(
    monthly, world
):
    report(monthly, world.admin_a)
    monthly.refresh_from_db()
    assert monthly.deadline == dt.date(2026, 12, 31)

    services.review_report(report=monthly.reports.get(), by=world.office, accept=True)

    monthly.refresh_from_db()
    assert (monthly.status, monthly.percent, monthly.done_at) == (TaskStatus.IN_PROGRESS, 100, None)
    # It takes next month's report like any other.
    report(monthly, world.admin_a)
    assert monthly.reports.count() == 2


def test_a_missed_monthly_report_is_reminded_then_overdue_with_a_notice_each_month(monthly, world, frozen):
    frozen(at(2026, 11, 28, 9))
    assert scan() == 1
    assert TaskEvent.objects.filter(task=monthly, action=TaskAction.REMIND).get().note == "距本期报送截止还有 2 天"

    frozen(at(2026, 12, 1, 9))
    scan()
    monthly.refresh_from_db()
    assert monthly.overdue_at is not None
    notice = SupervisionNotice.objects.get(task=monthly)
    assert "未按期报送本期进展（应于 2026-11-30 前报送，每月报送）" in notice.reason

    # The late report covers December: the overdue mark goes, the next report is due 31 December.
    report(monthly, world.admin_a, percent=50)
    monthly.refresh_from_db()
    assert (monthly.deadline, monthly.overdue_at) == (dt.date(2026, 12, 31), None)

    frozen(at(2027, 1, 1, 9))
    services.review_report(report=monthly.reports.get(), by=world.office, accept=True)
    scan()
    assert SupervisionNotice.objects.filter(task=monthly).count() == 2


def test_readiness_counts_the_latest_accepted_report_of_an_ongoing_task(monthly, world, campaign, framework):
    report(monthly, world.admin_a, percent=100)
    services.review_report(report=monthly.reports.get(), by=world.office, accept=True)

    node = compute_readiness(campaign).node(framework.standards[0].code)

    [credit] = node.tasks
    assert credit.percent == 100 and not credit.overdue and credit.status != TaskStatus.DONE


def test_the_ledger_shows_an_ongoing_task_with_its_next_report_date(client, monthly, world):
    client.force_login(world.office)

    page = client.get(reverse("indicators:ledger")).content.decode()

    assert "长期（每月报送）" in page and "下次报送 <time>2026-11-30</time>" in page
