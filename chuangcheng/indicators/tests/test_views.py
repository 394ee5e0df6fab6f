"""Pages of the framework and the ledger: who opens what, 403/404 outside the user's rights, every form's effect.

Fixtures from this folder's conftest: the campaign 省级文明县城 with framework P1 → P1.1 (P1.1.1,
P1.1.2) and P1.2 (P1.2.1); ``task_factory`` makes tasks through the real service, led by
城关街道 (town_a: admin_a; handler_a sits in its community) unless told otherwise.
"""

from __future__ import annotations

import datetime as dt
import uuid
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from chuangcheng.indicators import services
from chuangcheng.indicators.choices import MilestoneKind, NoticeStatus, ReportStatus, TaskAction, TaskStatus
from chuangcheng.indicators.models import Evidence, Milestone, ProgressReport, SupervisionNotice, TaskEvent

from .conftest import at, pdf_bytes, pdf_evidence, upload
from .files import exe_bytes

LEDGER_PERSONAS = ["office", "supervisor", "leader", "admin_a", "handler_a"]
OUTSIDERS = ["inspector", "volunteer", "chief_a"]


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def html(response) -> str:
    return response.content.decode()


def report_data(percent: int = 40, key: str | None = None, **extra):
    data = {
        "percent": str(percent),
        "narrative": "已完成人民路、建设路两条主干道机扫",
        "idempotency_key": key or uuid.uuid4().hex,
    }
    data.update(extra)
    return data


def pdf_upload(name: str = "机扫台账.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")


def reported(world, task, percent: int = 40) -> ProgressReport:
    report, _created = services.report_progress(
        task=task, by=world.admin_a, percent=percent, narrative="推进中", files=[pdf_evidence()]
    )
    return report


# ---- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["indicators:campaigns", "indicators:ledger", "indicators:mine", "indicators:review", "indicators:notices"]
)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


