"""The case-loop API: intake with an idempotency key, scoped reads, transitions and their errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chuangcheng.cases.choices import Status
from chuangcheng.cases.models import Case

from .api_helpers import LAT, LON, dispatched_case, jpeg_upload, make_category, reported_case


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def category(world):
    return make_category()


def report(client, category, key: str | None = "key-1", **extra):
    data = {"source": "patrol", "category": category.pk, "description": "路边有暴露垃圾", "lon": LON, "lat": LAT}
    data.update(extra)
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/cases/", data, headers=headers)


def post(client, case: Case, action: str, payload: dict | None = None):
    return client.post(f"/api/cases/{case.pk}/{action}", payload or {}, content_type="application/json")


# ----- intake -------------------------------------------------------------------------------------


def test_it_creates_a_case_with_a_photo_and_answers_201(client, world, category):
    client.force_login(world.inspector)
    response = report(client, category, photos=[jpeg_upload()])
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == Status.REPORTED
    assert data["code"].startswith("AJ")
    assert data["photos"][0]["url"] == f"/cases/photo/{data['photos'][0]['id']}/"
    assert data["photos"][0]["thumb_url"].endswith("/thumb/")


def test_a_retry_with_the_same_key_returns_the_first_case_with_200(client, world, category):
    client.force_login(world.inspector)
    first = report(client, category)
    again = report(client, category, description="网络重试")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_it_refuses_a_report_without_an_idempotency_key(client, world, category):
    client.force_login(world.inspector)
    response = report(client, category, key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Case.objects.exists()


def test_it_refuses_an_exe_renamed_jpg_and_creates_nothing(client, world, category):
    client.force_login(world.inspector)
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="image/jpeg")
    response = report(client, category, photos=[exe])
    assert response.status_code == 400
    assert "photo.jpg" in response.json()["detail"]
    assert not Case.objects.exists()


def test_another_user_reusing_a_key_gets_a_case_of_their_own(client, world, category):
    client.force_login(world.inspector)
    mine = report(client, category, key="shared")
    client.force_login(world.volunteer)
    theirs = report(client, category, key="shared")
    retried = report(client, category, key="shared")

    assert (mine.status_code, theirs.status_code, retried.status_code) == (201, 201, 200)
    assert mine.json()["id"] != theirs.json()["id"] == retried.json()["id"]
    assert Case.objects.count() == 2


def test_a_parent_category_is_refused(client, world, category):
    client.force_login(world.inspector)
    response = report(client, category.parent)
    assert response.status_code == 400
    assert response.json()["detail"] == "请选择具体的问题小类"


# ----- reads -------------------------------------------------------------------------------------


def test_the_list_is_paginated_and_filtered(client, world, category):
    dispatched_case(world, category)
    reported_case(world.inspector, category)
    client.force_login(world.office)
    data = client.get("/api/cases/", {"status": Status.DISPATCHED}).json()
    assert data["count"] == 1
    assert data["items"][0]["unit"]["name"] == "城关街道"
    assert data["items"][0]["light"] == "green"
    assert client.get("/api/cases/", {"open": True, "parent_category": category.parent_id}).json()["count"] == 2


def test_a_unit_lists_only_its_own_cases(client, world, category):
    dispatched_case(world, category, unit=world.town_b)
    client.force_login(world.admin_a)
    assert client.get("/api/cases/").json()["count"] == 0


def test_it_answers_404_for_another_units_case(client, world, category):
    case = dispatched_case(world, category, unit=world.town_b)
    client.force_login(world.admin_a)
    assert client.get(f"/api/cases/{case.pk}").status_code == 404
    assert post(client, case, "return", {"reason": "不归我们"}).status_code == 404


def test_the_todo_list_holds_the_units_running_cases(client, world, category):
    case = dispatched_case(world, category)
    client.force_login(world.admin_a)
    assert [c["id"] for c in client.get("/api/cases/todo").json()["items"]] == [case.pk]


def test_duplicates_lists_open_cases_of_the_same_category_nearby(client, world, category):
    case = reported_case(world.inspector, category)
    client.force_login(world.office)
    found = client.get("/api/cases/duplicates", {"category": category.pk, "lon": LON, "lat": LAT + 0.0002}).json()
    assert [d["case"]["id"] for d in found] == [case.pk]
    assert 15 < found[0]["distance_m"] < 30


def test_the_category_tree_nests_leaves_under_groups(client, world, category):
    client.force_login(world.inspector)
    tree = client.get("/api/cases/categories").json()
    assert tree[0]["name"] == "市容环境"
    assert tree[0]["children"][0]["name"] == "暴露垃圾"
    assert tree[0]["children"][0]["routing_rule"] == "territorial_first"


def test_suggestions_list_the_category_owner(client, world, category):
    category.owner_unit = world.housing
    category.save()
    case = reported_case(world.inspector, category)
    client.force_login(world.office)
    found = client.get(f"/api/cases/{case.pk}/suggestions").json()
    assert [s["unit"]["name"] for s in found] == ["县住建局"]


# ----- transitions ---------------------------------------------------------------------------------


def test_the_whole_loop_runs_through_the_api(client, world, category):
    case = reported_case(world.inspector, category)
    client.force_login(world.office)
    assert post(client, case, "accept").status_code == 200
    assert post(client, case, "dispatch", {"unit": world.town_a.pk}).json()["status"] == Status.DISPATCHED
    client.force_login(world.admin_a)
    handled = client.post(f"/api/cases/{case.pk}/handle", {"note": "已清理", "photos": [jpeg_upload(colour="blue")]})
    assert handled.status_code == 200, handled.content
    assert [p["kind"] for p in handled.json()["photos"]] == ["after"]
    client.force_login(world.supervisor)
    assert post(client, case, "verify", {"passed": False, "note": "未清干净"}).json()["status"] == Status.REWORK
    client.force_login(world.admin_a)
    client.post(f"/api/cases/{case.pk}/handle", {"note": "再次清理", "photos": [jpeg_upload(colour="green")]})
    client.force_login(world.supervisor)
    closed = post(client, case, "verify", {"passed": True}).json()
    assert closed["status"] == Status.CLOSED
    actions = [e["action"] for e in closed["events"]]
    assert actions == ["report", "accept", "dispatch", "handle", "verify_fail", "handle", "verify_pass"]


def test_a_transition_by_the_wrong_role_is_403(client, world, category):
    case = dispatched_case(world, category)
    client.force_login(world.admin_a)
    response = post(client, case, "verify", {"passed": True})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED


def test_a_transition_from_the_wrong_state_is_409(client, world, category):
    case = dispatched_case(world, category)
    client.force_login(world.office)
    response = post(client, case, "accept")
    assert response.status_code == 409
    assert "不能立案" in response.json()["detail"]


def test_handling_without_a_photo_is_400(client, world, category):
    case = dispatched_case(world, category)
    client.force_login(world.admin_a)
    response = client.post(f"/api/cases/{case.pk}/handle", {"note": "已清理"})
    assert response.status_code == 400
    assert response.json()["detail"] == "请上传至少一张处置后照片"


def test_an_extension_is_requested_and_approved(client, world, category):
    case = dispatched_case(world, category)
    client.force_login(world.admin_a)
    asked = post(client, case, "extension", {"amount": "2", "time_unit": "work_hours", "reason": "需要调车"})
    assert asked.status_code == 200, asked.content
    client.force_login(world.office)
    decided = post(client, case, "extension/decide", {"approve": True})
    assert decided.json()["status"] == "approved"
    assert Case.objects.get(pk=case.pk).deadline > case.deadline


def test_suspend_resume_reject_merge_and_reopen(client, world, category):
    running = dispatched_case(world, category)
    client.force_login(world.office)
    assert post(client, running, "suspend", {"project": "道路改造", "reason": "需立项"}).json()["status"] == "suspended"
    assert post(client, running, "resume").json()["status"] == Status.DISPATCHED
    duplicate, other = reported_case(world.inspector, category), reported_case(world.inspector, category)
    assert post(client, duplicate, "merge", {"into": running.pk}).json()["merged_into"]["id"] == running.pk
    assert post(client, other, "reject", {"reason": "不属于受理范围"}).json()["status"] == Status.REJECTED
    assert post(client, other, "reopen", {"reason": "复查"}).status_code == 409


def test_the_schema_lists_the_case_paths(client, world):
    client.force_login(world.office)
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/cases/",
        "/api/cases/categories",
        "/api/cases/todo",
        "/api/cases/duplicates",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/suggestions",
        "/api/cases/{case_id}/dispatch",
        "/api/cases/{case_id}/handle",
        "/api/cases/{case_id}/extension/decide",
    ):
        assert path in paths
    assert paths["/api/cases/"]["post"]["parameters"][0]["name"] == "Idempotency-Key"
