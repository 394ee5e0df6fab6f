"""The ledger's writes: who may do what, what the task and its history look like afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from chuangcheng.conftest import jpeg_bytes
from chuangcheng.core.errors import DomainError
from chuangcheng.indicators import services
from chuangcheng.indicators.choices import EvidenceType, NoticeStatus, ReportStatus, TaskAction, TaskStatus
from chuangcheng.indicators.models import Evidence, ProgressReport, Task, TaskEvent
from chuangcheng.notifications.models import Notification

from .conftest import at, pdf_evidence, upload

pytestmark = pytest.mark.usefixtures("frozen")

PERSONAS = ("office", "supervisor", "leader", "admin_a", "admin_b", "handler_a", "inspector")


def snapshot(task: Task) -> tuple[str, int, int, int]:
    """What a refused action must leave untouched."""
    fresh = Task.objects.get(pk=task.pk)
    return fresh.status, fresh.percent, fresh.version, TaskEvent.objects.filter(task=task).count()


def actions(task: Task) -> list[str]:
    return list(TaskEvent.objects.filter(task=task).values_list("action", flat=True))


def inbox(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("title", flat=True))


@pytest.fixture
def task(task_factory, world) -> Task:
    """Led by 城关街道 (admin_a), with 城南街道 (admin_b) cooperating."""
    return task_factory(cooperating_units=[world.town_b])


def report(task: Task, by, percent: int = 50, **kwargs) -> ProgressReport:
    created, _ = services.report_progress(task=task, by=by, percent=percent, narrative="已完成人民路保洁", **kwargs)
    return created


# ---- task_create / task_update --------------------------------------------------------------------


def test_the_office_creates_a_task_with_its_three_clarities(world, campaign, framework):
    task = services.task_create(
        by=world.office,
        campaign=campaign,
        indicator=framework.standards[1],
        code="RW-101",
        title="推进垃圾分类",
        target="城区居民小区垃圾分类覆盖率达到100%",
        lead_unit=world.housing,
        deadline=dt.date(2026, 12, 31),
        cooperating_units=[world.town_a, world.town_b],
        evidence_types=[EvidenceType.PHOTO, EvidenceType.LEDGER],
    )
    assert task.status == TaskStatus.NOT_STARTED
    assert set(task.cooperating_units.all()) == {world.town_a, world.town_b}
    assert actions(task) == [TaskAction.CREATE]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "office"])
def test_only_the_office_creates_tasks(world, campaign, framework, persona):
    with pytest.raises(DomainError) as refused:
        services.task_create(
            by=getattr(world, persona),
            campaign=campaign,
            indicator=framework.standards[0],
            code="RW-102",
            title="任务",
            target="目标",
            lead_unit=world.town_a,
            deadline=dt.date(2026, 12, 31),
        )
    assert refused.value.code == "forbidden"
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("missing", "message"),
    [("target", "请填写目标任务"), ("lead_unit", "请选择牵头单位（责任主体）"), ("deadline", "请填写完成时限")],
)
def test_a_task_needs_target_lead_unit_and_deadline(task_factory, missing, message):
    with pytest.raises(DomainError, match=message):
        task_factory(**{missing: "" if missing == "target" else None})
    assert not Task.objects.exists()


def test_task_codes_are_unique_per_campaign(task_factory):
    task_factory(code="RW-001")
    with pytest.raises(DomainError, match="任务编号 RW-001 已存在"):
        task_factory(code="RW-001")


def test_an_indicator_of_another_campaign_is_refused(task_factory, framework, campaign):
    from .conftest import make_node

    other = type(campaign).objects.create(
        code="WSXC",
        name="省级卫生县城",
        kind="sanitary",
        title_level="provincial",
        framework_edition="x",
        pass_score=80,
    )
    with pytest.raises(DomainError, match="测评体系中的指标"):
        task_factory(indicator=make_node(other, "A1", "其他", 1, "5"))


def test_unknown_evidence_types_are_refused(task_factory):
    with pytest.raises(DomainError, match="未知的佐证材料类型：录像"):
        task_factory(evidence_types=["录像"])


def test_moving_the_deadline_later_clears_overdue(task, world, frozen):
    Task.objects.filter(pk=task.pk).update(overdue_at=at(2026, 11, 20))
    task.refresh_from_db()
    services.task_update(task=task, by=world.office, deadline=task.deadline + dt.timedelta(days=10), title="新标题")
    task.refresh_from_db()
    assert task.overdue_at is None and task.title == "新标题"
    update = TaskEvent.objects.get(task=task, action=TaskAction.UPDATE)
    assert update.data["title"][1] == "新标题"


def test_only_the_office_updates_tasks(task, world):
    before = snapshot(task)
    with pytest.raises(DomainError) as refused:
        services.task_update(task=task, by=world.admin_a, deadline=task.deadline + dt.timedelta(days=10))
    assert refused.value.code == "forbidden"
    assert snapshot(task) == before


# ---- report_progress ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin_a", True),  # lead unit
        ("admin_b", True),  # cooperating unit
        ("office", False),
        ("supervisor", False),
        ("leader", False),
        ("handler_a", False),  # a community below the lead street: not the lead unit
        ("inspector", False),
    ],
)
def test_who_may_report_progress(task, world, persona, allowed):
    before = snapshot(task)
    if allowed:
        made = report(task, getattr(world, persona))
        assert made.unit in (world.town_a, world.town_b)
        assert Task.objects.get(pk=task.pk).status == TaskStatus.PENDING_REVIEW
        return
    with pytest.raises(DomainError) as refused:
        report(task, getattr(world, persona))
    assert refused.value.code == "forbidden"
    assert snapshot(task) == before


def test_an_unrelated_units_admin_may_not_report(task_factory, world):
    task = task_factory()  # no cooperating units
    with pytest.raises(DomainError, match="您没有权限报送本任务的进展"):
        report(task, world.admin_b)


def test_the_handler_of_a_lead_community_reports(task_factory, world):
    task = task_factory(lead_unit=world.community_a1)
    assert report(task, world.handler_a).unit == world.community_a1
    # and the street above the community may report on it too
    services.review_report(report=task.reports.get(), by=world.office, accept=True)
    task.refresh_from_db()
    assert report(task, world.admin_a, percent=60).unit == world.community_a1


def test_a_report_records_the_unit_the_event_and_tells_the_office(task, world):
    made = report(task, world.admin_b, percent=30, files=[pdf_evidence()])
    assert made.unit == world.town_b and made.status == ReportStatus.PENDING
    task.refresh_from_db()
    assert task.reported_percent == 30 and task.percent == 0
    assert actions(task) == [TaskAction.CREATE, TaskAction.REPORT]
    assert Evidence.objects.get(report=made).file_type == "pdf"
    assert any("城南街道报送了任务" in title for title in inbox(world.office))
    assert Notification.objects.filter(recipient=world.office, url=f"/indicators/tasks/{task.pk}/").exists()


@pytest.mark.parametrize("percent", [-1, 101, "50"])
def test_percent_must_be_between_0_and_100(task, world, percent):
    with pytest.raises(DomainError, match="0 到 100"):
        report(task, world.admin_a, percent=percent)


def test_a_report_needs_a_narrative(task, world):
    with pytest.raises(DomainError, match="请填写进展情况"):
        services.report_progress(task=task, by=world.admin_a, percent=10, narrative="  ")


def test_a_report_cannot_go_below_the_accepted_percent(task, world):
    services.review_report(report=report(task, world.admin_a, percent=60), by=world.office, accept=True)
    task.refresh_from_db()
    with pytest.raises(DomainError, match="不能低于已审核通过的进度（60%）"):
        report(task, world.admin_a, percent=40)


def test_one_report_waits_for_review_at_a_time(task, world):
    report(task, world.admin_a)
    task.refresh_from_db()
    with pytest.raises(DomainError, match="尚待创建办审核") as refused:
        report(task, world.admin_b)
    assert refused.value.code == "conflict"


def test_a_retried_report_returns_the_first(task, world):
    first, created = services.report_progress(
        task=task, by=world.admin_a, percent=40, narrative="进展", idempotency_key="k-1"
    )
    again, created_again = services.report_progress(
        task=task, by=world.admin_a, percent=40, narrative="进展", idempotency_key="k-1"
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert ProgressReport.objects.count() == 1
    assert actions(task).count(TaskAction.REPORT) == 1


def test_completion_needs_evidence_when_the_task_requires_it(task_factory, world):
    task = task_factory(evidence_types=[EvidenceType.DOCUMENT])
    with pytest.raises(DomainError, match="须上传佐证材料（文件/方案）"):
        report(task, world.admin_a, percent=100)
    assert report(task, world.admin_a, percent=100, files=[pdf_evidence()]).percent == 100


def test_completion_needs_a_photo_when_photos_are_required(task_factory, world):
    from chuangcheng.core.evidence import check_evidence

    task = task_factory(evidence_types=[EvidenceType.PHOTO])
    with pytest.raises(DomainError, match="至少上传一张照片"):
        report(task, world.admin_a, percent=100, files=[pdf_evidence()])
    photo = check_evidence(upload("现场.jpg", jpeg_bytes()))
    assert report(task, world.admin_a, percent=100, files=[photo]).percent == 100


def test_a_task_without_evidence_types_completes_without_files(task, world):
    assert report(task, world.admin_a, percent=100).percent == 100


# ---- review_report ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "office"])
def test_only_the_office_reviews(task, world, persona):
    pending = report(task, world.admin_a)
    before = snapshot(task)
    with pytest.raises(DomainError) as refused:
        services.review_report(report=pending, by=getattr(world, persona), accept=True)
    assert refused.value.code == "forbidden"
    assert snapshot(task) == before


def test_accepting_sets_the_percent_and_tells_the_unit(task, world):
    pending = report(task, world.admin_b, percent=70)
    services.review_report(report=pending, by=world.office, accept=True, comment="很好")
    task.refresh_from_db()
    assert (task.status, task.percent, task.done_at) == (TaskStatus.IN_PROGRESS, 70, None)
    assert ProgressReport.objects.get(pk=pending.pk).status == ReportStatus.ACCEPTED
    assert actions(task)[-1] == TaskAction.ACCEPT
    assert any("已审核通过" in t for t in inbox(world.admin_b))
    assert not any("已审核通过" in t for t in inbox(world.admin_a))


def test_accepting_100_percent_completes_the_task(task, world):
    services.review_report(report=report(task, world.admin_a, percent=100), by=world.office, accept=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at == at(2026, 11, 24, 9, 0)
    with pytest.raises(DomainError, match="已完成"):
        report(task, world.admin_a, percent=100)


def test_returning_needs_a_comment(task, world):
    pending = report(task, world.admin_a)
    before = snapshot(task)
    with pytest.raises(DomainError, match="请填写退回理由"):
        services.review_report(report=pending, by=world.office, accept=False)
    assert snapshot(task) == before


def test_a_returned_first_report_leaves_the_task_not_started(task, world):
    services.review_report(report=report(task, world.admin_a), by=world.office, accept=False, comment="佐证不足")
    task.refresh_from_db()
    assert (task.status, task.percent, task.reported_percent) == (TaskStatus.NOT_STARTED, 0, 0)
    assert any("被退回" in t for t in inbox(world.admin_a))


def test_a_returned_later_report_leaves_the_task_in_progress(task, world):
    services.review_report(report=report(task, world.admin_a, percent=40), by=world.office, accept=True)
    task.refresh_from_db()
    services.review_report(
        report=report(task, world.admin_a, percent=90), by=world.office, accept=False, comment="不实"
    )
    task.refresh_from_db()
    assert (task.status, task.percent) == (TaskStatus.IN_PROGRESS, 40)


def test_two_reviews_of_the_same_report_only_one_wins(task, world):
    pending = report(task, world.admin_a)
    seen_by_first = ProgressReport.objects.select_related("task").get(pk=pending.pk)
    seen_by_second = ProgressReport.objects.select_related("task").get(pk=pending.pk)
    services.review_report(report=seen_by_first, by=world.office, accept=True)
    with pytest.raises(DomainError) as refused:
        services.review_report(report=seen_by_second, by=world.office, accept=False, comment="退回")
    assert refused.value.code == "conflict"
    assert refused.value.message == "该报送刚刚已被他人审核，请刷新后再试"
    assert ProgressReport.objects.get(pk=pending.pk).status == ReportStatus.ACCEPTED
    assert actions(task).count(TaskAction.ACCEPT) == 1 and TaskAction.RETURN not in actions(task)


def test_a_reviewed_report_cannot_be_reviewed_again(task, world):
    pending = report(task, world.admin_a)
    services.review_report(report=pending, by=world.office, accept=True)
    with pytest.raises(DomainError, match="该报送已审核（已通过）"):
        services.review_report(report=ProgressReport.objects.get(pk=pending.pk), by=world.office, accept=True)


# ---- notices -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "allowed"), [(p, p in ("office", "supervisor")) for p in PERSONAS])
def test_who_may_issue_a_notice(task, world, persona, allowed):
    if allowed:
        notice = services.notice_issue(task=task, by=getattr(world, persona), reason="进度滞后")
        assert notice.unit == world.town_a and notice.code == "DB20261124001"
        return
    with pytest.raises(DomainError) as refused:
        services.notice_issue(task=task, by=getattr(world, persona), reason="进度滞后")
    assert refused.value.code == "forbidden"


def test_a_notice_is_due_in_working_days_and_tells_the_unit(task, world):
    notice = services.notice_issue(task=task, by=world.supervisor, reason="进度滞后", reply_days=3)
    # Tuesday 09:00 + 3 working days (7 h each, 08:30–12:00, 14:30–18:00) = Friday 09:00.
    assert notice.reply_deadline == at(2026, 11, 27, 9, 0)
    assert any("督办单 DB20261124001" in t for t in inbox(world.admin_a))
    assert not inbox(world.admin_b)
    assert actions(task)[-1] == TaskAction.NOTICE


def test_notice_codes_count_up_per_day(task, world):
    codes = [services.notice_issue(task=task, by=world.office, reason=f"第{i}次").code for i in range(3)]
    assert codes == ["DB20261124001", "DB20261124002", "DB20261124003"]


def test_a_notice_needs_a_reason(task, world):
    with pytest.raises(DomainError, match="请填写督办事由"):
        services.notice_issue(task=task, by=world.office, reason=" ")


@pytest.mark.parametrize(("persona", "allowed"), [(p, p == "admin_a") for p in PERSONAS])
def test_only_the_noticed_unit_replies(task, world, persona, allowed):
    notice = services.notice_issue(task=task, by=world.supervisor, reason="进度滞后")
    if allowed:
        services.notice_reply(notice=notice, by=world.admin_a, reply="已加派人手", files=[pdf_evidence()])
        assert notice.status == NoticeStatus.REPLIED and notice.evidence.count() == 1
        assert any("已回复督办单" in t for t in inbox(world.supervisor))
        return
    with pytest.raises(DomainError) as refused:
        services.notice_reply(notice=notice, by=getattr(world, persona), reply="收到")
    assert refused.value.code == "forbidden"


def test_a_notice_closes_after_its_reply(task, world):
    notice = services.notice_issue(task=task, by=world.supervisor, reason="进度滞后")
    with pytest.raises(DomainError, match="不能办结"):
        services.notice_close(notice=notice, by=world.supervisor)
    services.notice_reply(notice=notice, by=world.admin_a, reply="已整改")
    with pytest.raises(DomainError) as refused:
        services.notice_close(notice=notice, by=world.admin_a)
    assert refused.value.code == "forbidden"
    services.notice_close(notice=notice, by=world.office, note="整改到位")
    assert notice.status == NoticeStatus.CLOSED
    assert actions(task)[-3:] == [TaskAction.NOTICE, TaskAction.REPLY, TaskAction.CLOSE_NOTICE]
    with pytest.raises(DomainError, match="不能回复"):
        services.notice_reply(notice=notice, by=world.admin_a, reply="再次回复")


def test_a_done_task_is_not_noticed(task, world):
    services.review_report(report=report(task, world.admin_a, percent=100), by=world.office, accept=True)
    task.refresh_from_db()
    with pytest.raises(DomainError, match="无需督办"):
        services.notice_issue(task=task, by=world.office, reason="进度滞后")


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(task, world):
    """Real threads, each with its own connection (a file database on SQLite, or PostgreSQL)."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a file database")
    pending = report(task, world.admin_a)
    barrier = threading.Barrier(2)
    results: list[tuple[str, str]] = []

    def review(accept: bool) -> None:
        try:
            seen = ProgressReport.objects.select_related("task").get(pk=pending.pk)
            barrier.wait(timeout=30)
            services.review_report(report=seen, by=world.office, accept=accept, comment="意见")
            results.append(("ok", ""))
        except DomainError as exc:
            results.append((exc.code, exc.message))
        except Exception as exc:  # reported to the test, which fails on it
            results.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(accept,)) for accept in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(code for code, _ in results) == ["conflict", "ok"], results
    assert TaskEvent.objects.filter(task=task, action__in=[TaskAction.ACCEPT, TaskAction.RETURN]).count() == 1