@pytest.mark.parametrize("persona", LEDGER_PERSONAS)
def test_the_ledger_pages_render_for_every_ledger_role(client, world, framework, task_factory, persona):
    task_factory()
    client.force_login(getattr(world, persona))
    for url in [
        reverse("indicators:campaigns"),
        reverse("indicators:framework", args=["WMXC-2027"]),
        reverse("indicators:ledger"),
        reverse("indicators:notices"),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_street_roles_are_refused_the_ledger_pages(client, world, framework, task_factory, persona):
    task = task_factory()
    client.force_login(getattr(world, persona))
    for url in [
        reverse("indicators:campaigns"),
        reverse("indicators:framework", args=["WMXC-2027"]),
        reverse("indicators:ledger"),
        reverse("indicators:ledger_export"),
        reverse("indicators:notices"),
        reverse("indicators:mine"),
        reverse("indicators:review"),
        reverse("indicators:task_detail", args=[task.pk]),
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["office", "supervisor", "leader"])
def test_my_tasks_is_for_unit_roles_only(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("indicators:mine")).status_code == 403


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a", "handler_a"])
def test_only_the_office_opens_the_review_queue(client, world, task_factory, persona):
    report = reported(world, task_factory())
    client.force_login(getattr(world, persona))
    assert client.get(reverse("indicators:review")).status_code == 403
    response = client.post(reverse("indicators:report_review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.PENDING


def test_another_units_admin_gets_404_on_every_task_url(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_b)
    assert client.get(reverse("indicators:task_detail", args=[task.pk])).status_code == 404
    assert client.get(reverse("indicators:task_report", args=[task.pk])).status_code == 404
    assert client.post(reverse("indicators:task_report", args=[task.pk]), report_data()).status_code == 404
    assert not ProgressReport.objects.exists()


def test_the_nav_shows_my_tasks_to_units_and_the_ledger_to_the_office(client, world):
    client.force_login(world.admin_a)
    assert f'href="{reverse("indicators:mine")}" id="nav-indicators"' in html(client.get(reverse("home:home")))
    client.force_login(world.office)
    assert f'href="{reverse("indicators:ledger")}" id="nav-indicators"' in html(client.get(reverse("home:home")))
    client.force_login(world.inspector)
    assert 'id="nav-indicators"' not in html(client.get(reverse("home:home")))


# ---- campaigns and the framework -------------------------------------------------------------------


def test_campaign_list_shows_pass_line_countdown_and_tasks_by_status(client, world, campaign, task_factory, frozen):
    Milestone.objects.create(campaign=campaign, kind=MilestoneKind.APPLICATION, name="申报", date=dt.date(2026, 10, 1))
    Milestone.objects.create(
        campaign=campaign, kind=MilestoneKind.PROVINCIAL_CHECK, name="省级检查验收", date=dt.date(2026, 12, 4)
    )
    task_factory()
    task_factory(deadline=dt.date(2026, 11, 20))  # already past: 已逾期
    reported(world, task_factory())
    client.force_login(world.office)
    page = html(client.get(reverse("indicators:campaigns")))
    assert "省级文明县城" in page and "85.00" in page
    assert "省级检查验收" in page and "还有 <strong>10</strong> 天" in page
    counts = {s: page.split(f'data-status="{s}"')[1].split('class="n">')[1].split("<")[0] for s in TaskStatus.values}
    assert counts == {"not_started": "1", "in_progress": "0", "pending_review": "1", "done": "0", "overdue": "1"}


def test_a_unit_sees_the_counts_of_its_own_tasks_only(client, world, task_factory):
    task_factory()
    task_factory(lead_unit=world.town_b)
    client.force_login(world.admin_b)
    page = html(client.get(reverse("indicators:campaigns")))
    assert '<dd class="task-total">1</dd>' in page


def test_framework_tree_shows_scores_methods_categories_and_task_counts(client, world, framework, task_factory):
    from chuangcheng.cases.models import Category

    standard = framework.standards[0]
    standard.method = "field"
    standard.save(update_fields=["method"])
    category = Category.objects.create(kind="event", code="S0101", name="暴露垃圾")
    standard.categories.add(category)
    task_factory()
    task_factory(indicator=framework.standards[1])
    client.force_login(world.leader)
    response = client.get(reverse("indicators:framework", args=["WMXC-2027"]))
    page = html(response)
    codes = [n.code for n in response.context["nodes"]]
    assert codes == ["P1", "P1.1", "P1.1.1", "P1.1.2", "P1.2", "P1.2.1"]
    assert "实地考察" in page and "暴露垃圾" in page
    counts = {n.code: n.task_count for n in response.context["nodes"]}
    assert counts == {"P1": 2, "P1.1": 2, "P1.1.1": 1, "P1.1.2": 1, "P1.2": 0, "P1.2.1": 0}
    assert f"indicator={framework.indicators[0].pk}" in page


def test_framework_search_keeps_the_ancestors_of_matches(client, world, framework):
    client.force_login(world.office)
    response = client.get(reverse("indicators:framework", args=["WMXC-2027"]), {"q": "垃圾"})
    assert [n.code for n in response.context["nodes"]] == ["P1", "P1.1", "P1.1.2"]
    assert response.context["matched"] == 1
    assert "<mark>垃圾分类</mark>" in html(response)


def test_framework_search_is_a_partial_for_htmx(client, world, framework):
    client.force_login(world.office)
    response = client.get(
        reverse("indicators:framework", args=["WMXC-2027"]), {"q": "P1.2"}, headers={"HX-Request": "true"}
    )
    page = html(response)
    assert page.lstrip().startswith('<div id="tree">') and "<html" not in page
    codes = [part.split('"')[0] for part in page.split('data-code="')[1:]]
    assert codes == ["P1", "P1.2", "P1.2.1"]


def test_unknown_campaign_is_404(client, world):
    client.force_login(world.office)
    assert client.get(reverse("indicators:framework", args=["NOPE"])).status_code == 404


# ---- the ledger -------------------------------------------------------------------------------------


@pytest.fixture
def ledger_tasks(world, framework, task_factory, frozen):
    """Four tasks on Tuesday 24 November 2026: one overdue, one pending review, one of 城南街道, one cooperating."""
    late = task_factory(code="RW-LATE", title="公厕提升改造", deadline=dt.date(2026, 11, 20))
    waiting = task_factory(code="RW-WAIT", title="主干道机扫", deadline=dt.date(2026, 12, 10))
    reported(world, waiting)
    south = task_factory(code="RW-SOUTH", title="背街小巷整治", lead_unit=world.town_b, deadline=dt.date(2027, 1, 15))
    shared = task_factory(
        code="RW-SHARED",
        title="农贸市场整治",
        lead_unit=world.housing,
        cooperating_units=[world.town_a],
        deadline=dt.date(2027, 3, 1),
        indicator=framework.standards[2],
    )
    return {"late": late, "waiting": waiting, "south": south, "shared": shared}


def ledger_codes(response) -> list[str]:
    return [t.code for t in response.context["page"]]


def test_ledger_lists_tasks_soonest_deadline_first(client, world, ledger_tasks):
    client.force_login(world.office)
    response = client.get(reverse("indicators:ledger"))
    assert ledger_codes(response) == ["RW-LATE", "RW-WAIT", "RW-SOUTH", "RW-SHARED"]
    page = html(response)
    assert 'data-status="overdue"' in page and "已逾期" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "overdue"}, ["RW-LATE"]),
        ({"overdue": "on"}, ["RW-LATE"]),
        ({"status": "pending_review"}, ["RW-WAIT"]),
        ({"status": "not_started"}, ["RW-SOUTH", "RW-SHARED"]),
        ({"deadline_from": "2026-12-01", "deadline_to": "2027-01-31"}, ["RW-WAIT", "RW-SOUTH"]),
        ({"q": "市场"}, ["RW-SHARED"]),
        ({"status": "bogus"}, ["RW-LATE", "RW-WAIT", "RW-SOUTH", "RW-SHARED"]),
    ],
)
def test_ledger_filters(client, world, ledger_tasks, params, expected):
    client.force_login(world.office)
    assert ledger_codes(client.get(reverse("indicators:ledger"), params)) == expected


