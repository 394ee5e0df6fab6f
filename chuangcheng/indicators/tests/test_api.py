"""The ledger API: scoped reads, progress reports with an idempotency key, review and 督办单, the schema."""

from __future__ import annotations

import datetime as dt

import pytest

from chuangcheng.indicators import services
from chuangcheng.indicators.choices import MilestoneKind, NoticeStatus, ReportStatus, TaskStatus
from chuangcheng.indicators.models import Milestone, ProgressReport, SupervisionNotice

from .conftest import pdf_bytes, pdf_evidence, upload
from .files import exe_bytes

BASE = "/api/indicators"


def report(client, task, key: str | None = "key-1", percent: int = 40, **extra):
    data = {"percent": percent, "narrative": "已完成两条主干道机扫"}
    data.update(extra)
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"{BASE}/tasks/{task.pk}/reports", data, headers=headers)


def post_json(client, url: str, payload: dict):
    return client.post(url, payload, content_type="application/json")


def pending(world, task) -> ProgressReport:
    made, _created = services.report_progress(
        task=task, by=world.admin_a, percent=40, narrative="推进中", files=[pdf_evidence()]
    )
    return made


# ---- reads ---------------------------------------------------------------------------------------


def test_anonymous_gets_401(client, db):
    assert client.get(f"{BASE}/tasks").status_code == 401


@pytest.mark.parametrize("persona", ["chief_a", "inspector", "volunteer"])
def test_street_roles_read_no_campaign_or_framework_as_on_the_pages(client, world, campaign, persona):
    # The campaign list and framework pages refuse these roles; the API answered them 200.
    client.force_login(getattr(world, persona))
    for url in (f"{BASE}/campaigns", f"{BASE}/campaigns/{campaign.code}/framework", "/indicators/"):
        response = client.get(url)
        assert response.status_code == 403, url


def test_campaigns_carry_countdown_and_counts(client, world, campaign, task_factory, frozen):
    Milestone.objects.create(
        campaign=campaign, kind=MilestoneKind.PROVINCIAL_CHECK, name="省级检查验收", date=dt.date(2026, 12, 4)
    )
    task_factory()
    task_factory(deadline=dt.date(2026, 11, 1))
    client.force_login(world.office)
    [data] = client.get(f"{BASE}/campaigns").json()
    assert (data["code"], data["pass_score"], data["days_to_milestone"]) == ("WMXC-2027", "85.00", 10)
    assert data["next_milestone"]["name"] == "省级检查验收"
    assert data["task_counts"] == {
        "total": 2,
        "not_started": 1,
        "in_progress": 0,
        "pending_review": 0,
        "done": 0,
        "overdue": 1,
    }


def test_framework_is_the_tree_depth_first(client, world, framework, task_factory):
    task_factory()
    client.force_login(world.admin_a)
    nodes = client.get(f"{BASE}/campaigns/WMXC-2027/framework").json()
    assert [(n["code"], n["depth"]) for n in nodes] == [
        ("P1", 0),
        ("P1.1", 1),
        ("P1.1.1", 2),
        ("P1.1.2", 2),
        ("P1.2", 1),
        ("P1.2.1", 2),
    ]
    assert nodes[2]["task_count"] == 1 and nodes[2]["max_score"] == "3.00"
    assert client.get(f"{BASE}/campaigns/NOPE/framework").status_code == 404


def test_tasks_are_scoped_and_filtered(client, world, task_factory, frozen):
    task_factory(code="RW-A", deadline=dt.date(2026, 11, 1))
    task_factory(code="RW-B")
    task_factory(code="RW-C", lead_unit=world.town_b)
    client.force_login(world.office)
    data = client.get(f"{BASE}/tasks").json()
    assert data["count"] == 3
    assert [t["code"] for t in client.get(f"{BASE}/tasks", {"status": "overdue"}).json()["items"]] == ["RW-A"]
    first = data["items"][0]
    assert (first["status"], first["stored_status"], first["lead_unit"]["name"]) == (
        "overdue",
        "not_started",
        "城关街道",
    )
    client.force_login(world.admin_b)
    assert [t["code"] for t in client.get(f"{BASE}/tasks").json()["items"]] == ["RW-C"]


def test_task_detail_has_reports_events_and_notices(client, world, task_factory):
    task = task_factory()
    made = pending(world, task)
    services.review_report(report=made, by=world.office, accept=False, comment="请补充照片")
    services.notice_issue(task=task, by=world.office, reason="进度滞后")
    client.force_login(world.admin_a)
    data = client.get(f"{BASE}/tasks/{task.pk}").json()
    assert data["can_report"] is True
    [only] = data["reports"]
    assert (only["status"], only["review_comment"]) == ("returned", "请补充照片")
    assert only["evidence"][0]["url"] == f"/indicators/evidence/{only['evidence'][0]['id']}/"
    assert [e["action"] for e in data["events"]] == ["create", "report", "return", "notice"]
    assert [n["reason"] for n in data["notices"]] == ["进度滞后"]


def test_another_units_task_is_404(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_b)
    assert client.get(f"{BASE}/tasks/{task.pk}").status_code == 404
    assert report(client, task).status_code == 404
    assert not ProgressReport.objects.exists()


# ---- progress reports -------------------------------------------------------------------------------


def test_a_report_with_evidence_is_201_and_a_retry_is_200(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_a)
    first = report(client, task, files=[upload("台账.pdf", pdf_bytes(), "application/pdf")])
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["percent"], body["status"], body["evidence"][0]["name"]) == (40, "pending", "台账.pdf")
    again = report(client, task, narrative="网络重试")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert ProgressReport.objects.count() == 1


