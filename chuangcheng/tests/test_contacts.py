"""The contact-number policy (``org.contacts``), per role, on every surface that shows a number.

Each table says, for one number and one persona, what the surface shows: the number in full,
masked (138****0005), nothing ("none": the row is visible but the number is not), or that
the row itself is out of the persona's scope ("404", or left out of a list or an export).
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from chuangcheng.cases import services as case_services
from chuangcheng.cases.choices import Source
from chuangcheng.cases.tests.api_helpers import make_category
from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.org.contacts import mask
from chuangcheng.org.models import Person
from chuangcheng.places.choices import PledgeStatus
from chuangcheng.places.imports import import_file
from chuangcheng.places.models import RoadSegment, Shop
from chuangcheng.places.services import segment_save, shop_save
from chuangcheng.places.tests.io_helpers import SHOP_HEADER, shop_row

PERSONAS = ["office", "supervisor", "leader", "admin_a", "admin_b", "handler_a", "chief_a", "chief_b"]
PERSONAS += ["inspector", "volunteer"]
SHOP_PHONE = "13912345678"
REPORTER_PHONE = "13700001111"


def number_of(persona: str) -> str:
    return f"1380000{PERSONAS.index(persona):04d}"


def shows(text: str, number: str) -> str:
    if number in text:
        return "full"
    return "masked" if mask(number) in text else "none"


@pytest.fixture
def county(world):
    """Every persona with a mobile; 城关街道's road (路长 chief_a, 段长 chief_b of 城南) with one shop."""
    for persona in PERSONAS:
        Person.objects.filter(pk=getattr(world, persona).pk).update(mobile=number_of(persona))
    road = segment_save(
        segment=RoadSegment(
            code="A-01", name="人民路", unit=world.town_a, chief=world.chief_a, section_chief=world.chief_b
        ),
        geometry={"type": "LineString", "coordinates": [[114.299, 34.80], [114.301, 34.80]]},
    )
    shop = shop_save(
        shop=Shop(
            code="M-01",
            name="好再来饭店",
            lon=114.3,
            lat=34.8001,
            segment=road,
            operator_name="张老板",
            operator_mobile=SHOP_PHONE,
            pledge_status=PledgeStatus.SIGNED,
            pledge_signed_on=date(2026, 3, 1),
        )
    )
    return world, road, shop


def login(client, world, persona):
    client.force_login(Person.objects.get(pk=getattr(world, persona).pk))


def assert_shown(response, number: str, expected: str, *, field: str = "") -> None:
    """A 404 where the row is out of scope; else the page (or the JSON ``field``) shows the number as expected."""
    if expected == "404":
        assert response.status_code == 404
        return
    text = response.json()[field] if field else response.content.decode()
    assert shows(text, number) == expected


# ---- person mobile: handler_a's (东关社区, under 城关街道) ---------------------------------------