def test_ledger_unit_filter_takes_lead_and_cooperating_tasks(client, world, ledger_tasks):
    client.force_login(world.office)
    response = client.get(reverse("indicators:ledger"), {"unit": world.town_a.pk})
    assert ledger_codes(response) == ["RW-LATE", "RW-WAIT", "RW-SHARED"]


def test_ledger_indicator_filter_takes_the_subtree(client, world, framework, ledger_tasks):
    client.force_login(world.office)
    response = client.get(reverse("indicators:ledger"), {"indicator": framework.indicators[1].pk})
    assert ledger_codes(response) == ["RW-SHARED"]
    assert 'id="indicator-filter"' in html(response)


def test_a_unit_sees_only_its_tasks_in_the_ledger(client, world, ledger_tasks):
    client.force_login(world.admin_b)
    assert ledger_codes(client.get(reverse("indicators:ledger"))) == ["RW-SOUTH"]


def test_ledger_htmx_request_gets_the_results_partial(client, world, ledger_tasks):
    client.force_login(world.office)
    response = client.get(reverse("indicators:ledger"), {"status": "overdue"}, headers={"HX-Request": "true"})
    page = html(response)
    assert page.lstrip().startswith('<div id="results">') and "<html" not in page
    assert "export.xlsx?status=overdue" in page and "RW-LATE" in page and "RW-WAIT" not in page


def test_ledger_paginates(client, world, task_factory, monkeypatch):
    monkeypatch.setattr("chuangcheng.indicators.views.PAGE_SIZE", 2)
    for _n in range(5):
        task_factory()
    client.force_login(world.office)
    response = client.get(reverse("indicators:ledger"), {"page": 3})
    assert len(response.context["page"].object_list) == 1
    assert "第 3 / 3 页" in html(response)


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_ledger_export_holds_the_filtered_rows(client, world, ledger_tasks):
    client.force_login(world.office)
    rows = read_xlsx(client.get(reverse("indicators:ledger_export"), {"unit": world.town_a.pk}))
    header, body = rows[0], rows[1:]
    assert header[:8] == ("任务编号", "创建项目", "测评指标", "任务", "目标", "牵头单位", "配合单位", "完成时限")
    assert [r[0] for r in body] == ["RW-LATE", "RW-WAIT", "RW-SHARED"]
    late = dict(zip(header, body[0], strict=True))
    assert late["状态"] == "已逾期" and late["牵头单位"] == "城关街道" and late["测评指标"] == "P1.1.1 主次干道保洁"
    assert late["完成时限"].date() == dt.date(2026, 11, 20)
    shared = dict(zip(header, body[2], strict=True))
    assert shared["配合单位"] == "城关街道" and shared["牵头单位"] == "县住建局"
    waiting = dict(zip(header, body[1], strict=True))
    assert waiting["状态"] == "待审核" and waiting["报送进度（%）"] == 40


