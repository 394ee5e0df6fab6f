"""The deadline scan: 催办 before the deadline, 逾期 and one 督办单 after it, late replies to the office.

Time is frozen (Tuesday 24 November 2026 09:00) and moved, never slept. TASK_REMIND_DAYS is 3.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from chuangcheng.indicators import services
from chuangcheng.indicators.choices import NoticeStatus, TaskAction
from chuangcheng.indicators.models import SupervisionNotice, Task, TaskEvent
from chuangcheng.notifications.models import Notification

from .conftest import at


@pytest.fixture(autouse=True)
def remind_days(settings):
    settings.TASK_REMIND_DAYS = 3
    settings.NOTICE_REPLY_WORKDAYS = 3


@pytest.fixture
def task(frozen, task_factory, world) -> Task:
    """Due Friday 27 November, led by 城关街道 with 城南街道 cooperating."""
    return task_factory(deadline=dt.date(2026, 11, 27), cooperating_units=[world.town_b])


def scan() -> int:
    return services.scan_deadlines(timezone.now())


def count(task: Task, action: str) -> int:
    return TaskEvent.objects.filter(task=task, action=action).count()


def titles(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("title", flat=True))


def test_it_reminds_once_within_the_days_before_the_deadline(task, world, frozen):
    later = services.task_create(
        by=world.office,
        campaign=task.campaign,
        indicator=task.indicator,
        code="RW-LATER",
        title="远期任务",
        target="目标",
        lead_unit=world.town_a,
        deadline=dt.date(2026, 11, 30),
    )
    assert scan() == 1
    task.refresh_from_db()
    assert task.reminded_on == dt.date(2026, 11, 24)
    assert count(task, TaskAction.REMIND) == 1 and count(later, TaskAction.REMIND) == 0
    assert "催办：任务 RW-001 距完成时限还有 3 天" in titles(world.admin_a)
    assert "催办：任务 RW-001 距完成时限还有 3 天" in titles(world.admin_b)  # cooperating unit
    assert scan() == 0
    frozen(at(2026, 11, 25, 9, 0))
    assert scan() == 0
    assert count(task, TaskAction.REMIND) == 1
    frozen(at(2026, 11, 27, 9, 0))
    assert scan() == 1  # RW-LATER enters its window
    assert count(later, TaskAction.REMIND) == 1


def test_a_moved_deadline_is_reminded_again(task, world, frozen):
    assert scan() == 1
    services.task_update(task=task, by=world.office, deadline=dt.date(2026, 12, 10))
    frozen(at(2026, 12, 7, 9, 0))
    assert scan() == 1
    assert count(task, TaskAction.REMIND) == 2


def test_done_tasks_are_neither_reminded_nor_overdue(task, world, frozen):
    report, _ = services.report_progress(task=task, by=world.admin_a, percent=100, narrative="完成")
    services.review_report(report=report, by=world.office, accept=True)
    assert scan() == 0
    frozen(at(2026, 12, 1, 9, 0))
    assert scan() == 0
    assert not SupervisionNotice.objects.exists()


def test_the_deadline_day_itself_is_not_overdue(task, frozen):
    frozen(at(2026, 11, 27, 23, 59))
    scan()
    task.refresh_from_db()
    assert task.overdue_at is None


def test_overdue_raises_one_notice_and_the_whole_loop_closes(task, world, frozen):
    scan()  # the reminder
    frozen(at(2026, 11, 28, 0, 30))  # Saturday, just after the deadline day
    assert scan() == 1
    task.refresh_from_db()
    assert task.overdue_at == at(2026, 11, 28, 0, 30)
    notice = SupervisionNotice.objects.get(task=task)
    assert notice.dedupe_key == f"overdue:{task.pk}:{task.deadline:%Y%m%d}" and notice.issued_by is None
    assert notice.code == "DB20261128001" and notice.unit == world.town_a
    # 3 working days from the weekend: Monday, Tuesday, Wednesday to the end of the day.
    assert notice.reply_deadline == at(2026, 12, 2, 18, 0)
    assert "RW-001" in notice.reason
    assert any(t.startswith("督办单 DB20261128001") for t in titles(world.admin_a))
    assert count(task, TaskAction.OVERDUE) == 1 and count(task, TaskAction.NOTICE) == 1

    assert scan() == 0  # running twice does nothing twice
    frozen(at(2026, 11, 30, 9, 0))
    assert scan() == 0
    assert SupervisionNotice.objects.count() == 1 and count(task, TaskAction.OVERDUE) == 1

    frozen(at(2026, 12, 3, 9, 0))  # the reply is late: the office hears of it once
    assert scan() == 1
    assert any("逾期未回复" in t for t in titles(world.office))
    assert scan() == 0

    services.notice_reply(notice=notice, by=world.admin_a, reply="已加派人手，12月10日前完成")
    assert any("已回复督办单" in t for t in titles(world.office))  # the system issued it: the office hears
    services.notice_close(notice=notice, by=world.supervisor, note="同意")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert scan() == 0
    assert list(TaskEvent.objects.filter(task=task).values_list("action", flat=True)) == [
        TaskAction.CREATE,
        TaskAction.REMIND,
        TaskAction.OVERDUE,
        TaskAction.NOTICE,
        TaskAction.REPLY,
        TaskAction.CLOSE_NOTICE,
    ]


def test_the_tick_command_runs_the_scan(task, frozen, capsys):
    frozen(at(2026, 11, 30, 9, 0))
    call_command("tick")
    assert "任务催办与逾期督办：1" in capsys.readouterr().out
    assert SupervisionNotice.objects.filter(task=task).exists()


def test_a_task_that_misses_its_moved_deadline_too_gets_a_second_notice(task, world, frozen):
    frozen(at(2026, 11, 28, 0, 30))
    scan()
    services.task_update(task=task, by=world.office, deadline=dt.date(2026, 12, 4))
    task.refresh_from_db()
    assert task.overdue_at is None

    frozen(at(2026, 12, 5, 0, 30))
    scan()

    assert list(
        SupervisionNotice.objects.filter(task=task).order_by("issued_at").values_list("dedupe_key", flat=True)
    ) == [
        f"overdue:{task.pk}:20261127",
        f"overdue:{task.pk}:20261204",
    ]
