"""Import pages (office only) and the scoped export endpoints."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chuangcheng.conftest import PASSWORD
from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.places.imports import import_file
from chuangcheng.places.models import RoadSegment
from chuangcheng.places.tests.io_helpers import (
    LINE_2,
    SEGMENT_HEADER,
    segment_row,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/places/io/import/"


def login(client, person):
    assert client.login(username=person.username, password=PASSWORD)
    return client


def post_import(client, upload, *, kind="segment", mode="all"):
    return client.post(IMPORT_URL, {"kind": kind, "mode": mode, "file": upload})


@pytest.fixture
def two_chiefs_roads(world):
    rows = [
        segment_row("S001", 名称="人民路东段"),
        segment_row("S002", 名称="建设路", 路长="吴路长", 包保单位="城南街道", **{"几何(WKT)": LINE_2}),
    ]
    assert import_file(kind="segment", file=xlsx_upload(SEGMENT_HEADER, rows)).ok
    return world


def test_the_urls_are_where_the_list_pages_expect_them():
    assert reverse("places_io:import") == IMPORT_URL
    assert reverse("places_io:export_xlsx", kwargs={"kind": "shop"}) == "/places/io/export/shop.xlsx"
    assert reverse("places_io:export_geojson", kwargs={"kind": "grid"}) == "/places/io/export/grid.geojson"


def test_the_office_sees_the_import_form_with_template_links(client, world):
    response = login(client, world.office).get(IMPORT_URL + "shop/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "导入责任地图" in body and "仅导入无误的行" in body
    assert 'value="shop" selected' in body
    assert reverse("places_io:template", kwargs={"kind": "grid"}) in body


@pytest.mark.parametrize(
    "persona", ["supervisor", "leader", "admin_a", "handler_a", "chief_a", "inspector", "volunteer"]
)
def test_only_the_office_may_import(client, world, persona):
    login(client, getattr(world, persona))

    assert client.get(IMPORT_URL).status_code == 403
    assert post_import(client, xlsx_upload(SEGMENT_HEADER, [segment_row()])).status_code == 403
    assert not RoadSegment.objects.exists()


def test_an_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_an_unknown_kind_is_404(client, world):
    login(client, world.office)

    assert client.get(IMPORT_URL + "towers/").status_code == 404
    assert client.get("/places/io/export/towers.xlsx").status_code == 404


def test_a_successful_import_shows_the_summary(client, world):
    response = post_import(login(client, world.office), xlsx_upload(SEGMENT_HEADER, [segment_row()]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-ok"' in body and "新增 1 条" in body
    assert RoadSegment.objects.count() == 1


def test_an_import_with_errors_shows_the_error_table_and_writes_nothing(client, world):
    rows = [segment_row("S001"), segment_row("S002", 包保单位="县外星局")]

    response = post_import(login(client, world.office), xlsx_upload(SEGMENT_HEADER, rows))

    body = response.content.decode()
    assert 'id="import-errors"' in body
    assert "没有写入任何数据" in body
    assert "<td>3</td><td>包保单位</td><td>未找到单位“县外星局”" in body
    assert not RoadSegment.objects.exists()


def test_valid_only_mode_through_the_page(client, world):
    rows = [segment_row("S001"), segment_row("S002", 包保单位="县外星局")]

    response = post_import(login(client, world.office), xlsx_upload(SEGMENT_HEADER, rows), mode="valid_only")

    body = response.content.decode()
    assert 'id="import-partial"' in body and "1 行有错误，未导入" in body
    assert list(RoadSegment.objects.values_list("code", flat=True)) == ["S001"]


def test_a_file_level_error_is_shown_in_the_table(client, world):
    response = post_import(login(client, world.office), SimpleUploadedFile("a.xlsx", b"not a workbook"))

    assert "文件不是有效的 Excel（.xlsx）文件" in response.content.decode()


def test_the_template_downloads_as_xlsx(client, world):
    response = login(client, world.office).get(reverse("places_io:template", kwargs={"kind": "segment"}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == SEGMENT_HEADER


def exported_codes(response) -> list[str]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_a_road_chief_exports_only_their_segments(client, two_chiefs_roads):
    response = login(client, two_chiefs_roads.chief_b).get("/places/io/export/segment.xlsx")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert exported_codes(response) == ["S002"]


def test_a_road_chief_geojson_export_is_scoped_too(client, two_chiefs_roads):
    response = login(client, two_chiefs_roads.chief_a).get("/places/io/export/segment.geojson")

    doc = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["路段编码"] for f in doc["features"]] == ["S001"]


def test_the_office_export_follows_the_list_filters(client, two_chiefs_roads):
    login(client, two_chiefs_roads.office)

    assert exported_codes(client.get("/places/io/export/segment.xlsx")) == ["S001", "S002"]
    assert exported_codes(client.get("/places/io/export/segment.xlsx?q=建设")) == ["S002"]