def test_a_units_export_holds_only_its_tasks(client, world, ledger_tasks):
    client.force_login(world.admin_b)
    rows = read_xlsx(client.get(reverse("indicators:ledger_export")))
    assert [r[0] for r in rows[1:]] == ["RW-SOUTH"]


# ---- my tasks and the task page ---------------------------------------------------------------------


def test_my_tasks_lists_lead_and_cooperating_tasks_soonest_first_with_lights(client, world, ledger_tasks):
    services.review_report(report=ledger_tasks["waiting"].reports.get(), by=world.office, accept=True)
    client.force_login(world.admin_a)
    response = client.get(reverse("indicators:mine"))
    items = list(response.context["page"])
    assert [t.code for t in items] == ["RW-LATE", "RW-WAIT", "RW-SHARED"]
    assert [t.light for t in items] == ["red", "green", "green"]
    assert [t.is_lead for t in items] == [True, True, False]
    assert "已逾期 4 天" in html(response)


def test_my_tasks_shows_yellow_when_the_reminder_days_begin(client, world, task_factory, frozen, settings):
    settings.TASK_REMIND_DAYS = 3
    task_factory(deadline=dt.date(2026, 11, 27), lead_unit=world.community_a1)
    client.force_login(world.handler_a)
    [item] = client.get(reverse("indicators:mine")).context["page"]
    assert item.light == "yellow"


def test_task_page_shows_everything_and_the_report_form_to_the_lead_unit(client, world, task_factory, frozen):
    task = task_factory(cooperating_units=[world.housing], evidence_types=["photo", "ledger"], description="按季度推进")
    reported(world, task)
    client.force_login(world.admin_a)
    response = client.get(reverse("indicators:task_detail", args=[task.pk]))
    page = html(response)
    for text in ["主次干道机扫率达到90%以上", "城关街道", "县住建局", "2026-12-24", "照片、台账/表格", "方案.pdf"]:
        assert text in page, text
    assert [e.action for e in response.context["events"]] == [TaskAction.CREATE, TaskAction.REPORT]
    assert 'id="report-waiting"' in page and 'id="report-form"' not in page
    evidence = Evidence.objects.get()
    assert reverse("indicators:evidence", args=[evidence.pk]) in page


def test_leader_reads_the_task_without_forms(client, world, task_factory):
    task = task_factory()
    client.force_login(world.leader)
    page = html(client.get(reverse("indicators:task_detail", args=[task.pk])))
    assert 'id="report-form"' not in page and 'id="notice-box"' not in page
    response = client.post(reverse("indicators:task_report", args=[task.pk]), report_data())
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_cooperating_unit_sees_and_reports_on_the_task(client, world, task_factory):
    task = task_factory(cooperating_units=[world.town_b])
    client.force_login(world.admin_b)
    assert 'id="report-form"' in html(client.get(reverse("indicators:task_detail", args=[task.pk])))
    response = client.post(reverse("indicators:task_report", args=[task.pk]), report_data(30))
    assert response.status_code == 302
    assert ProgressReport.objects.get().unit == world.town_b


def test_report_form_creates_a_report_with_its_evidence(client, world, task_factory):
    task = task_factory(lead_unit=world.community_a1)  # handler_a's community
    client.force_login(world.handler_a)
    form = client.get(reverse("indicators:task_detail", args=[task.pk])).context["form"]
    key = form["idempotency_key"].value()
    assert len(key) == 32
    data = report_data(60, key=key, evidence=[pdf_upload(), pdf_upload("现场.pdf")])
    response = client.post(reverse("indicators:task_report", args=[task.pk]), data)
    assert response.status_code == 302 and response.url == reverse("indicators:task_detail", args=[task.pk])
    assert "已报送，等待创建办审核" in texts(response)
    report = ProgressReport.objects.get()
    assert (report.percent, report.reported_by, report.status) == (60, world.handler_a, ReportStatus.PENDING)
    assert sorted(e.original_name for e in report.evidence.all()) == ["机扫台账.pdf", "现场.pdf"]
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING_REVIEW


