"""Exports: the importer's layout, so export → import changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.core.xlsx import xlsx_bytes
from chuangcheng.org.models import Person
from chuangcheng.org.services import person_create
from chuangcheng.places.exports import EXPORTERS, template_sheets
from chuangcheng.places.imports import import_file
from chuangcheng.places.models import Grid, RoadSegment, Shop, Site
from chuangcheng.places.tests.io_helpers import (
    GRID_HEADER,
    LINE_2,
    SEGMENT_HEADER,
    SHOP_HEADER,
    SITE_HEADER,
    SQUARE,
    grid_row,
    segment_row,
    shop_row,
    site_row,
)

pytestmark = pytest.mark.django_db

MODELS = {"segment": RoadSegment, "grid": Grid, "site": Site, "shop": Shop}


@pytest.fixture
def county_map(world):
    """Every kind imported once: two segments, a grid, a point and an area site, two shops."""
    grids = import_file(kind="grid", file=xlsx_upload(GRID_HEADER, [grid_row(网格员="周处置")]))
    segments = import_file(
        kind="segment",
        file=xlsx_upload(
            SEGMENT_HEADER,
            [
                segment_row("S001", 段长="吴路长", 所在网格="410221001001001"),
                segment_row("S002", 路长="吴路长", **{"几何(WKT)": LINE_2, "道路等级": "背街小巷"}),
            ],
        ),
    )
    sites = import_file(
        kind="site",
        file=xlsx_upload(
            SITE_HEADER,
            [site_row("D001", 责任人="郑巡查"), site_row("D002", 经度=None, 纬度=None, **{"几何(WKT)": SQUARE})],
        ),
    )
    shops = import_file(
        kind="shop",
        file=xlsx_upload(
            SHOP_HEADER,
            [shop_row("P001", 所在路段="S001"), shop_row("P002", 承诺事项="", 签订日期=None, 责任书状态="未签订")],
        ),
    )
    assert all(r.ok for r in (grids, segments, sites, shops))
    return world


def office() -> Person:
    """Exports as the office sees them: every number in full, so a workbook imports back unchanged."""
    return Person.objects.get(username="office")


def exported_xlsx(kind: str) -> bytes:
    buffer = BytesIO()
    EXPORTERS[kind](MODELS[kind].objects.all(), viewer=office()).write_xlsx(buffer)
    return buffer.getvalue()


def exported_geojson(kind: str) -> bytes:
    return "".join(EXPORTERS[kind](MODELS[kind].objects.all(), viewer=office()).geojson_chunks()).encode()


@pytest.mark.parametrize("kind", ["segment", "grid", "site", "shop"])
def test_an_exported_workbook_imports_back_unchanged(county_map, kind):
    before = MODELS[kind].objects.count()

    result = import_file(kind=kind, file=SimpleUploadedFile(f"{kind}.xlsx", exported_xlsx(kind)))

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, before)


@pytest.mark.parametrize("kind", ["segment", "grid", "site", "shop"])
def test_an_exported_geojson_imports_back_unchanged(county_map, kind):
    before = MODELS[kind].objects.count()

    result = import_file(kind=kind, file=SimpleUploadedFile(f"{kind}.geojson", exported_geojson(kind)))

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, before)


def test_an_export_into_an_empty_county_recreates_the_objects(county_map):
    data = exported_xlsx("shop")
    Shop.objects.all().delete()

    result = import_file(kind="shop", file=SimpleUploadedFile("shop.xlsx", data))

    assert (result.created, result.updated) == (2, 0)
    shop = Shop.objects.get(code="P001")
    assert shop.segment.code == "S001" and shop.pledge_items.count() == 2


def test_the_segment_workbook_has_the_import_columns_and_readable_values(county_map):
    sheet = load_workbook(BytesIO(exported_xlsx("segment"))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == [*SEGMENT_HEADER, "长度(米)"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["包保单位"] == "城关街道"
    assert (first["路长"], first["段长"], first["道路等级"]) == ("孙路长", "吴路长", "主干道")
    assert first["几何(WKT)"] == "LINESTRING (114.3 34.8, 114.31 34.8)"
    assert first["长度(米)"] > 900
    assert sheet.freeze_panes == "A2"


def test_the_shop_workbook_writes_dates_as_dates_and_pledges_by_name(county_map):
    sheet = load_workbook(BytesIO(exported_xlsx("shop"))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))

    assert first["签订日期"].value == dt.datetime(2024, 5, 1)
    assert first["签订日期"].number_format == "yyyy-mm-dd"
    assert first["承诺事项"].value == "包卫生、包秩序"
    assert (first["经度"].value, first["纬度"].value) == (114.305, 34.8001)


def test_a_point_site_is_written_as_lon_lat_and_an_area_site_as_wkt(county_map):
    rows = list(EXPORTERS["site"](Site.objects.order_by("code"), viewer=office()).rows())
    header = SITE_HEADER

    point, area = (dict(zip(header, row, strict=True)) for row in rows)
    assert (point["经度"], point["纬度"], point["几何(WKT)"]) == (114.302, 34.803, None)
    assert (area["经度"], area["几何(WKT)"][:7]) == (None, "POLYGON")


def test_the_geojson_uses_the_same_property_names(county_map):
    doc = json.loads(exported_geojson("shop"))

    assert doc["type"] == "FeatureCollection"
    first = doc["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [114.305, 34.8001]}
    assert set(first["properties"]) == set(SHOP_HEADER) - {"经度", "纬度"}
    assert first["properties"]["签订日期"] == "2024-05-01"


def test_a_namesake_is_exported_with_the_login_name_and_imports_back(county_map):
    person_create(username="sun2", real_name="孙路长", unit=county_map.town_b)

    data = exported_xlsx("segment")
    result = import_file(kind="segment", file=SimpleUploadedFile("segment.xlsx", data))

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    assert sheet["H2"].value == "孙路长(chief_a)"
    assert (result.ok, result.unchanged) == (True, 2)


def test_an_export_only_contains_the_queryset_it_is_given(county_map):
    rows = list(EXPORTERS["segment"](RoadSegment.objects.filter(chief=county_map.chief_b), viewer=office()).rows())

    assert [row[0] for row in rows] == ["S002"]


@pytest.mark.parametrize("kind", ["segment", "grid", "site", "shop"])
def test_the_template_has_the_import_header_and_a_guide(world, kind):
    workbook = load_workbook(BytesIO(xlsx_bytes(template_sheets(kind))))

    header = [c.value for c in workbook.worksheets[0][1]]
    assert header == {"segment": SEGMENT_HEADER, "grid": GRID_HEADER, "site": SITE_HEADER, "shop": SHOP_HEADER}[kind]
    assert workbook.worksheets[1].title == "填写说明"
    assert workbook.worksheets[1].max_row == len(header) + 1
