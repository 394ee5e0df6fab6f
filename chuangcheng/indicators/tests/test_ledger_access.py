"""Who sees which tasks, 督办单 and evidence; what the ledger and the framework tree show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from chuangcheng.indicators import access, selectors, services
from chuangcheng.indicators.choices import TaskStatus
from chuangcheng.indicators.models import Evidence, Task

from .conftest import pdf_evidence

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def tasks(task_factory, world) -> dict[str, Task]:
    """One task per situation: led by 城关街道, led by 城南街道 with 住建局 cooperating, led by a community."""
    return {
        "town_a": task_factory(code="A"),
        "town_b": task_factory(code="B", lead_unit=world.town_b, cooperating_units=[world.housing]),
        "community": task_factory(code="C", lead_unit=world.community_a1, cooperating_units=[world.town_b]),
    }


def visible(person) -> set[str]:
    return set(selectors.task_list_for_user(user=person).values_list("code", flat=True))


def test_county_wide_roles_see_every_task(world, tasks):
    for person in (world.office, world.supervisor, world.leader):
        assert visible(person) == {"A", "B", "C"}


def test_unit_roles_see_the_tasks_their_units_lead_or_cooperate_on(world, tasks):
    assert visible(world.admin_a) == {"A", "C"}  # C is led by a community of 城关街道
    assert visible(world.admin_b) == {"B", "C"}  # C: 城南街道 cooperates
    assert visible(world.handler_a) == {"C"}


def test_street_roles_without_a_unit_role_see_no_tasks(world, tasks):
    assert visible(world.inspector) == set()
    assert visible(world.chief_a) == set()
    assert visible(world.volunteer) == set()


def test_another_units_task_is_404(world, tasks):
    assert selectors.get_task_for_user(world.admin_a, tasks["town_a"].pk) == tasks["town_a"]
    with pytest.raises(Http404):
        selectors.get_task_for_user(world.admin_a, tasks["town_b"].pk)
    with pytest.raises(Http404):
        selectors.get_task_for_user(world.inspector, tasks["town_a"].pk)
    with pytest.raises(Http404):
        selectors.get_task_for_user(world.office, 999_999)


def test_can_report_follows_the_unit_and_the_state(world, tasks):
    task = tasks["town_b"]
    assert not access.can_report(world.admin_a, task)
    assert access.can_report(world.admin_b, task)
    assert not access.can_report(world.office, task)
    services.review_report(
        report=services.report_progress(task=task, by=world.admin_b, percent=100, narrative="完成")[0],
        by=world.office,
        accept=True,
    )
    task.refresh_from_db()
    assert not access.can_report(world.admin_b, task)


def test_reviewers_and_notice_issuers(world):
    assert access.is_reviewer(world.office)
    assert not any(access.is_reviewer(p) for p in (world.supervisor, world.leader, world.admin_a))
    assert access.can_issue_notice(world.office) and access.can_issue_notice(world.supervisor)
    assert not access.can_issue_notice(world.leader) and not access.can_issue_notice(world.admin_a)


def test_notices_are_seen_by_the_noticed_unit_only(world, tasks):
    notice = services.notice_issue(task=tasks["town_a"], by=world.supervisor, reason="进度滞后")
    assert selectors.get_notice_for_user(world.admin_a, notice.pk) == notice
    assert selectors.get_notice_for_user(world.leader, notice.pk) == notice
    for person in (world.admin_b, world.handler_a, world.inspector):
        with pytest.raises(Http404):
            selectors.get_notice_for_user(person, notice.pk)
    assert access.can_reply(world.admin_a, notice) and not access.can_reply(world.admin_b, notice)


def test_evidence_is_reachable_only_through_its_task_or_notice(world, tasks):
    report, _ = services.report_progress(
        task=tasks["town_a"], by=world.admin_a, percent=20, narrative="方案已印发", files=[pdf_evidence()]
    )
    evidence = Evidence.objects.get(report=report)
    assert selectors.get_evidence_for_user(world.admin_a, evidence.pk) == evidence
    assert selectors.get_evidence_for_user(world.leader, evidence.pk) == evidence
    with pytest.raises(Http404):
        selectors.get_evidence_for_user(world.admin_b, evidence.pk)
    notice = services.notice_issue(task=tasks["town_b"], by=world.office, reason="滞后")
    services.notice_reply(notice=notice, by=world.admin_b, reply="已整改", files=[pdf_evidence("整改.pdf")])
    reply_file = Evidence.objects.get(notice=notice)
    assert selectors.get_evidence_for_user(world.admin_b, reply_file.pk) == reply_file
    with pytest.raises(Http404):
        selectors.get_evidence_for_user(world.admin_a, reply_file.pk)


# ---- selectors ------------------------------------------------------------------------------------


def test_display_status_shows_overdue_after_the_deadline_day(task_factory):
    task = task_factory(deadline=dt.date(2026, 11, 24))
    assert selectors.display_status(task) == TaskStatus.NOT_STARTED  # the deadline day itself
    assert selectors.display_status(task, today=dt.date(2026, 11, 25)) == TaskStatus.OVERDUE


def test_the_ledger_filters(world, tasks, task_factory, campaign):
    late = task_factory(code="L", deadline=dt.date(2026, 11, 1), title="公厕改造")
    codes = lambda filters: [t.code for t in selectors.task_list_for_user(user=world.office, filters=filters)]  # noqa: E731
    assert codes({}) == ["L", "A", "B", "C"]
    assert codes({"status": "overdue"}) == ["L"] == codes({"overdue": True})
    assert codes({"status": TaskStatus.NOT_STARTED}) == ["A", "B", "C"]
    assert codes({"unit": world.town_a.pk}) == ["L", "A", "C"]
    assert codes({"unit": world.town_b}) == ["B", "C"]
    assert codes({"q": "公厕"}) == ["L"]
    assert codes({"deadline_from": "2026-11-02", "deadline_to": dt.date(2026, 12, 31)}) == ["A", "B", "C"]
    assert codes({"campaign": campaign.pk, "status": "", "q": ""}) == ["L", "A", "B", "C"]
    assert [t.code for t in selectors.task_list_for_user(user=world.admin_b, filters={})] == ["B", "C"]
    assert late in selectors.task_list_for_user(user=world.leader, filters={"overdue": "1"})


def test_the_review_queue_lists_pending_reports_oldest_first(world, tasks, frozen):
    from .conftest import at

    first, _ = services.report_progress(task=tasks["town_b"], by=world.admin_b, percent=10, narrative="一")
    frozen(at(2026, 11, 24, 10, 0))
    second, _ = services.report_progress(task=tasks["town_a"], by=world.admin_a, percent=10, narrative="二")
    assert list(selectors.review_queue_for_user(user=world.office)) == [first, second]
    assert list(selectors.review_queue_for_user(user=world.admin_a)) == [second]
    services.review_report(report=first, by=world.office, accept=True)
    assert list(selectors.review_queue_for_user(user=world.office)) == [second]


def test_the_framework_tree_is_depth_first(campaign, framework, tasks):
    tree = selectors.framework_tree(campaign)
    assert [n.code for n in tree] == [n.code for n in framework.nodes]
    assert [n.depth for n in tree] == [0, 1, 2, 2, 1, 2]
    assert [n.is_leaf for n in tree] == [False, False, True, True, False, True]
    assert tree[2].task_count == 3
