"""The phone form's API: today's list, nearby, a place's checklist, submit (multipart, Idempotency-Key)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chuangcheng.cases.models import Case
from chuangcheng.inspections.models import Inspection, InspectionPhoto, Visit

from .field_world import FAIL, LAT, LON, PASS, build_street, item_with, items_of, jpeg

pytestmark = pytest.mark.django_db

SUBMIT = "/api/inspections/field/inspections"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def street(world):
    return build_street(world)


def payload(site, failed: tuple[str, ...] = (), *, visit=None, photos: bool = True, **extra) -> dict:
    """Every item passed except the failed ones, each failure pointing at its own uploaded photo."""
    answers = []
    index = 0
    failing = {item_with(site, words).pk for words in failed}
    for item in items_of(site):
        if item.pk in failing:
            refs = [{"index": index, "taken_at": "2026-12-05T09:30:00+08:00", "lon": LON, "lat": LAT}] if photos else []
            index += len(refs)
            answers.append({"item_id": item.pk, "outcome": FAIL, "note": "现场问题", "photos": refs})
        else:
            answers.append({"item_id": item.pk, "outcome": PASS})
    body = {"site_id": site.pk, "answers": answers, "lon": LON, "lat": LAT, **extra}
    if visit is not None:
        body["visit_id"] = visit.pk
    return body


def send(client, body: dict, files: list | None = None, key: str = "api-key-00001"):
    data: dict = {"payload": json.dumps(body)}
    if files:
        data["photos"] = files
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(SUBMIT, data, **headers)


def photo_file(colour: str = "red") -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", jpeg(colour), content_type="image/jpeg")


def test_submit_scores_opens_cases_with_photos_and_records_where_and_when_they_were_taken(client, world, street):
    client.force_login(world.inspector)
    body = payload(street.market, ("占道经营", "地面干净"), visit=street.market_visit)

    answer = send(client, body, [photo_file("red"), photo_file("blue")])

    data = answer.json()
    assert answer.status_code == 201, data
    assert Decimal(data["score"]) == Decimal("97.0") and Decimal(data["deductions"]) == Decimal("3.0")
    assert data["done_url"] == "/inspections/field/done/?key=api-key-00001"
    assert sorted(f["case_opened"] for f in data["failures"]) == [True, True]
    assert Case.objects.count() == 2 and all(case.photos.count() == 1 for case in Case.objects.all())
    kept = list(InspectionPhoto.objects.all())
    assert len(kept) == 2 and all(p.lon == pytest.approx(LON) and p.lat == pytest.approx(LAT) for p in kept)
    assert {p.taken_at.isoformat() for p in kept} == {"2026-12-05T01:30:00+00:00"}
    assert Visit.objects.get(pk=street.market_visit.pk).inspection_id == data["id"]


def test_the_same_key_sent_again_returns_the_first_inspection_once(client, world, street):
    client.force_login(world.inspector)
    body = payload(street.market, ("占道经营",))

    first = send(client, body, [photo_file()])
    again = send(client, body, [photo_file()])

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Inspection.objects.count() == 1 and Case.objects.count() == 1 and InspectionPhoto.objects.count() == 1


def test_a_visit_of_another_place_is_refused(client, world, street):
    client.force_login(world.inspector)

    answer = send(client, payload(street.market, visit=street.toilet_visit))

    assert answer.status_code == 400 and "计划点位与所检查的点位不一致" in answer.json()["detail"]
    assert not Inspection.objects.exists()


def test_a_failure_without_its_photo_is_refused_in_chinese_and_nothing_is_saved(client, world, street):
    client.force_login(world.inspector)

    answer = send(client, payload(street.market, ("占道经营",), photos=False))

    assert answer.status_code == 400 and answer.json()["detail"] == "“市场内外无占道经营”不合格，须拍照"
    assert not Inspection.objects.exists() and not Case.objects.exists() and not InspectionPhoto.objects.exists()


def test_one_bad_photo_refuses_the_whole_inspection(client, world, street):
    client.force_login(world.inspector)
    body = payload(street.market, ("占道经营", "地面干净"))
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", content_type="image/jpeg")

    answer = send(client, body, [photo_file(), fake])

    assert answer.status_code == 400 and "不是照片或已损坏" in answer.json()["detail"]
    assert not Inspection.objects.exists() and not Case.objects.exists()


def test_an_oversized_photo_is_refused(client, world, street, settings):
    settings.PHOTO_MAX_BYTES = 2000
    client.force_login(world.inspector)
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(buffer, "JPEG", quality=95)

    answer = send(client, payload(street.market, ("占道经营",)), [SimpleUploadedFile("big.jpg", buffer.getvalue())])

    assert answer.status_code == 400 and "太大" in answer.json()["detail"]
    assert not Inspection.objects.exists()


def test_a_photo_index_pointing_nowhere_is_refused(client, world, street):
    client.force_login(world.inspector)

    answer = send(client, payload(street.market, ("占道经营",)), [])

    assert answer.status_code == 400 and "照片编号 0 无效" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("key", "message"), [("", "缺少 Idempotency-Key"), ("short", "8–64 位"), ("x" * 65, "8–64 位")]
)
def test_the_idempotency_key_is_required_and_checked(client, world, street, key, message):
    client.force_login(world.inspector)

    answer = send(client, payload(street.market), key=key)

    assert answer.status_code == 400 and message in answer.json()["detail"]


def test_a_payload_that_is_not_json_is_refused_in_chinese(client, world, street):
    client.force_login(world.inspector)

    answer = client.post(SUBMIT, {"payload": "{broken"}, HTTP_IDEMPOTENCY_KEY="api-key-00002")

    assert answer.status_code == 400 and "提交内容格式不正确" in answer.json()["detail"]


@pytest.mark.parametrize("who", ["leader", "admin_a", "handler_a", "volunteer"])
def test_other_roles_get_403_and_nothing_is_saved(client, world, street, who):
    client.force_login(getattr(world, who))

    answer = send(client, payload(street.market))

    assert answer.status_code == 403 and not Inspection.objects.exists()
    assert client.get("/api/inspections/field/today").status_code == 403


def test_a_road_chief_cannot_submit_for_a_site_out_of_reach(client, world, street):
    client.force_login(world.chief_b)

    assert send(client, payload(street.market)).status_code == 404
    assert not Inspection.objects.exists()


def test_today_lists_my_visits_nearest_first(client, world, street):
    client.force_login(world.inspector)

    rows = client.get("/api/inspections/field/today", {"lon": LON + 0.0021, "lat": LAT}).json()

    assert [r["place"]["name"] for r in rows] == ["人民路公厕", "城关农贸市场"]
    assert rows[0]["state"] == "pending" and rows[0]["place"]["distance_m"] < 20
    client.force_login(world.supervisor)
    assert client.get("/api/inspections/field/today").json() == []  # not his visits


def test_nearby_lists_places_in_the_radius(client, world, street):
    client.force_login(world.inspector)

    rows = client.get("/api/inspections/field/nearby", {"lon": LON, "lat": LAT, "radius": 150}).json()
    closer = client.get("/api/inspections/field/nearby", {"lon": LON, "lat": LAT, "radius": 100}).json()

    # The segment runs 0.001° (111 m) north of the market; the 公厕 lies 0.002° (183 m) east.
    assert [(r["kind"], r["name"], r["distance_m"]) for r in rows] == [
        ("site", "城关农贸市场", 0.0),
        ("segment", "人民路（一段）", pytest.approx(111.2, abs=0.5)),
    ]
    assert [r["name"] for r in closer] == ["城关农贸市场"]


def test_a_places_checklist(client, world, street):
    client.force_login(world.inspector)

    data = client.get(f"/api/inspections/field/sites/{street.market.pk}/checklist").json()

    assert data["name"] == "集贸市场/农贸市场检查表" and len(data["items"]) == len(items_of(street.market))
    stall = next(i for i in data["items"] if "占道经营" in i["text"])
    assert (stall["deduction"], stall["photo_required"], stall["case_category"]) == ("2.0", True, "占道经营")
    segment = client.get(f"/api/inspections/field/segments/{street.segment.pk}/checklist")
    assert segment.status_code == 200 and segment.json()["place"]["kind"] == "segment"


def test_the_submit_operation_is_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()

    operation = schema["paths"][SUBMIT]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in operation["parameters"])
