"""The pages' filter bars and exports: a number beyond the database's range is dropped, never a 500."""

from __future__ import annotations

import pytest
from django import forms

from chuangcheng.cases.tests.api_helpers import dispatched_case, make_category
from chuangcheng.core.forms import FilterForm
from chuangcheng.places.tests.view_helpers import make_grid, make_segment, make_shop, make_site

BEYOND = str(2**63)
FILTERS = ("unit", "category", "parent_category", "town", "escalation", "chief", "grid", "street", "site_type")
FILTERS += ("segment", "campaign", "indicator", "page")
PAGES = [
    "/cases/",
    "/cases/todo/",
    "/cases/export.xlsx",
    "/places/segments/",
    "/places/grids/",
    "/places/sites/",
    "/places/shops/",
    "/places/map/",
    "/indicators/ledger/",
    "/indicators/ledger/export.xlsx",
    "/indicators/notices/",
    "/inbox/",
] + [f"/places/io/export/{kind}.{ext}" for kind in ("segment", "grid", "site", "shop") for ext in ("xlsx", "geojson")]


@pytest.fixture
def county(world):
    segment = make_segment("A1", world.town_a, chief=world.chief_a)
    make_grid("001", world.town_a)
    make_site("SA", world.town_a)
    make_shop("SHA", segment)
    dispatched_case(world, make_category())
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("sign", ["", "-"])
def test_an_out_of_range_filter_or_page_is_dropped_not_a_500(client, county, url, sign):
    client.force_login(county.office)

    response = client.get(url, dict.fromkeys(FILTERS, sign + BEYOND))

    assert response.status_code == 200
    if response.streaming:  # a streamed export fails while it is read, after its 200
        assert b"".join(response.streaming_content)


class NumberFilters(FilterForm):
    level = forms.IntegerField(required=False)


def test_the_filter_form_base_bounds_every_integer_field():
    assert NumberFilters({"level": BEYOND}).filters() == {}
    assert NumberFilters({"level": "-" + BEYOND}).filters() == {}
    assert NumberFilters({"level": "3"}).filters() == {"level": 3}