def test_the_same_idempotency_key_twice_makes_one_report(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_a)
    data = report_data(50, key="a" * 32)
    first = client.post(reverse("indicators:task_report", args=[task.pk]), data)
    again = client.post(reverse("indicators:task_report", args=[task.pk]), report_data(50, key="a" * 32))
    assert first.status_code == again.status_code == 302
    assert "这份报送已经提交过，没有重复报送" in texts(again)
    assert ProgressReport.objects.count() == 1
    assert TaskEvent.objects.filter(task=task, action=TaskAction.REPORT).count() == 1


def test_a_renamed_exe_is_a_form_error_and_nothing_is_saved(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_a)
    data = report_data(evidence=[upload("验收报告.pdf", exe_bytes(), "application/pdf")])
    response = client.post(reverse("indicators:task_report", args=[task.pk]), data)
    assert response.status_code == 200
    assert "验收报告.pdf" in html(response) and "可执行程序" in html(response)
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_a_refused_report_shows_the_service_message(client, world, task_factory):
    task = task_factory()
    reported(world, task)
    client.force_login(world.admin_a)
    response = client.post(reverse("indicators:task_report", args=[task.pk]), report_data(70))
    assert response.status_code == 200
    assert "尚待创建办审核" in html(response)
    assert ProgressReport.objects.count() == 1


def test_a_percent_out_of_range_is_a_field_error(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_a)
    response = client.post(reverse("indicators:task_report", args=[task.pk]), report_data(150))
    assert response.status_code == 200
    assert response.context["form"].errors["percent"]
    assert not ProgressReport.objects.exists()


# ---- review ------------------------------------------------------------------------------------------


def test_review_queue_lists_pending_reports_oldest_first_with_evidence(client, world, task_factory, frozen):
    first = reported(world, task_factory(code="RW-A"))
    frozen(at(2026, 11, 24, 10, 0))
    second = reported(world, task_factory(code="RW-B"))
    client.force_login(world.office)
    response = client.get(reverse("indicators:review"))
    assert [r.pk for r in response.context["page"]] == [first.pk, second.pk]
    page = html(response)
    assert "方案.pdf" in page and f'id="accept-{first.pk}"' in page and f'id="return-{first.pk}"' in page


def test_accepting_a_report_through_the_page_sets_the_tasks_percent(client, world, task_factory):
    task = task_factory()
    report = reported(world, task, percent=100)
    client.force_login(world.office)
    response = client.post(reverse("indicators:report_review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 302 and response.url == reverse("indicators:review")
    assert f"已通过 {task.code} 的报送" in texts(response)
    task.refresh_from_db()
    assert (task.status, task.percent) == (TaskStatus.DONE, 100)


def test_returning_needs_a_comment_then_the_unit_reports_again(client, world, task_factory):
    task = task_factory()
    report = reported(world, task)
    client.force_login(world.office)
    url = reverse("indicators:report_review", args=[report.pk])
    response = client.post(url, {"decision": "return", "comment": ""})
    assert "退回时请填写退回理由" in texts(response)
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.PENDING
    next_url = reverse("indicators:task_detail", args=[task.pk])
    response = client.post(url, {"decision": "return", "comment": "缺少现场照片", "next": next_url})
    assert response.url == next_url
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "缺少现场照片")
    client.force_login(world.admin_a)
    page = html(client.get(next_url))
    assert "缺少现场照片" in page and 'id="report-form"' in page


def test_reviewing_twice_says_it_was_already_reviewed(client, world, task_factory):
    report = reported(world, task_factory())
    client.force_login(world.office)
    url = reverse("indicators:report_review", args=[report.pk])
    client.post(url, {"decision": "accept"})
    response = client.post(url, {"decision": "return", "comment": "再看看"})
    assert any("已审核" in t for t in texts(response))
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


# ---- 督办单 ----------------------------------------------------------------------------------------------


def test_office_issues_a_notice_from_the_task_page(client, world, task_factory, frozen):
    task = task_factory()
    client.force_login(world.supervisor)
    assert 'id="notice-box"' in html(client.get(reverse("indicators:task_detail", args=[task.pk])))
    response = client.post(
        reverse("indicators:task_notice", args=[task.pk]), {"reason": "进度滞后，请说明原因", "reply_days": "2"}
    )
    notice = SupervisionNotice.objects.get()
    assert response.url == reverse("indicators:notice_detail", args=[notice.pk])
    assert (notice.unit, notice.issued_by, notice.reason) == (world.town_a, world.supervisor, "进度滞后，请说明原因")


def test_issuing_without_a_reason_changes_nothing(client, world, task_factory):
    task = task_factory()
    client.force_login(world.office)
    response = client.post(reverse("indicators:task_notice", args=[task.pk]), {"reason": ""})
    assert response.status_code == 302
    assert texts(response) and not SupervisionNotice.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "admin_a"])
