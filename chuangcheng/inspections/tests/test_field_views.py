"""The phone pages: today's list, nearby places, a place's checklist form, the done page, the service worker."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuangcheng.cases.models import Case
from chuangcheng.inspections.choices import PlanStatus
from chuangcheng.inspections.models import Inspection, InspectionPhoto, Visit

from .field_world import FAIL, LAT, LON, NA, PASS, build_street, item_with, items_of, jpeg, plan_visit

pytestmark = pytest.mark.django_db

TODAY = reverse("inspections:field_today")
NEARBY = reverse("inspections:field_nearby")
DONE = reverse("inspections:field_done")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def street(world):
    return build_street(world)


def site_url(site, visit=None) -> str:
    url = reverse("inspections:field_site", args=[site.pk])
    return f"{url}?visit={visit.pk}" if visit else url


def form_data(site, failed: dict[str, str] | None = None, *, key: str = "page-key-0001", photos: bool = True) -> dict:
    """Every item passed except the failed ones (text fragment → note), each failure with a photo."""
    failed = failed or {}
    data: dict = {"idempotency_key": key, "lon": str(LON), "lat": str(LAT)}
    failing = {item_with(site, words).pk: note for words, note in failed.items()}
    for item in items_of(site):
        if item.pk in failing:
            data[f"outcome_{item.pk}"] = FAIL
            data[f"note_{item.pk}"] = failing[item.pk]
            if photos:
                data[f"photos_{item.pk}"] = SimpleUploadedFile("IMG_1.jpg", jpeg(), content_type="image/jpeg")
        else:
            data[f"outcome_{item.pk}"] = PASS
    return data


def test_today_lists_my_visits_of_today_with_links_to_their_checklists(client, world, street):
    client.force_login(world.inspector)

    page = client.get(TODAY)

    text = page.content.decode()
    assert page.status_code == 200 and page["X-Offline-Page"] == "1"
    assert "城关农贸市场" in text and "人民路公厕" in text and "待检查 2 处" in text
    assert site_url(street.market, street.market_visit).replace("?", "?") in text.replace("&amp;", "&")
    # The street pages show the offline queue's status and load no inline script.
    assert 'id="offline-status"' in text and "<script>" not in text


def test_today_shows_nobody_elses_visits_and_an_active_plan_i_inspect_for(client, world, street):
    plan_visit(world, street.far_market, member=world.inspector)
    plan_visit(world, street.toilet, member=world.chief_a, status=PlanStatus.DRAFT)
    client.force_login(world.chief_a)

    chief_page = client.get(TODAY).content.decode()
    client.force_login(world.inspector)
    mine = client.get(TODAY).content.decode()

    assert "城关农贸市场" not in chief_page and "今天没有计划检查的点位" in chief_page  # a draft plan is not work yet
    assert "城南农贸市场" in mine and "第48周周检查" in mine and "待检查 3 处" in mine


def test_today_sorts_by_distance_when_the_phone_gives_its_position(client, world, street):
    client.force_login(world.inspector)

    near_toilet = client.get(TODAY, {"lon": LON + 0.0021, "lat": LAT}).content.decode()
    near_market = client.get(TODAY, {"lon": LON - 0.001, "lat": LAT}).content.decode()

    assert near_toilet.index("人民路公厕") < near_toilet.index("城关农贸市场")
    assert near_market.index("城关农贸市场") < near_market.index("人民路公厕")


def test_nearby_lists_places_within_reach_nearest_first_and_not_the_far_ones(client, world, street):
    client.force_login(world.inspector)

    text = client.get(NEARBY, {"lon": LON + 0.0019, "lat": LAT}).content.decode()

    assert text.index("人民路公厕") < text.index("人民路（一段）") < text.index("城关农贸市场")
    assert "城南农贸市场" not in text


def test_a_road_chief_finds_only_the_places_along_their_own_road_nearby(client, world, street):
    client.force_login(world.chief_b)

    text = client.get(NEARBY, {"lon": LON, "lat": LAT}).content.decode()

    assert "人民路（一段）" not in text and "附近没有可检查的点位或路段" in text


def test_the_form_lists_the_checklist_by_family_with_camera_inputs(client, world, street):
    client.force_login(world.inspector)

    page = client.get(site_url(street.market, street.market_visit))

    text = page.content.decode()
    assert page.status_code == 200 and page["X-Offline-Page"] == "1"
    assert "入口处设置公平秤" in text and "公益宣传" in text and "环境卫生" in text
    assert text.count('accept="image/*" capture="environment"') == len(items_of(street.market))


def test_submitting_the_form_scores_it_opens_cases_with_photos_and_marks_the_visit(client, world, street):
    client.force_login(world.inspector)
    data = form_data(street.market, {"占道经营": "东门外三处摊位", "地面干净": "西侧通道有垃圾"})

    answer = client.post(site_url(street.market, street.market_visit), data)

    inspection = Inspection.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{DONE}?key=page-key-0001"
    assert inspection.score == Decimal("97.0")  # 100 − 2 (占道经营) − 1 (地面)
    assert Case.objects.count() == 2 and all(c.photos.count() == 1 for c in Case.objects.all())
    assert InspectionPhoto.objects.count() == 2
    assert Visit.objects.get(pk=street.market_visit.pk).inspection == inspection
    done = client.get(answer["Location"]).content.decode()
    assert "97.0" in done and "新立案卷" in done and all(c.code in done for c in Case.objects.all())


def test_the_same_form_sent_twice_records_one_inspection(client, world, street):
    client.force_login(world.inspector)
    url = site_url(street.market)

    client.post(url, form_data(street.market, {"占道经营": ""}, key="same-key-0001"))
    client.post(url, form_data(street.market, {"占道经营": ""}, key="same-key-0001"))

    assert Inspection.objects.count() == 1 and Case.objects.count() == 1


def test_a_failure_without_its_photo_is_refused_in_chinese_and_nothing_is_saved(client, world, street):
    client.force_login(world.inspector)

    page = client.post(site_url(street.market), form_data(street.market, {"占道经营": "摊位"}, photos=False))

    text = page.content.decode()
    assert page.status_code == 400 and "“市场内外无占道经营”不合格，须拍照" in text
    assert not Inspection.objects.exists() and not Case.objects.exists()
    # What was chosen stays chosen.
    stall = item_with(street.market, "占道经营")
    assert f'name="outcome_{stall.pk}" value="fail" checked' in text


def test_an_unanswered_item_is_named(client, world, street):
    client.force_login(world.inspector)
    data = form_data(street.market)
    del data[f"outcome_{item_with(street.market, '公平秤').pk}"]

    text = client.post(site_url(street.market), data).content.decode()

    assert "还有 1 项未检查：入口处设置公平秤" in text and not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(client, world, street):
    client.force_login(world.inspector)
    data = form_data(street.market, {"占道经营": ""})
    stall = item_with(street.market, "占道经营")
    data[f"photos_{stall.pk}"] = SimpleUploadedFile("IMG_2.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    text = client.post(site_url(street.market), data).content.decode()

    assert "不是照片或已损坏" in text and not Inspection.objects.exists() and not Case.objects.exists()


def test_na_items_cost_nothing(client, world, street):
    client.force_login(world.supervisor)
    data = form_data(street.market)
    data[f"outcome_{item_with(street.market, '公平秤').pk}"] = NA

    client.post(site_url(street.market), data)

    assert Inspection.objects.get().score == Decimal("100")


def test_somebody_elses_visit_is_not_found(client, world, street):
    client.force_login(world.chief_a)

    assert client.get(site_url(street.market, street.market_visit)).status_code == 404


def test_a_road_chief_may_not_open_a_site_outside_their_reach(client, world, street):
    client.force_login(world.chief_b)

    assert client.get(site_url(street.market)).status_code == 404
    assert client.get(reverse("inspections:field_segment", args=[street.segment.pk])).status_code == 404


def test_a_road_chief_inspects_their_own_segment(client, world, street):
    client.force_login(world.chief_a)

    page = client.get(reverse("inspections:field_segment", args=[street.segment.pk]))

    assert page.status_code == 200 and "人民路（一段）" in page.content.decode()


@pytest.mark.parametrize("who", ["leader", "admin_a", "handler_a", "volunteer"])
def test_other_roles_are_refused(client, world, street, who):
    client.force_login(getattr(world, who))

    assert client.get(TODAY).status_code == 403
    assert client.get(NEARBY).status_code == 403
    assert client.post(site_url(street.market), form_data(street.market)).status_code == 403
    assert not Inspection.objects.exists()


def test_the_done_page_of_an_unknown_key_says_it_has_not_arrived(client, world, street):
    client.force_login(world.inspector)

    text = client.get(DONE, {"key": "never-sent-01"}).content.decode()

    assert "还没有送达" in text


def test_the_done_page_shows_only_my_own_inspection(client, world, street):
    client.force_login(world.inspector)
    client.post(site_url(street.market), form_data(street.market, key="mine-key-0001"))
    client.force_login(world.supervisor)

    assert "还没有送达" in client.get(DONE, {"key": "mine-key-0001"}).content.decode()


def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    answer = client.get("/sw.js")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert answer["Service-Worker-Allowed"] == "/"
    assert "X-Offline-Page" in answer.content.decode() and "/accounts/login/" in answer.content.decode()


def test_the_case_report_page_is_kept_for_offline_use_and_queues_when_offline(client, world):
    client.force_login(world.inspector)

    page = client.get(reverse("cases:report"))

    text = page.content.decode()
    assert page["X-Offline-Page"] == "1"
    assert "data-offline-form" in text and "js/offline_queue.js" in text