def test_a_report_needs_an_idempotency_key(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_a)
    response = report(client, task, key=None)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_another_user_reusing_a_key_makes_a_report_of_their_own(client, world, task_factory):
    theirs, ours = task_factory(code="RW-A"), task_factory(code="RW-B", lead_unit=world.town_b)
    client.force_login(world.admin_a)
    first = report(client, theirs, key="shared")
    client.force_login(world.admin_b)

    second = report(client, ours, key="shared")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] != first.json()["id"]
    assert ProgressReport.objects.filter(task=ours, reported_by=world.admin_b).count() == 1


def test_a_renamed_exe_is_refused_and_nothing_is_saved(client, world, task_factory):
    task = task_factory()
    client.force_login(world.admin_a)
    response = report(client, task, files=[upload("总结.pdf", exe_bytes(), "application/pdf")])
    assert response.status_code == 400
    assert "总结.pdf" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_a_second_report_while_one_waits_is_409(client, world, task_factory):
    task = task_factory()
    pending(world, task)
    client.force_login(world.admin_a)
    assert report(client, task, key="another").status_code == 409


def test_the_leader_cannot_report(client, world, task_factory):
    task = task_factory()
    client.force_login(world.leader)
    assert report(client, task).status_code == 403


# ---- review -------------------------------------------------------------------------------------------


def test_review_queue_is_the_offices(client, world, task_factory):
    made = pending(world, task_factory())
    client.force_login(world.office)
    data = client.get(f"{BASE}/reports/pending").json()
    assert [r["id"] for r in data["items"]] == [made.pk]
    assert data["items"][0]["task"]["code"] == "RW-001"
    client.force_login(world.supervisor)
    assert client.get(f"{BASE}/reports/pending").status_code == 403


def test_accept_and_return(client, world, task_factory):
    task = task_factory()
    made = pending(world, task)
    client.force_login(world.office)
    url = f"{BASE}/reports/{made.pk}/review"
    refused = post_json(client, url, {"accept": False})
    assert refused.status_code == 400 and "退回理由" in refused.json()["detail"]
    accepted = post_json(client, url, {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["status"] == ReportStatus.ACCEPTED
    task.refresh_from_db()
    assert (task.status, task.percent) == (TaskStatus.IN_PROGRESS, 40)
    assert post_json(client, url, {"accept": True}).status_code == 409


def test_a_unit_cannot_review(client, world, task_factory):
    made = pending(world, task_factory())
    client.force_login(world.admin_a)
    assert post_json(client, f"{BASE}/reports/{made.pk}/review", {"accept": True}).status_code == 403


# ---- 督办单 ---------------------------------------------------------------------------------------------


def test_notice_issue_reply_close(client, world, task_factory, frozen):
    task = task_factory()
    client.force_login(world.supervisor)
    issued = post_json(client, f"{BASE}/tasks/{task.pk}/notices", {"reason": "进度滞后，请说明", "reply_days": 2})
    assert issued.status_code == 201, issued.content
    notice_id = issued.json()["id"]
    assert issued.json()["unit"]["name"] == "城关街道"

    client.force_login(world.admin_a)
    assert [n["id"] for n in client.get(f"{BASE}/notices", {"status": "issued"}).json()["items"]] == [notice_id]
    replied = client.post(
        f"{BASE}/notices/{notice_id}/reply",
        {"reply": "已整改", "files": [upload("整改.pdf", pdf_bytes(), "application/pdf")]},
    )
    assert replied.status_code == 200, replied.content
    assert replied.json()["status"] == NoticeStatus.REPLIED and replied.json()["evidence"][0]["name"] == "整改.pdf"
    assert post_json(client, f"{BASE}/notices/{notice_id}/close", {}).status_code == 403

    client.force_login(world.office)
    closed = post_json(client, f"{BASE}/notices/{notice_id}/close", {"note": "同意办结"})
    assert closed.status_code == 200 and closed.json()["status"] == NoticeStatus.CLOSED


def test_notices_of_other_units_are_hidden(client, world, task_factory):
    notice = services.notice_issue(task=task_factory(), by=world.office, reason="滞后")
    client.force_login(world.admin_b)
    assert client.get(f"{BASE}/notices").json()["count"] == 0
    assert client.get(f"{BASE}/notices/{notice.pk}").status_code == 404
    assert client.post(f"{BASE}/notices/{notice.pk}/reply", {"reply": "x"}).status_code == 404
    assert SupervisionNotice.objects.get().status == NoticeStatus.ISSUED


@pytest.mark.parametrize("persona", ["leader", "admin_a"])
def test_only_office_and_supervision_issue_notices(client, world, task_factory, persona):
    task = task_factory()
    client.force_login(getattr(world, persona))
    assert post_json(client, f"{BASE}/tasks/{task.pk}/notices", {"reason": "滞后"}).status_code == 403
    assert not SupervisionNotice.objects.exists()


# ---- schema ------------------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_ledger(client, world):
    client.force_login(world.office)
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/indicators/campaigns",
        "/api/indicators/campaigns/{code}/framework",
        "/api/indicators/tasks",
        "/api/indicators/tasks/{task_id}",
        "/api/indicators/tasks/{task_id}/reports",
        "/api/indicators/tasks/{task_id}/notices",
        "/api/indicators/reports/pending",
        "/api/indicators/reports/{report_id}/review",
        "/api/indicators/notices",
        "/api/indicators/notices/{notice_id}",
        "/api/indicators/notices/{notice_id}/reply",
        "/api/indicators/notices/{notice_id}/close",
    ]:
        assert path in paths, path
    report_op = paths["/api/indicators/tasks/{task_id}/reports"]["post"]
    assert "multipart/form-data" in report_op["requestBody"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in report_op["parameters"])