HANDLER_MOBILE = {
    "office": "full",
    "supervisor": "masked",
    "leader": "masked",
    "admin_a": "full",  # their unit's people
    "admin_b": "404",
    "handler_a": "full",  # their own
    "chief_a": "404",  # a road chief sees people through their segments, not their unit
    "chief_b": "404",
    "inspector": "404",
    "volunteer": "404",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_mobile_on_the_people_page(client, county, persona):
    world, _road, _shop = county
    login(client, world, persona)

    page = client.get("/accounts/people/").content.decode()

    expected = HANDLER_MOBILE[persona]
    assert shows(page, number_of("handler_a")) == ("none" if expected == "404" else expected)
    if expected == "404":
        assert "周处置" not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_mobile_in_the_api(client, county, persona):
    world, _road, _shop = county
    login(client, world, persona)

    response = client.get(f"/api/org/people/{world.handler_a.pk}")

    assert_shown(response, number_of("handler_a"), HANDLER_MOBILE[persona], field="mobile")


# ---- person mobile: the 段长 chief_b (城南街道) on 城关街道's road ----------------------------------

SECTION_CHIEF_MOBILE = {
    "office": "full",
    "supervisor": "masked",
    "leader": "masked",
    "admin_a": "masked",  # the road is theirs, the person is another unit's
    "admin_b": "404",
    "handler_a": "404",
    "chief_a": "full",  # co-chief of the same road
    "chief_b": "full",
    "inspector": "404",
    "volunteer": "404",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_mobile_on_the_segment_page(client, county, persona):
    world, road, _shop = county
    login(client, world, persona)

    response = client.get(f"/places/segments/{road.pk}/")

    assert_shown(response, number_of("chief_b"), SECTION_CHIEF_MOBILE[persona])


# ---- shop operator phone -----------------------------------------------------------------------

SHOP = {
    "office": "full",
    "supervisor": "masked",
    "leader": "masked",
    "admin_a": "full",  # along their unit's road
    "admin_b": "404",
    "handler_a": "404",
    "chief_a": "full",  # along their own road
    "chief_b": "full",
    "inspector": "404",
    "volunteer": "404",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_shop_phone_on_the_shop_page(client, county, persona):
    world, _road, shop = county
    login(client, world, persona)

    response = client.get(f"/places/shops/{shop.pk}/")

    assert_shown(response, SHOP_PHONE, SHOP[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_shop_phone_in_the_api_list_and_detail(client, county, persona):
    world, _road, shop = county
    login(client, world, persona)

    items = client.get("/api/places/shops").json()["items"]
    detail = client.get(f"/api/places/shops/{shop.pk}")

    if SHOP[persona] == "404":
        assert items == [] and detail.status_code == 404
    else:
        assert [shows(i["operator_mobile"], SHOP_PHONE) for i in items] == [SHOP[persona]]
        assert shows(detail.json()["operator_mobile"], SHOP_PHONE) == SHOP[persona]


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_shop_phone_in_the_xlsx_and_geojson_exports(client, county, persona):
    world, _road, _shop = county
    login(client, world, persona)

    workbook = _xlsx_text(b"".join(client.get("/places/io/export/shop.xlsx").streaming_content))
    geojson = json.loads(b"".join(client.get("/places/io/export/shop.geojson").streaming_content))

    expected = SHOP[persona]
    if expected == "404":
        assert "M-01" not in workbook and geojson["features"] == []
    else:
        assert shows(workbook, SHOP_PHONE) == expected
        assert shows(json.dumps(geojson["features"][0]["properties"]), SHOP_PHONE) == expected


# ---- case reporter phone -----------------------------------------------------------------------

REPORTER = {
    "office": "full",
    "supervisor": "none",
    "leader": "none",
    "admin_a": "none",  # the unit handling it does not get the citizen's number
    "admin_b": "404",
    "handler_a": "none",
    "chief_a": "404",
    "chief_b": "404",
    "inspector": "full",  # their own report
    "volunteer": "404",
}


@pytest.fixture
def reported_case(county):
    world, _road, _shop = county
    case, _ = case_services.case_report(
        by=world.inspector,
        source=Source.PATROL,
        category=make_category(),
        description="路边有暴露垃圾",
        lon=114.5,
        lat=34.5,
        reporter_phone=REPORTER_PHONE,
    )
    case_services.case_accept(case=case, by=world.office)
    case_services.case_dispatch(case=case, by=world.office, unit=world.town_a, handler=world.handler_a)
    return case


@pytest.mark.parametrize("persona", PERSONAS)
def test_reporter_phone_on_the_case_page_and_in_the_api(client, county, reported_case, persona):
    world, _road, _shop = county
    login(client, world, persona)

    page = client.get(f"/cases/{reported_case.pk}/")
    detail = client.get(f"/api/cases/{reported_case.pk}")

    assert_shown(page, REPORTER_PHONE, REPORTER[persona])
    assert_shown(detail, REPORTER_PHONE, REPORTER[persona], field="reporter_phone")


# ---- searching by number -----------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "found"), [("office", True), ("leader", False), ("supervisor", False)])
def test_a_search_by_number_finds_only_people_whose_number_the_user_sees_in_full(client, county, persona, found):
    world, _road, _shop = county
    login(client, world, persona)

    people = client.get("/api/org/people", {"q": number_of("admin_b")}).json()

    assert bool(people) is found


def test_a_workbook_exported_with_masked_numbers_does_not_overwrite_them_on_import(county):
    upload = xlsx_upload(SHOP_HEADER, [shop_row("M-01", 经营者电话=mask(SHOP_PHONE), 所在路段="A-01")])

    result = import_file(kind="shop", file=upload)

    assert not result.ok
    assert "打码" in str(result.errors[0].message)
    assert Shop.objects.get(code="M-01").operator_mobile == SHOP_PHONE
