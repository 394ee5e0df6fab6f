"""Pages of the case loop: who sees which page, 403/404 outside the user's rights, every form's effect.

The fixtures (``make``, ``garbage``, ``grid``, ``media``) come from this folder's conftest: 人民路 in
城关街道 (town_a), a case reported on it is routed to town_a and dispatched there by ``make``.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from chuangcheng.cases.choices import ExtensionStatus, PhotoKind, Status
from chuangcheng.cases.models import Case, CaseEvent, CasePhoto
from chuangcheng.conftest import jpeg_bytes

from .conftest import SPOT, snapshot


def upload(name: str = "IMG_0001.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes() if data is None else data, content_type="image/jpeg")


def report_data(category, **extra):
    data = {
        "category": str(category.pk),
        "description": "人民路东段路边有暴露垃圾",
        "address": "人民路东段",
        "lon": str(SPOT[0]),
        "lat": str(SPOT[1]),
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(extra)
    return data


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def gps_exif(lon: float, lat: float) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (degrees, minutes, round(((value - degrees) * 60 - minutes) * 60, 4))

    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    return exif


# ---- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:list", "cases:report", "cases:intake", "cases:todo", "cases:export_xlsx"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


@pytest.mark.parametrize("persona", ["inspector", "volunteer", "supervisor", "chief_a", "office"])
def test_report_form_renders_for_reporting_roles(client, world, garbage, persona):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("cases:report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'capture="environment"' in html and "multiple" in html and 'accept="image/*"' in html
    assert 'id="category-search"' in html and 'id="report-map"' in html
    assert "暴露垃圾" in html
    assert len(response.context["form"]["idempotency_key"].value()) == 32


@pytest.mark.parametrize("persona", ["leader", "admin_a", "handler_a"])
def test_report_form_is_forbidden_to_other_roles(client, world, garbage, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("cases:report")).status_code == 403
    assert client.post(reverse("cases:report"), report_data(garbage)).status_code == 403
    assert not Case.objects.exists()


def test_each_render_of_the_report_form_has_a_new_idempotency_key(client, world, garbage):
    client.force_login(world.inspector)
    first = client.get(reverse("cases:report")).context["form"]["idempotency_key"].value()
    second = client.get(reverse("cases:report")).context["form"]["idempotency_key"].value()
    assert first != second


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a", "inspector"])
def test_intake_is_for_the_office_only(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("cases:intake")).status_code == 403


def test_unit_admin_gets_404_for_another_units_case(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_b)
    for name in ["cases:detail", "cases:handle", "cases:verify", "cases:dispatch"]:
        assert client.get(reverse(name, args=[case.pk])).status_code == 404, name
    assert client.post(reverse("cases:return", args=[case.pk]), {"reason": "x"}).status_code == 404
    assert snapshot(case)[0] == Status.DISPATCHED


def test_leader_reads_the_case_but_gets_no_buttons_and_posts_are_refused(client, world, make):
    case = make.reported()
    before = snapshot(case)
    client.force_login(world.leader)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert 'id="case-actions"' not in response.content.decode()
    for name, data in [
        ("cases:accept", {}),
        ("cases:reject", {"reason": "不管"}),
        ("cases:dispatch", {"other_unit": world.town_a.pk}),
        ("cases:suspend", {"project": "p", "reason": "r"}),
    ]:
        assert client.post(reverse(name, args=[case.pk]), data).status_code == 403, name
    assert snapshot(case) == before


# ---- report ------------------------------------------------------------------------------------------


def test_report_with_a_real_jpeg_creates_a_case_with_its_photo(client, world, garbage, grid):
    client.force_login(world.inspector)
    response = client.post(reverse("cases:report"), {**report_data(garbage), "photos": [upload()]})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert texts(response) == [f"已上报，案卷编号 {case.code}"]
    assert case.status == Status.REPORTED and case.reporter == world.inspector and case.source == "patrol"
    assert case.town == world.town_a
    assert list(case.photos.values_list("kind", flat=True)) == [PhotoKind.BEFORE]


def test_supervisor_reports_as_inspection(client, world, garbage, grid):
    client.force_login(world.supervisor)
    client.post(reverse("cases:report"), report_data(garbage))
    assert Case.objects.get().source == "inspection"


def test_an_exe_renamed_jpg_is_refused_and_nothing_is_saved(client, world, garbage, grid, media):
    client.force_login(world.inspector)
    fake = upload("现场.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    response = client.post(reverse("cases:report"), {**report_data(garbage), "photos": [upload(), fake]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件“现场.jpg”不是照片或已损坏" in html
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert not any(media.rglob("*.jpg")) if media.exists() else True


def test_a_double_submit_with_the_same_key_makes_one_case(client, world, garbage, grid):
    client.force_login(world.inspector)
    data = report_data(garbage)
    first = client.post(reverse("cases:report"), {**data, "photos": [upload()]})
    second = client.post(reverse("cases:report"), {**data, "photos": [upload()]})
    case = Case.objects.get()
    assert first.url == second.url == reverse("cases:detail", args=[case.pk])
    assert case.events.count() == 1 and case.photos.count() == 1


def test_a_report_without_location_uses_the_photos_gps(client, world, garbage, grid):
    client.force_login(world.inspector)
    data = report_data(garbage, lon="", lat="")
    photo = upload(data=jpeg_bytes(exif=gps_exif(*SPOT)))
    response = client.post(reverse("cases:report"), {**data, "photos": [photo]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.lon == pytest.approx(SPOT[0], abs=1e-5) and case.lat == pytest.approx(SPOT[1], abs=1e-5)


def test_a_report_without_any_location_shows_the_services_message(client, world, garbage, grid):
    client.force_login(world.inspector)
    response = client.post(reverse("cases:report"), {**report_data(garbage, lon="", lat=""), "photos": [upload()]})
    assert response.status_code == 200
    assert "请在地图上标出问题位置" in response.content.decode()
    assert not Case.objects.exists()


def test_a_report_needs_a_leaf_category(client, world, garbage, grid):
    client.force_login(world.inspector)
    response = client.post(reverse("cases:report"), {**report_data(garbage), "category": str(garbage.parent_id)})
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not Case.objects.exists()


# ---- intake and dispatch ------------------------------------------------------------------------------


def test_intake_lists_reported_cases_with_their_duplicates(client, world, make):
    first = make.reported()
    second = make.reported(lon=SPOT[0] + 0.0001)
    client.force_login(world.office)
    response = client.get(reverse("cases:intake"))
    assert response.status_code == 200
    items = {item["case"].pk: item for item in response.context["items"]}
    assert set(items) == {first.pk, second.pk}
    assert [c.pk for c, _d in items[second.pk]["candidates"]] == [first.pk]
    html = response.content.decode()
    assert f'id="merge-{second.pk}"' in html and "相距" in html


def test_office_accepts_and_is_taken_to_dispatch(client, world, make):
    case = make.reported()
    client.force_login(world.office)
    response = client.post(reverse("cases:accept", args=[case.pk]), {"next": reverse("cases:intake")})
    assert response.url == reverse("cases:dispatch", args=[case.pk])
    assert snapshot(case)[0] == Status.ACCEPTED


def test_rejecting_without_a_reason_changes_nothing(client, world, make):
    case = make.reported()
    before = snapshot(case)
    client.force_login(world.office)
    response = client.post(reverse("cases:reject", args=[case.pk]), {"reason": " ", "next": reverse("cases:intake")})
    assert response.url == reverse("cases:intake")
    assert texts(response) == ["请填写不予立案的理由"]
    assert snapshot(case) == before


def test_office_rejects_with_a_reason(client, world, make):
    case = make.reported()
    client.force_login(world.office)
    client.post(reverse("cases:reject", args=[case.pk]), {"reason": "不属于城市管理范围"})
    assert snapshot(case)[0] == Status.REJECTED


def test_office_merges_into_a_nearby_candidate_only(client, world, make):
    target = make.reported()
    case = make.reported()
    far = make.reported(lon=SPOT[0] + 0.01)
    client.force_login(world.office)
    client.post(reverse("cases:merge", args=[case.pk]), {"into": far.pk})
    assert snapshot(case)[0] == Status.REPORTED
    client.post(reverse("cases:merge", args=[case.pk]), {"into": target.pk})
    case.refresh_from_db()
    assert case.status == Status.MERGED and case.merged_into == target


def test_dispatch_page_shows_the_suggestions_with_reasons_and_people(client, world, make):
    case = make.accepted()
    client.force_login(world.office)
    response = client.get(reverse("cases:dispatch", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="suggest-{world.town_a.pk}"' in html and "人民路" in html and world.chief_a.real_name in html


def test_dispatch_with_a_suggested_unit_and_a_handler(client, world, make):
    case = make.accepted()
    client.force_login(world.office)
    response = client.post(
        reverse("cases:dispatch", args=[case.pk]), {"unit": world.town_a.pk, "handler": world.admin_a.pk}
    )
    assert response.url == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.unit == world.town_a and case.handler == world.admin_a


def test_dispatch_override_picks_any_unit(client, world, make):
    case = make.accepted()
    client.force_login(world.office)
    client.post(reverse("cases:dispatch", args=[case.pk]), {"unit": world.town_a.pk, "other_unit": world.housing.pk})
    case.refresh_from_db()
    assert case.unit == world.housing


def test_dispatch_refuses_a_handler_outside_the_unit(client, world, make):
    case = make.accepted()
    before = snapshot(case)
    client.force_login(world.office)
    response = client.post(
        reverse("cases:dispatch", args=[case.pk]), {"other_unit": world.town_b.pk, "handler": world.admin_a.pk}
    )
    assert response.status_code == 200
    assert "处置人不属于所派遣的单位" in response.content.decode()
    assert snapshot(case) == before


def test_dispatch_page_of_a_dispatched_case_goes_back_to_it(client, world, make):
    case = make.dispatched()
    client.force_login(world.office)
    response = client.get(reverse("cases:dispatch", args=[case.pk]))
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert "不能派遣" in texts(response)[0]


# ---- 待办, detail ---------------------------------------------------------------------------------------


def test_todo_lists_the_units_cases_with_lights(client, world, make, frozen):
    case = make.dispatched()
    client.force_login(world.admin_a)
    response = client.get(reverse("cases:todo"))
    assert [c.pk for c in response.context["page"]] == [case.pk]
    html = response.content.decode()
    assert 'class="light light-green"' in html and "绿灯" in html
    client.force_login(world.admin_b)
    assert list(client.get(reverse("cases:todo")).context["page"]) == []


def test_todo_shows_red_and_the_escalation_badge(client, world, make, frozen):
    from chuangcheng.cases import services

    from .conftest import at

    case = make.dispatched()
    frozen(at(2026, 11, 26, 9, 0))
    services.case_escalate(case=case, level=2)
    client.force_login(world.admin_a)
    html = client.get(reverse("cases:todo")).content.decode()
    assert "红灯" in html and "橙色督办" in html


@pytest.mark.parametrize(
    ("persona", "status", "button"),
    [
        ("office", "reported", "action-accept"),
        ("office", "accepted", "action-dispatch"),
        ("admin_a", "dispatched", "action-handle"),
        ("admin_a", "dispatched", "action-return"),
        ("admin_a", "dispatched", "action-extension"),
        ("office", "dispatched", "action-suspend"),
        ("supervisor", "handled", "action-verify"),
        ("office", "suspended", "action-resume"),
        ("office", "closed", "action-reopen"),
    ],
)
def test_detail_offers_the_actions_the_user_may_perform(client, world, make, persona, status, button):
    case = make.in_state(status)
    client.force_login(getattr(world, persona))
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'id="{button}"' in html


def test_detail_hides_the_handling_units_verify_button_and_others_handle(client, world, make):
    case = make.handled()
    client.force_login(world.admin_a)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="action-verify"' not in html and 'id="action-handle"' not in html


def test_detail_shows_the_timeline_and_photos(client, world, make):
    case = make.rework()
    client.force_login(world.office)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    actions = [e.action for e in response.context["events"]]
    assert actions == ["report", "accept", "dispatch", "handle", "verify_fail"]
    html = response.content.decode()
    assert "仍有残留" in html and "已处置 → 返工" in html
    assert len(response.context["before"]) == 1 and len(response.context["after"]) == 1


def test_the_reporter_sees_their_own_case(client, world, make):
    case = make.reported()
    client.force_login(world.inspector)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    client.force_login(world.volunteer)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


# ---- handling, return, extension ------------------------------------------------------------------


def test_handle_form_renders_for_the_holding_unit(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)
    response = client.get(reverse("cases:handle", args=[case.pk]))
    assert response.status_code == 200
    assert 'capture="environment"' in response.content.decode()


@pytest.mark.parametrize("persona", ["office", "supervisor", "leader"])
def test_handle_form_is_forbidden_to_others(client, world, make, persona):
    case = make.dispatched()
    client.force_login(getattr(world, persona))
    assert client.get(reverse("cases:handle", args=[case.pk])).status_code == 403


def test_handle_without_a_photo_is_an_error_and_changes_nothing(client, world, make):
    case = make.dispatched()
    before = snapshot(case)
    client.force_login(world.admin_a)
    response = client.post(reverse("cases:handle", args=[case.pk]), {"note": "已清运"})
    assert response.status_code == 200
    assert "请上传至少一张处置后照片" in response.content.decode()
    assert snapshot(case) == before


def test_handle_with_note_and_photo_moves_to_handled(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)
    response = client.post(reverse("cases:handle", args=[case.pk]), {"note": "已清运", "photos": [upload()]})
    assert response.url == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == Status.HANDLED
    assert case.photos.filter(kind=PhotoKind.AFTER).count() == 1


def test_return_with_a_reason(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)
    client.post(reverse("cases:return", args=[case.pk]), {"reason": "不属于本街道"})
    assert snapshot(case)[0] == Status.RETURNED


def test_extension_request_and_office_approval(client, world, make):
    case = make.dispatched()
    deadline = Case.objects.get(pk=case.pk).deadline
    client.force_login(world.admin_a)
    response = client.post(
        reverse("cases:extension_request", args=[case.pk]),
        {"amount": "1", "time_unit": "work_days", "reason": "需协调供电部门"},
    )
    assert texts(response) == ["已提交延期申请，等待创建办审批"]
    client.force_login(world.office)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="extension-approve"' in html
    client.post(reverse("cases:extension_decide", args=[case.pk]), {"decision": "approve"})
    case.refresh_from_db()
    assert case.extensions.get().status == ExtensionStatus.APPROVED and case.deadline > deadline


def test_a_bad_extension_amount_is_a_message(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)
    response = client.post(
        reverse("cases:extension_request", args=[case.pk]), {"amount": "x", "time_unit": "work_days", "reason": "r"}
    )
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert not case.extensions.exists()


# ---- verification --------------------------------------------------------------------------------------


def test_verify_page_shows_before_and_after_side_by_side(client, world, make):
    case = make.handled()
    client.force_login(world.supervisor)
    response = client.get(reverse("cases:verify", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="photos-before"' in html and 'id="photos-after"' in html and "已清运" in html


def test_verify_by_the_handling_unit_is_refused(client, world, make):
    case = make.handled()
    before = snapshot(case)
    client.force_login(world.admin_a)
    assert client.get(reverse("cases:verify", args=[case.pk])).status_code == 403
    assert client.post(reverse("cases:verify", args=[case.pk]), {"result": "pass"}).status_code == 403
    assert snapshot(case) == before


def test_verify_fail_needs_a_reason(client, world, make):
    case = make.handled()
    before = snapshot(case)
    client.force_login(world.supervisor)
    response = client.post(reverse("cases:verify", args=[case.pk]), {"result": "fail", "note": ""})
    assert response.status_code == 200
    assert "请填写核查不通过的原因" in response.content.decode()
    assert snapshot(case) == before


def test_verify_fail_then_pass(client, world, make):
    case = make.handled()
    client.force_login(world.supervisor)
    client.post(reverse("cases:verify", args=[case.pk]), {"result": "fail", "note": "仍有残留"})
    assert snapshot(case)[0] == Status.REWORK
    client.force_login(world.admin_a)
    client.post(reverse("cases:handle", args=[case.pk]), {"note": "再次清运", "photos": [upload()]})
    client.force_login(world.office)
    response = client.post(reverse("cases:verify", args=[case.pk]), {"result": "pass"})
    assert texts(response)[-1] == "核查通过，已结案"
    assert snapshot(case)[0] == Status.CLOSED


# ---- suspend, resume, reopen ---------------------------------------------------------------------------


def test_office_suspends_resumes_and_reopens(client, world, make):
    case = make.dispatched()
    client.force_login(world.office)
    client.post(reverse("cases:suspend", args=[case.pk]), {"project": "人民路改造工程", "reason": "需立项"})
    assert snapshot(case)[0] == Status.SUSPENDED
    client.post(reverse("cases:resume", args=[case.pk]))
    assert snapshot(case)[0] == Status.DISPATCHED
    closed = make.closed()
    client.post(reverse("cases:reopen", args=[closed.pk]), {"reason": "群众反映又出现"})
    assert snapshot(closed)[0] == Status.ACCEPTED


def test_suspend_without_a_project_changes_nothing(client, world, make):
    case = make.dispatched()
    before = snapshot(case)
    client.force_login(world.office)
    response = client.post(reverse("cases:suspend", args=[case.pk]), {"project": "", "reason": "需立项"})
    assert texts(response) == ["请填写所需的工程项目"]
    assert snapshot(case) == before


def test_a_unit_cannot_suspend(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)
    assert client.post(reverse("cases:suspend", args=[case.pk]), {"project": "p", "reason": "r"}).status_code == 403


# ---- list, map, export ----------------------------------------------------------------------------------


def test_list_is_scoped_and_filtered(client, world, make):
    dispatched = make.dispatched()
    reported = make.reported()
    client.force_login(world.office)
    response = client.get(reverse("cases:list"))
    assert {c.pk for c in response.context["page"]} == {dispatched.pk, reported.pk}
    response = client.get(reverse("cases:list"), {"status": "reported"})
    assert [c.pk for c in response.context["page"]] == [reported.pk]
    client.force_login(world.admin_a)
    assert [c.pk for c in client.get(reverse("cases:list")).context["page"]] == [dispatched.pk]
    client.force_login(world.admin_b)
    assert list(client.get(reverse("cases:list")).context["page"]) == []


def test_list_htmx_returns_only_the_results(client, world, make):
    make.reported()
    client.force_login(world.office)
    response = client.get(reverse("cases:list"), {"q": "垃圾"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert "export.xlsx?q=" in html


def test_list_map_view_has_the_cases_coloured_by_light(client, world, make):
    case = make.dispatched()
    client.force_login(world.office)
    response = client.get(reverse("cases:list"), {"view": "map"})
    features = response.context["features"]["features"]
    assert [(f["properties"]["id"], f["properties"]["light"]) for f in features] == [(case.pk, "green")]
    assert 'id="cases-map"' in response.content.decode()


def _xlsx_codes(response) -> list[str]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "案卷编号"
    return [row[0] for row in rows[1:]]


def test_export_contains_only_the_visible_filtered_cases(client, world, make):
    mine = make.dispatched()
    other = make.reported()
    client.force_login(world.admin_a)
    response = client.get(reverse("cases:export_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _xlsx_codes(response) == [mine.code]
    client.force_login(world.office)
    assert set(_xlsx_codes(client.get(reverse("cases:export_xlsx")))) == {mine.code, other.code}
    assert _xlsx_codes(client.get(reverse("cases:export_xlsx"), {"status": "reported"})) == [other.code]


# ---- photos ------------------------------------------------------------------------------------------


def test_photos_are_served_only_to_who_sees_the_case(client, world, make):
    case = make.dispatched()
    photo = case.photos.get()
    client.force_login(world.admin_a)
    for name in ["cases:photo", "cases:photo_thumb"]:
        response = client.get(reverse(name, args=[photo.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
        assert "private" in response["Cache-Control"]
    client.force_login(world.admin_b)
    assert client.get(reverse("cases:photo", args=[photo.pk])).status_code == 404
    assert client.get(reverse("cases:photo_thumb", args=[photo.pk])).status_code == 404


def test_events_are_not_written_by_refused_posts(client, world, make):
    case = make.handled()
    events = CaseEvent.objects.filter(case=case).count()
    client.force_login(world.admin_b)
    client.post(reverse("cases:verify", args=[case.pk]), {"result": "pass"})
    assert CaseEvent.objects.filter(case=case).count() == events
