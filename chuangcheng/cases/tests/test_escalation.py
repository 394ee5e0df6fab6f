"""督办 escalation: levels by the share of the limit used, idempotence, suspension, notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from chuangcheng.cases import services
from chuangcheng.cases.choices import Action, Escalation
from chuangcheng.cases.escalation import escalate_due, level_for, running_cases
from chuangcheng.cases.models import Case, CaseEvent, Category
from chuangcheng.cases.tasks import escalate_cases
from chuangcheng.notifications.models import Notification

from .api_helpers import dispatched_case, make_category

TZ = ZoneInfo("Asia/Shanghai")
# Monday 09:00, a working day; the limit is 2 working hours, so the deadline is 11:00 and
# twice the limit (4 working hours, lunch 12:00–14:30 excluded) is 15:30.
DISPATCHED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def at(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return DISPATCHED.replace(hour=hour, minute=minute, second=second)


@pytest.fixture
def case(world):
    with time_machine.travel(DISPATCHED, tick=False):
        running = dispatched_case(world, make_category(limit="2"))
    assert running.deadline == at(11)
    return running


def level(case: Case) -> int:
    case.refresh_from_db(fields=["escalation"])
    return case.escalation


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(10, 34, 48), Escalation.NONE),  # 79 % used
        (at(10, 36), Escalation.YELLOW),  # 80 %
        (at(11), Escalation.ORANGE),  # due now: overdue
        (at(15, 29), Escalation.ORANGE),  # 199 %
        (at(15, 30), Escalation.RED),  # 200 %
    ],
)
def test_the_level_follows_the_share_of_the_limit_used(case, now, expected):
    escalate_due(now)
    assert level(case) == expected


def test_levels_rise_one_after_another_with_one_event_each(case):
    for now in (at(10, 40), at(11, 30), at(16)):
        escalate_due(now)
    events = CaseEvent.objects.filter(case=case, action=Action.ESCALATE)
    assert [e.data["level"] for e in events] == [1, 2, 3]
    assert [e.at for e in events] == [at(10, 40), at(11, 30), at(16)]


def test_running_twice_escalates_once(case):
    assert escalate_due(at(10, 40)) == 1
    assert escalate_due(at(10, 41)) == 0
    assert CaseEvent.objects.filter(case=case, action=Action.ESCALATE).count() == 1


def test_notifications_are_created_once(case, world):
    escalate_due(at(11, 30))
    escalate_due(at(11, 31))
    messages = Notification.objects.filter(kind="case.escalated")
    assert [m.recipient for m in messages] == [world.admin_a]
    assert "橙色督办" in messages[0].title


def test_a_suspended_case_is_not_escalated(case, world):
    with time_machine.travel(at(9, 30), tick=False):
        services.case_suspend(case=case, by=world.office, project="道路改造", reason="需立项")
    assert escalate_due(at(16)) == 0
    assert level(case) == Escalation.NONE


def test_a_case_at_red_is_no_longer_scanned(case):
    escalate_due(at(16))
    assert not running_cases().filter(pk=case.pk).exists()


def test_the_level_helper_needs_a_running_clock():
    assert level_for(None, overdue=False) == Escalation.NONE
    assert level_for(0.5, overdue=True) == Escalation.ORANGE


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_scan_reads_an_index_not_the_whole_table(db):
    assert "USING INDEX case_status_created_idx" in running_cases().explain()


def test_the_task_and_the_tick_command_run_the_job(case):
    with time_machine.travel(at(11, 30), tick=False):
        assert escalate_cases.call() == 1
    with time_machine.travel(at(16), tick=False):
        out = StringIO()
        call_command("tick", stdout=out)
    assert "督办升级：1" in out.getvalue()
    assert level(case) == Escalation.RED


@pytest.mark.parametrize(
    ("new_limit", "now", "expected"),
    [
        ("10", at(10), Escalation.NONE),  # half of the 2 h it was dispatched with, not 90 % of 10 h
        ("0.5", at(15), Escalation.ORANGE),  # 1.5 working hours late: 175 % of 2 h, not 400 % of 0.5 h
    ],
)
def test_editing_the_categorys_limit_does_not_change_a_running_cases_level(case, new_limit, now, expected):
    Category.objects.filter(pk=case.category_id).update(time_limit=Decimal(new_limit))

    escalate_due(now)

    assert level(case) == expected