def test_other_roles_cannot_issue_notices(client, world, task_factory, persona):
    task = task_factory()
    client.force_login(getattr(world, persona))
    response = client.post(reverse("indicators:task_notice", args=[task.pk]), {"reason": "请说明"})
    assert response.status_code == 403
    assert not SupervisionNotice.objects.exists()


@pytest.fixture
def notice(world, task_factory, frozen) -> SupervisionNotice:
    return services.notice_issue(task=task_factory(), by=world.office, reason="任务进度滞后")


def test_units_see_their_notices_and_the_office_sees_all(client, world, notice, task_factory):
    services.notice_issue(task=task_factory(lead_unit=world.town_b), by=world.office, reason="城南街道滞后")
    client.force_login(world.admin_a)
    response = client.get(reverse("indicators:notices"))
    assert [n.pk for n in response.context["page"]] == [notice.pk]
    client.force_login(world.office)
    assert response.context["page"].paginator.count == 1
    assert client.get(reverse("indicators:notices")).context["page"].paginator.count == 2


def test_notice_list_filters_by_status(client, world, notice):
    client.force_login(world.supervisor)
    assert client.get(reverse("indicators:notices"), {"status": "issued"}).context["page"].paginator.count == 1
    assert client.get(reverse("indicators:notices"), {"status": "closed"}).context["page"].paginator.count == 0


def test_another_unit_gets_404_on_a_notice(client, world, notice):
    client.force_login(world.admin_b)
    assert client.get(reverse("indicators:notice_detail", args=[notice.pk])).status_code == 404
    assert client.post(reverse("indicators:notice_reply", args=[notice.pk]), {"reply": "x"}).status_code == 404


def test_the_unit_replies_through_the_page_and_the_office_closes(client, world, notice):
    client.force_login(world.admin_a)
    url = reverse("indicators:notice_detail", args=[notice.pk])
    page = html(client.get(url))
    assert 'id="reply-form"' in page and "任务进度滞后" in page
    response = client.post(
        reverse("indicators:notice_reply", args=[notice.pk]),
        {"reply": "已增派机扫车辆，本周内完成", "evidence": [pdf_upload("整改说明.pdf")]},
    )
    assert response.url == url
    notice.refresh_from_db()
    assert (notice.status, notice.replied_by) == (NoticeStatus.REPLIED, world.admin_a)
    evidence = notice.evidence.get()
    assert evidence.original_name == "整改说明.pdf"
    assert 'id="close-panel"' not in html(client.get(url))

    client.force_login(world.office)
    page = html(client.get(url))
    assert "整改说明.pdf" in page and 'id="close-panel"' in page
    response = client.post(reverse("indicators:notice_close", args=[notice.pk]), {"note": "同意办结"})
    assert f"督办单 {notice.code} 已办结" in texts(response)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED


def test_a_reply_without_text_shows_the_form_again(client, world, notice):
    client.force_login(world.admin_a)
    response = client.post(reverse("indicators:notice_reply", args=[notice.pk]), {"reply": ""})
    assert response.status_code == 200 and response.context["form"].errors["reply"]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED


