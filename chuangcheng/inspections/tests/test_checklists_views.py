"""The office's checklist pages and API: list, one checklist by family, item edits (versioned), links, roles."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from chuangcheng.cases.models import Category
from chuangcheng.cases.services import seed_categories
from chuangcheng.core.models import AuditEntry
from chuangcheng.indicators.tests import conftest as indicator_fixtures
from chuangcheng.inspections.choices import InspectionKind, ItemFamily, Outcome
from chuangcheng.inspections.models import Checklist, ChecklistItem, ChecklistItemVersion, InspectionResult
from chuangcheng.inspections.selectors import active_items
from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db
# The indicators' fixtures: the campaign WMXC-2027 and a small framework (P1 → P1.1, P1.2 → three 测评内容).
campaign = indicator_fixtures.campaign
framework = indicator_fixtures.framework

READERS = ("office", "supervisor", "leader", "inspector", "chief_a")
NOT_READERS = ("admin_a", "handler_a", "volunteer")


@pytest.fixture
def seeded(world):
    seed_categories()
    checklists_seed(by=world.office)


@pytest.fixture
def market(seeded) -> Checklist:
    return Checklist.objects.get(site_type__code="market")


def first_item(checklist: Checklist, words: str) -> ChecklistItem:
    return checklist.items.filter(text__contains=words).order_by("sort_order").first()  # type: ignore[return-value]


def login(client, person):
    client.force_login(person)
    return client


def item_post(item: ChecklistItem, **changes) -> dict:
    data = {
        "family": item.family,
        "text": item.text,
        "method": item.method,
        "deduction": str(item.deduction),
        "photo_required": "on" if item.photo_required else "",
        "case_category": str(item.case_category_id or ""),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


# ---- reading --------------------------------------------------------------------------------------


def test_the_list_shows_every_site_type_and_road_class_with_its_item_counts(client, world, market):
    ChecklistItem.objects.filter(pk=first_item(market, "公平秤").pk).update(is_active=False)
    login(client, world.office)

    page = client.get(reverse("inspections:checklists")).content.decode()

    total = market.items.count()
    row = page[page.index(f'id="checklist-{market.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "农贸市场检查表" in row
    assert f'<td class="num">{total}</td>' in row and f'<td class="num">{total - 1}</td>' in row
    assert "主干道路段检查表" in page and "背街小巷路段检查表" in page
    assert len(re.findall(r'id="checklist-\d+"', page)) == SiteType.objects.count() + len(RoadClass.choices)


def test_the_list_filters_to_road_classes(client, world, seeded):
    login(client, world.supervisor)

    page = client.get(reverse("inspections:checklists"), {"target": "road"}).content.decode()

    assert len(re.findall(r'id="checklist-\d+"', page)) == len(RoadClass.choices)
    assert "农贸市场检查表" not in page
    # A reader who does not edit sees no import link.
    assert 'id="checklist-import"' not in page


def test_a_checklist_shows_its_items_grouped_by_family_in_the_evaluations_order(client, world, market, framework):
    scale = first_item(market, "公平秤")
    scale.indicators.add(framework.standards[0])
    login(client, world.leader)

    page = client.get(reverse("inspections:checklist_detail", args=[market.pk])).content.decode()

    positions = [page.index(f'id="family-{code}"') for code in ItemFamily.values if f'id="family-{code}"' in page]
    assert positions == sorted(positions) and len(positions) >= 4
    row = page[page.index(f'id="item-{scale.pk}"') :]
    row = row[: row.index("</tr>")]
    assert scale.text in row and "第 1 版" in row and "WMXC-2027" in row and "P1.1.1 主次干道保洁" in row
    # The leader reads; nothing to edit.
    assert f'id="item-edit-{scale.pk}"' not in page


@pytest.mark.parametrize("who", READERS)
def test_every_reader_opens_the_pages(client, world, market, who):
    login(client, getattr(world, who))
    assert client.get(reverse("inspections:checklists")).status_code == 200
    assert client.get(reverse("inspections:checklist_detail", args=[market.pk])).status_code == 200
    assert client.get(f"/api/inspections/checklists/{market.pk}").status_code == 200


@pytest.mark.parametrize("who", NOT_READERS)
def test_unit_roles_and_volunteers_are_refused(client, world, market, who):
    login(client, getattr(world, who))
    assert client.get(reverse("inspections:checklists")).status_code == 403
    assert client.get(reverse("inspections:checklist_detail", args=[market.pk])).status_code == 403
    assert client.get("/api/inspections/checklists").status_code == 403


@pytest.mark.parametrize("who", ("supervisor", "leader", "inspector", "chief_a", "admin_a"))
def test_only_the_office_edits(client, world, market, who):
    item = first_item(market, "公平秤")
    login(client, getattr(world, who))

    responses = [
        client.get(reverse("inspections:checklist_item_edit", args=[item.pk])),
        client.post(reverse("inspections:checklist_item_edit", args=[item.pk]), item_post(item, text="改掉")),
        client.post(reverse("inspections:checklist_item_active", args=[item.pk]), {"active": "0"}),
        client.post(reverse("inspections:checklist_item_move", args=[item.pk]), {"direction": "down"}),
        client.get(reverse("inspections:checklist_import")),
        client.patch(f"/api/inspections/checklist-items/{item.pk}", {"text": "改掉"}, content_type="application/json"),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    item.refresh_from_db()
    assert item.text != "改掉" and item.is_active and item.version == 1


def test_a_missing_checklist_or_item_is_404(client, world, seeded):
    login(client, world.office)
    assert client.get(reverse("inspections:checklist_detail", args=[999999])).status_code == 404
    assert client.get(reverse("inspections:checklist_item_edit", args=[999999])).status_code == 404
    assert client.get("/api/inspections/checklists/999999").status_code == 404


# ---- editing ---------------------------------------------------------------------------------------


@pytest.fixture
def site(world, market) -> Site:
    site = Site(code="P-01", name="城关农贸市场", site_type=market.site_type, unit=world.town_a)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [114.305, 34.8]})


def test_an_edit_through_the_page_is_a_new_version_and_a_submitted_inspection_keeps_the_old_one(
    client, world, market, site
):
    item = first_item(market, "公平秤")
    old_text, old_deduction = item.text, item.deduction
    answers = [Answer(i.pk, Outcome.PASS) for i in active_items(market)]
    inspection, _ = inspection_submit(by=world.inspector, kind=InspectionKind.PATROL, site=site, answers=answers)
    login(client, world.office)

    response = client.post(
        reverse("inspections:checklist_item_edit", args=[item.pk]),
        item_post(item, text="市场入口设置公平秤并有专人校验", deduction="3.5"),
    )

    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert (item.text, item.deduction, item.version) == ("市场入口设置公平秤并有专人校验", Decimal("3.5"), 2)
    result = InspectionResult.objects.get(inspection=inspection, item_version__item=item)
    assert (result.item_version.number, result.item_version.text) == (1, old_text)
    assert result.item_version.deduction == old_deduction
    # The checklist shows the new text; the edit page lists both versions.
    detail = client.get(reverse("inspections:checklist_detail", args=[market.pk])).content.decode()
    assert "市场入口设置公平秤并有专人校验" in detail and "第 2 版" in detail
    edit = client.get(reverse("inspections:checklist_item_edit", args=[item.pk])).content.decode()
    assert 'id="version-1"' in edit and 'id="version-2"' in edit and old_text in edit
    assert "当前为第 2 版" in edit


def test_a_bad_edit_shows_the_reason_and_changes_nothing(client, world, market):
    item = first_item(market, "公平秤")
    login(client, world.office)

    response = client.post(
        reverse("inspections:checklist_item_edit", args=[item.pk]), item_post(item, text="", deduction="100")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert "99.9" in page
    item.refresh_from_db()
    assert item.version == 1 and item.versions.count() == 1


def test_the_office_adds_an_item_at_the_end_of_the_checklist(client, world, market):
    category = Category.objects.get(name="占道经营")
    last = market.items.order_by("-sort_order").first()
    login(client, world.office)

    response = client.post(
        reverse("inspections:checklist_item_create", args=[market.pk]),
        {
            "family": ItemFamily.ORDER,
            "text": "市场周边 50 米内无流动摊贩",
            "method": "沿市场外围步行查看",
            "deduction": "1.5",
            "photo_required": "on",
            "case_category": str(category.pk),
        },
    )

    assert response.status_code == 302
    item = market.items.get(text="市场周边 50 米内无流动摊贩")
    assert item.sort_order == last.sort_order + 1 and item.version == 1
    assert (item.deduction, item.photo_required, item.case_category) == (Decimal("1.5"), True, category)
    assert ChecklistItemVersion.objects.filter(item=item).count() == 1


def test_deactivating_and_reactivating_an_item_through_htmx(client, world, market):
    item = first_item(market, "公平秤")
    login(client, world.office)
    url = reverse("inspections:checklist_item_active", args=[item.pk])

    off = client.post(url, {"active": "0"}, headers={"HX-Request": "true"})

    assert off.status_code == 200
    html = off.content.decode()
    assert html.lstrip().startswith('<div id="items">') and "<html" not in html
    assert f'id="item-on-{item.pk}"' in html
    item.refresh_from_db()
    assert not item.is_active and item.version == 1
    assert item not in active_items(market)

    again = client.post(url, {"active": "1"})
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.is_active and item.version == 1


def test_moving_an_item_down_swaps_it_with_the_next_item_of_its_family(client, world, market):
    family = list(market.items.filter(family=ItemFamily.SANITATION).order_by("sort_order"))
    first, second = family[0], family[1]
    login(client, world.office)

    client.post(reverse("inspections:checklist_item_move", args=[first.pk]), {"direction": "down"})

    order = list(market.items.filter(family=ItemFamily.SANITATION).order_by("sort_order").values_list("pk", flat=True))
    assert order[:2] == [second.pk, first.pk]
    # The checklist is numbered 0, 1, 2… and no version was written.
    assert sorted(market.items.values_list("sort_order", flat=True)) == list(range(market.items.count()))
    assert ChecklistItemVersion.objects.filter(item__checklist=market).count() == market.items.count()
    assert AuditEntry.objects.filter(action="inspections.item.move").count() == 1
    # Moving the first item of a family up changes nothing.
    client.post(reverse("inspections:checklist_item_move", args=[second.pk]), {"direction": "up"})
    assert AuditEntry.objects.filter(action="inspections.item.move").count() == 1


def test_the_office_links_an_item_to_standards_of_a_campaign(client, world, market, framework):
    item = first_item(market, "占道经营")
    clean, stalls = framework.standards[0], framework.standards[2]
    login(client, world.office)
    url = reverse("inspections:checklist_item_indicators", args=[item.pk])

    page = client.get(url, {"campaign": "WMXC-2027"}).content.decode()
    assert "P1.2.1 占道经营整治" in page
    assert "P1 公共环境" not in page  # a 测评项目 is no choice
    response = client.post(url, {"campaign": "WMXC-2027", "nodes": [str(clean.pk), str(stalls.pk)]})

    assert response.status_code == 302
    assert set(item.indicators.all()) == {clean, stalls}
    assert item.versions.count() == 1  # links are not content
    entry = AuditEntry.objects.get(action="inspections.item.indicators")
    assert entry.data["indicators"] == [[], ["P1.1.1", "P1.2.1"]]


def test_a_node_of_a_higher_level_is_refused_by_the_api(client, world, market, framework):
    item = first_item(market, "占道经营")
    login(client, world.office)

    response = client.put(
        f"/api/inspections/checklist-items/{item.pk}/indicators",
        {"campaign": "WMXC-2027", "nodes": [framework.project.pk]},
        content_type="application/json",
    )

    assert response.status_code == 400 and "只能关联测评内容或测评标准" in response.json()["detail"]
    assert not item.indicators.exists()


# ---- API ----------------------------------------------------------------------------------------------


def test_the_api_lists_checklists_and_one_with_its_items(client, world, market):
    login(client, world.inspector)

    rows = client.get("/api/inspections/checklists").json()
    detail = client.get(f"/api/inspections/checklists/{market.pk}").json()

    assert len(rows) == Checklist.objects.count()
    row = next(r for r in rows if r["id"] == market.pk)
    assert (row["target"], row["site_type"]["code"], row["item_count"]) == ("site", "market", market.items.count())
    assert len(detail["items"]) == market.items.count()
    scale = next(i for i in detail["items"] if "公平秤" in i["text"])
    assert scale["version"] == 1 and scale["family_label"] == "行业规范与服务"


def test_the_api_edits_an_item_as_a_new_version(client, world, market):
    item = first_item(market, "公平秤")
    login(client, world.office)

    response = client.patch(
        f"/api/inspections/checklist-items/{item.pk}",
        {"deduction": "2.5", "case_category": None},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], Decimal(str(body["deduction"])), body["case_category"]) == (2, Decimal("2.5"), None)
    off = client.patch(
        f"/api/inspections/checklist-items/{item.pk}", {"is_active": False}, content_type="application/json"
    )
    assert off.json()["version"] == 2 and off.json()["is_active"] is False


def test_the_api_adds_an_item(client, world, market):
    login(client, world.office)

    response = client.post(
        f"/api/inspections/checklists/{market.pk}/items",
        {"family": "order", "text": "无乱搭乱建", "deduction": "1", "photo_required": True},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert market.items.filter(text="无乱搭乱建", version=1).exists()


def test_a_blank_text_through_the_api_is_a_400_and_changes_nothing(client, world, market):
    item = first_item(market, "公平秤")
    login(client, world.office)

    response = client.patch(
        f"/api/inspections/checklist-items/{item.pk}", {"text": "   "}, content_type="application/json"
    )

    assert response.status_code == 400 and response.json()["detail"]
    item.refresh_from_db()
    assert item.version == 1 and "公平秤" in item.text


def test_choosing_another_campaign_swaps_only_the_choices(client, world, market, framework):
    item = first_item(market, "公平秤")
    login(client, world.office)

    response = client.get(
        reverse("inspections:checklist_item_indicators", args=[item.pk]),
        {"campaign": "WMXC-2027"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="links">') and "P1.1.2 垃圾分类" in html and "<html" not in html


def test_a_post_for_an_unknown_campaign_links_nothing(client, world, market, framework):
    item = first_item(market, "公平秤")
    login(client, world.office)

    client.post(
        reverse("inspections:checklist_item_indicators", args=[item.pk]),
        {"campaign": "NOPE", "nodes": [str(framework.standards[0].pk)]},
    )

    assert not item.indicators.exists()


def test_the_office_switches_a_whole_checklist_off_and_on(client, world, market):
    login(client, world.office)
    url = reverse("inspections:checklist_active", args=[market.pk])

    page = client.post(url, {"active": "0"}, follow=True).content.decode()

    market.refresh_from_db()
    assert not market.is_active and 'id="checklist-on"' in page and "暂不能检查" in page
    entry = AuditEntry.objects.get(action="inspections.checklist.change")
    assert entry.data == {"is_active": [True, False]}
    client.post(url, {"active": "1"})
    market.refresh_from_db()
    assert market.is_active
    client.force_login(world.supervisor)
    assert client.post(url, {"active": "0"}).status_code == 403
    market.refresh_from_db()
    assert market.is_active
