"""Results of inspections: who sees which, hand-computed aggregates, the pages, the photos and the export.

The data set (June 2026 unless said; deductions set by hand):

    M1 城关农贸市场 (market, unit 东关社区 under 城关街道)   items m0 m1 m2
    M2 城南农贸市场 (market, unit 城南街道)
    K1 人民公园     (park,   unit 城关街道)                items k0 k1

    I1 M1 inspector   m0 F(2)  m1 P     m2 P      ded 2    score 98
    I2 M1 supervisor  m0 F(2)  m1 F(1.5) m2 NA    ded 3.5  score 96.5   (a photo on m0)
    I3 M2 inspector   m0 P     m1 P     m2 P      ded 0    score 100
    I4 K1 chief_a     k0 F(3)  k1 P               ded 3    score 97
    I5 M2 supervisor  m0 F m1 F m2 F, 15 May      ded 15   score 85      (outside June)

Indicator N1 (max 4) ← m0, m1; N2 (max 2) ← k0.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from chuangcheng.conftest import photo
from chuangcheng.core.photos import save_photo
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import Checklist, Inspection, InspectionPhoto, InspectionResult
from chuangcheng.inspections.results import failing_places, indicator_results, scores_by, totals
from chuangcheng.inspections.selectors import get_inspection_for_user, inspection_list_for_user
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE = {"date_from": "2026-06-01", "date_to": "2026-06-30"}
P, F, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _site(code, name, type_code, unit, lon):
    site = Site(code=code, name=name, site_type=SiteType.objects.get(code=type_code), unit=unit)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [lon, 34.8]})


class Data:
    pass


def _inspect(by, checklist, site, town, when, rows, kind=InspectionKind.CHECK):
    deductions = sum((Decimal(d) for _item, _o, d in rows), Decimal(0))
    inspection = Inspection.objects.create(
        kind=kind,
        inspector=by,
        checklist=checklist,
        site=site,
        unit=site.unit,
        town=town,
        submitted_at=when,
        deductions=deductions,
        score=Decimal(100) - deductions,
    )
    for item, outcome, deduction in rows:
        InspectionResult.objects.create(
            inspection=inspection,
            item_version=item.versions.get(number=item.version),
            outcome=outcome,
            deduction=Decimal(deduction),
            note="摊位占道" if outcome == F else "",
        )
    return inspection


@pytest.fixture
def data(world) -> Data:
    checklists_seed()
    d = Data()
    d.market = Checklist.objects.get(site_type__code="market")
    d.park = Checklist.objects.get(site_type__code="park")
    m0, m1, m2 = list(d.market.items.order_by("sort_order", "pk")[:3])
    k0, k1 = list(d.park.items.order_by("sort_order", "pk")[:2])
    d.m1 = _site("P-01", "城关农贸市场", "market", world.community_a1, 114.30)
    d.m2 = _site("P-02", "城南农贸市场", "market", world.town_b, 114.35)
    d.k1 = _site("P-03", "人民公园", "park", world.town_a, 114.31)
    june = dt.datetime(2026, 6, 10, 9, tzinfo=SHANGHAI)
    ta, tb = world.town_a, world.town_b
    d.i1 = _inspect(world.inspector, d.market, d.m1, ta, june, [(m0, F, "2"), (m1, P, "0"), (m2, P, "0")])
    d.i2 = _inspect(world.supervisor, d.market, d.m1, ta, june, [(m0, F, "2"), (m1, F, "1.5"), (m2, NA, "0")])
    d.i3 = _inspect(world.inspector, d.market, d.m2, tb, june, [(m0, P, "0"), (m1, P, "0"), (m2, P, "0")])
    d.i4 = _inspect(world.chief_a, d.park, d.k1, ta, june, [(k0, F, "3"), (k1, P, "0")], InspectionKind.PATROL)
    may = dt.datetime(2026, 5, 15, 9, tzinfo=SHANGHAI)
    d.i5 = _inspect(world.supervisor, d.market, d.m2, tb, may, [(m0, F, "5"), (m1, F, "5"), (m2, F, "5")])
    d.campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024年版",
        pass_score=Decimal("85"),
    )
    d.n1 = IndicatorNode.objects.create(
        campaign=d.campaign, code="N1", level=NodeLevel.STANDARD, name="农贸市场规范", max_score=Decimal("4")
    )
    d.n2 = IndicatorNode.objects.create(
        campaign=d.campaign, code="N2", level=NodeLevel.STANDARD, name="公园环境", max_score=Decimal("2")
    )
    m0.indicators.add(d.n1)
    m1.indicators.add(d.n1)
    k0.indicators.add(d.n2)
    failed = d.i2.results.get(item_version__item=m0)
    path, thumb = save_photo(photo("blue"), prefix="inspections")
    d.photo = InspectionPhoto.objects.create(result=failed, image=path, thumbnail=thumb, sha256="0" * 64)
    return d


def ids(user, **filters):
    return set(inspection_list_for_user(user=user, filters=filters).values_list("pk", flat=True))


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# ---- who sees which -----------------------------------------------------------------------------


def test_the_county_sees_all_an_inspector_his_own_a_unit_its_places(world, data):
    every = {data.i1.pk, data.i2.pk, data.i3.pk, data.i4.pk, data.i5.pk}
    for county in (world.office, world.supervisor, world.leader):
        assert ids(county) == every
    assert ids(world.inspector) == {data.i1.pk, data.i3.pk}
    assert ids(world.chief_a) == {data.i4.pk}
    # 城关街道's admin: 东关社区 (below it) and its own park; 东关社区's handler: the market only.
    assert ids(world.admin_a) == {data.i1.pk, data.i2.pk, data.i4.pk}
    assert ids(world.handler_a) == {data.i1.pk, data.i2.pk}
    assert ids(world.admin_b) == {data.i3.pk, data.i5.pk}
    assert ids(world.volunteer) == set()


def test_filters_narrow_the_list(world, data):
    assert ids(world.office, **JUNE) == {data.i1.pk, data.i2.pk, data.i3.pk, data.i4.pk}
    assert ids(world.office, kind=InspectionKind.PATROL) == {data.i4.pk}
    assert ids(world.office, checklist=data.park.pk) == {data.i4.pk}
    assert ids(world.office, town=world.town_b.pk) == {data.i3.pk, data.i5.pk}
    # A unit filter takes the unit and below: 城关街道 holds 东关社区's market and its park.
    assert ids(world.office, unit=world.town_a.pk) == {data.i1.pk, data.i2.pk, data.i4.pk}
    assert ids(world.office, inspector=world.supervisor.pk) == {data.i2.pk, data.i5.pk}
    assert ids(world.office, site=data.m2.pk, date_from="2026-06-01") == {data.i3.pk}


def test_another_units_inspection_is_not_found(world, data, client):
    from django.http import Http404

    with pytest.raises(Http404):
        get_inspection_for_user(world.admin_b, data.i1.pk)
    assert client_for(world.admin_b).get(reverse("inspections:detail", args=[data.i1.pk])).status_code == 404
    assert client_for(world.inspector).get(reverse("inspections:detail", args=[data.i2.pk])).status_code == 404
    assert client_for(world.admin_a).get(reverse("inspections:detail", args=[data.i1.pk])).status_code == 200
    assert client_for(world.volunteer).get(reverse("inspections:list")).status_code == 403


# ---- the figures ------------------------------------------------------------------------------


def _rows(user, key):
    return {
        r.label: (r.inspections, r.mean_score, r.deductions, r.failed_items)
        for r in scores_by(inspection_list_for_user(user=user, filters=JUNE), key)
    }


def test_scores_by_type_unit_town_and_place(world, data):
    d = Decimal
    assert _rows(world.office, "type") == {
        # (98 + 96.5 + 100) / 3 = 98.17; 2 + 3.5; three failed items
        "集贸市场/农贸市场": (3, d("98.2"), d("5.5"), 3),
        "公园": (1, d("97.0"), d("3.0"), 1),
    }
    assert _rows(world.office, "unit") == {
        "东关社区": (2, d("97.3"), d("5.5"), 3),  # 97.25 rounds half up
        "城关街道": (1, d("97.0"), d("3.0"), 1),
        "城南街道": (1, d("100.0"), d("0.0"), 0),
    }
    assert _rows(world.office, "town") == {
        "城关街道": (3, d("97.2"), d("8.5"), 4),  # (98 + 96.5 + 97) / 3 = 97.17
        "城南街道": (1, d("100.0"), d("0.0"), 0),
    }
    assert _rows(world.office, "place") == {
        "城关农贸市场": (2, d("97.3"), d("5.5"), 3),
        "人民公园": (1, d("97.0"), d("3.0"), 1),
        "城南农贸市场": (1, d("100.0"), d("0.0"), 0),
    }
    # Lowest mean first.
    assert [r.label for r in scores_by(inspection_list_for_user(user=world.office, filters=JUNE), "town")] == [
        "城关街道",
        "城南街道",
    ]
    # A unit's figures are those of its own places only.
    assert _rows(world.admin_b, "town") == {"城南街道": (1, d("100.0"), d("0.0"), 0)}
    t = totals(inspection_list_for_user(user=world.office, filters=JUNE))
    assert (t.inspections, t.mean_score, t.deductions, t.failed_items) == (4, d("97.9"), d("8.5"), 4)


def test_pass_rates_per_indicator_and_failing_places(world, data):
    june = inspection_list_for_user(user=world.office, filters=JUNE)
    rows = {
        r.code: (r.rate.passed, r.rate.failed, r.percent, r.predicted) for r in indicator_results(june, data.campaign)
    }
    # N1: m0 F F P, m1 P F P → 3 of 6 → 4 × 0.5; N2: k0 F → 0 of 1.
    assert rows == {"N1": (3, 3, Decimal("50.0"), Decimal("2.00")), "N2": (0, 1, Decimal("0.0"), Decimal("0.00"))}
    places = failing_places(june)
    assert [(p.name, p.failures, p.inspections) for p in places] == [("城关农贸市场", 3, 2), ("人民公园", 1, 1)]
    m0_text = data.market.items.order_by("sort_order", "pk")[0].text
    assert places[0].items[0] == (m0_text, 2)


def test_aggregations_take_a_constant_number_of_queries(world, data, django_assert_max_num_queries):
    june = inspection_list_for_user(user=world.office, filters=JUNE)
    with django_assert_max_num_queries(2):
        scores_by(june, "unit")
    with django_assert_max_num_queries(3):
        failing_places(june)
    with django_assert_max_num_queries(2):
        indicator_results(june, data.campaign)


# ---- pages ------------------------------------------------------------------------------------


def test_the_results_page_shows_the_figures_and_the_map(world, data):
    page = client_for(world.office).get(reverse("inspections:results"), JUNE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="total-inspections">4<' in html and 'id="total-mean">97.9<' in html
    assert "城关农贸市场" in html and "农贸市场规范" in html
    assert 'data-points-map="failing-map-data"' in html
    map_data = page.context["failing"]["features"]
    assert {f["properties"]["name"] for f in map_data} == {"城关农贸市场", "人民公园"}


def test_the_detail_shows_items_by_family_with_photos(world, data):
    page = client_for(world.office).get(reverse("inspections:detail", args=[data.i2.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="inspection-score">96.5<' in html
    assert reverse("inspections:photo_thumb", args=[data.photo.pk]) in html
    assert html.count('class="note hide-sm">摊位占道<') == 2  # both failures' notes


def test_photos_are_private(world, data, client):
    url = reverse("inspections:photo", args=[data.photo.pk])
    answer = client_for(world.admin_a).get(url)
    assert answer.status_code == 200 and answer["Cache-Control"].startswith("private")
    assert client_for(world.office).get(reverse("inspections:photo_thumb", args=[data.photo.pk])).status_code == 200
    assert client_for(world.admin_b).get(url).status_code == 404
    assert client_for(world.inspector).get(url).status_code == 404  # I2 is the supervisor's
    assert client.get(url).status_code == 302  # anonymous → login


def test_the_export_holds_the_sections_as_text(world, data):
    answer = client_for(world.office).get(reverse("inspections:results_export"), JUNE)
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    assert book.sheetnames == ["按类型", "按责任单位", "按乡镇", "按点位", "按指标", "检查记录"]
    towns = list(book["按乡镇"].iter_rows(min_row=2, values_only=True))
    assert towns == [("城关街道", 3, 97.2, 8.5, 4), ("城南街道", 1, 100.0, 0.0, 0)]
    assert book["检查记录"].max_row == 5  # header + June's four


def test_a_unit_exports_only_its_own(world, data):
    answer = client_for(world.admin_b).get(reverse("inspections:results_export"), JUNE)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    assert [row[0] for row in book["按乡镇"].iter_rows(min_row=2, values_only=True)] == ["城南街道"]


# ---- API --------------------------------------------------------------------------------------


def test_the_api_lists_what_the_pages_list(world, data):
    answer = client_for(world.admin_a).get("/api/inspections/records", JUNE).json()
    assert answer["count"] == 3 and {i["id"] for i in answer["items"]} == {data.i1.pk, data.i2.pk, data.i4.pk}
    assert client_for(world.volunteer).get("/api/inspections/records").status_code == 403
    assert client_for(world.admin_b).get(f"/api/inspections/records/{data.i1.pk}").status_code == 404


def test_the_api_detail_has_results_photos_and_the_figures(world, data):
    detail = client_for(world.office).get(f"/api/inspections/records/{data.i2.pk}").json()
    assert detail["score"] == "96.5" and detail["site"]["name"] == "城关农贸市场"
    failed = [r for r in detail["results"] if r["outcome"] == "fail"]
    assert [r["deduction"] for r in failed] == ["2.0", "1.5"]
    assert failed[0]["photos"][0]["url"] == reverse("inspections:photo", args=[data.photo.pk])
    figures = client_for(world.office).get("/api/inspections/results", {**JUNE, "campaign": data.campaign.pk}).json()
    assert figures["totals"] == {"inspections": 4, "mean_score": "97.9", "deductions": "8.5", "failed_items": 4}
    assert [(r["label"], r["inspections"], r["mean_score"]) for r in figures["by_town"]] == [
        ("城关街道", 3, "97.2"),
        ("城南街道", 1, "100.0"),
    ]
    assert [(r["code"], r["pass_rate"], r["predicted"]) for r in figures["by_indicator"]] == [
        ("N1", 0.5, "2.00"),
        ("N2", 0.0, "0.00"),
    ]
    assert [(p["name"], p["failures"]) for p in figures["failing_places"]] == [("城关农贸市场", 3), ("人民公园", 1)]