def test_the_leader_cannot_close_a_notice(client, world, notice):
    services.notice_reply(notice=notice, by=world.admin_a, reply="已整改")
    client.force_login(world.leader)
    assert client.post(reverse("indicators:notice_close", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.REPLIED


def test_the_office_cannot_reply_for_the_noticed_unit(client, world, notice):
    client.force_login(world.office)
    response = client.post(reverse("indicators:notice_reply", args=[notice.pk]), {"reply": "代为回复"})
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED


def test_my_tasks_lists_notices_waiting_for_reply(client, world, notice):
    client.force_login(world.admin_a)
    page = html(client.get(reverse("indicators:mine")))
    assert 'id="mine-notices"' in page and notice.code in page


# ---- evidence --------------------------------------------------------------------------------------------


def test_evidence_is_served_to_those_who_see_the_task_only(client, world, task_factory):
    report = reported(world, task_factory())
    evidence = report.evidence.get()
    url = reverse("indicators:evidence", args=[evidence.pk])
    for persona in ["admin_a", "office", "leader"]:
        client.force_login(getattr(world, persona))
        response = client.get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert "private" in response["Cache-Control"]
    for persona in ["admin_b", "inspector"]:
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404, persona


# ---- the home page -----------------------------------------------------------------------------------------


def test_home_tells_a_unit_its_tasks_and_notices(client, world, notice, task_factory):
    task_factory(lead_unit=world.town_b)
    client.force_login(world.admin_a)
    page = html(client.get(reverse("home:home")))
    assert "我的任务 1 项，待回复督办单 1 件" in page


def test_home_tells_the_office_how_many_reports_wait(client, world, task_factory):
    reported(world, task_factory())
    client.force_login(world.office)
    page = html(client.get(reverse("home:home")))
    assert 'id="home-reviews"' in page
    assert page.split('id="home-reviews"')[1].split('class="stat">')[1].startswith("1<")
    client.force_login(world.inspector)
    assert 'id="panel-ledger"' not in html(client.get(reverse("home:home")))


# ---- 创建任务: the office's task form ---------------------------------------------------------------------


def task_form_data(framework, world, **extra):
    data = {
        "indicator": framework.standards[1].pk,
        "code": "RW-NEW",
        "title": "生活垃圾分类进小区",
        "target": "城区小区垃圾分类设施覆盖率100%",
        "lead_unit": world.town_a.pk,
        "cooperating_units": [world.housing.pk],
        "deadline": "2027-03-31",
        "evidence_types": ["photo", "ledger"],
        "description": "",
    }
    data.update(extra)
    return data


def test_office_creates_a_task_from_the_framework(client, world, framework):
    client.force_login(world.office)
    url = reverse("indicators:task_create", args=["WMXC-2027"])
    form = client.get(url, {"indicator": framework.standards[1].pk}).context["form"]
    assert str(form["indicator"].value()) == str(framework.standards[1].pk)
    response = client.post(url, task_form_data(framework, world))
    task = framework.standards[1].tasks.get()
    assert response.url == reverse("indicators:task_detail", args=[task.pk])
    assert (task.code, task.lead_unit, task.deadline) == ("RW-NEW", world.town_a, dt.date(2027, 3, 31))
    assert list(task.cooperating_units.all()) == [world.housing]
    assert task.evidence_types == ["photo", "ledger"]


def test_a_task_without_target_lead_or_deadline_is_refused(client, world, framework):
    client.force_login(world.office)
    url = reverse("indicators:task_create", args=["WMXC-2027"])
    response = client.post(url, task_form_data(framework, world, target="", lead_unit="", deadline=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"target", "lead_unit", "deadline"}
    response = client.post(url, task_form_data(framework, world, cooperating_units=[world.town_a.pk]))
    assert "牵头单位不能同时是配合单位" in html(response)
    assert not framework.standards[1].tasks.exists()


def test_moving_the_deadline_later_through_the_edit_page(client, world, framework, task_factory, frozen):
    task = task_factory(deadline=dt.date(2026, 11, 20))
    client.force_login(world.office)
    url = reverse("indicators:task_edit", args=[task.pk])
    form = client.get(url).context["form"]
    assert form["code"].value() == task.code
    data = task_form_data(framework, world, indicator=task.indicator_id, code=task.code, deadline="2026-12-31")
    response = client.post(url, data)
    assert response.url == reverse("indicators:task_detail", args=[task.pk])
    task.refresh_from_db()
    assert task.deadline == dt.date(2026, 12, 31)
    page = html(client.get(reverse("indicators:task_detail", args=[task.pk])))
    assert 'data-status="not_started"' in page and 'data-action="update"' in page


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a"])
def test_only_the_office_creates_and_edits_tasks(client, world, framework, task_factory, persona):
    task = task_factory()
    client.force_login(getattr(world, persona))
    assert client.get(reverse("indicators:task_create", args=["WMXC-2027"])).status_code == 403
    assert client.post(reverse("indicators:task_edit", args=[task.pk]), {"code": "X"}).status_code == 403
    assert 'id="edit-task"' not in html(client.get(reverse("indicators:task_detail", args=[task.pk])))
