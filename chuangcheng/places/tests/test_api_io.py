"""Import and export through the API: office only, row/column errors, updates by code, CSRF."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.places.models import RoadSegment

from .io_helpers import LINE_2, SEGMENT_HEADER, geojson_file, segment_row

IMPORT_URL = "/api/places/import/segment"


def post_import(client, upload, *, mode="all", url=IMPORT_URL):
    return client.post(url, {"file": upload, "mode": mode})


def two_roads():
    return xlsx_upload(
        SEGMENT_HEADER,
        [
            segment_row("S001", 名称="人民路东段"),
            segment_row("S002", 名称="建设路", 路长="吴路长", 包保单位="城南街道", **{"几何(WKT)": LINE_2}),
        ],
    )


def test_the_office_imports_a_workbook(client, world):
    client.force_login(world.office)

    response = post_import(client, two_roads())

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True and body["written"] is True
    assert (body["source"], body["rows_seen"], body["created"], body["errors"]) == ("xlsx", 2, 2, [])
    assert RoadSegment.objects.get(code="S002").chief == world.chief_b


def test_reimporting_updates_by_code_instead_of_duplicating(client, world):
    client.force_login(world.office)
    post_import(client, two_roads())
    changed = xlsx_upload(SEGMENT_HEADER, [segment_row("S001", 名称="人民路东段（改）")])

    again = post_import(client, two_roads()).json()
    renamed = post_import(client, changed).json()

    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert (renamed["created"], renamed["updated"]) == (0, 1)
    assert RoadSegment.objects.count() == 2
    assert RoadSegment.objects.get(code="S001").name == "人民路东段（改）"


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(client, world):
    client.force_login(world.office)
    rows = [segment_row("S001"), segment_row("S002", 包保单位="县外星局")]

    response = post_import(client, xlsx_upload(SEGMENT_HEADER, rows))

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["written"] is False and body["error_count"] == 1
    assert body["errors"] == [{"row": 3, "column": "包保单位", "message": body["errors"][0]["message"]}]
    assert "县外星局" in body["errors"][0]["message"]
    assert not RoadSegment.objects.exists()


def test_valid_only_writes_the_good_rows_and_reports_the_bad(client, world):
    client.force_login(world.office)
    rows = [segment_row("S001"), segment_row("S002", 包保单位="县外星局")]

    body = post_import(client, xlsx_upload(SEGMENT_HEADER, rows), mode="valid_only").json()

    assert (body["ok"], body["written"], body["created"], body["skipped"]) == (False, True, 1, 1)
    assert list(RoadSegment.objects.values_list("code", flat=True)) == ["S001"]


def test_geojson_feature_errors_name_the_feature(client, world):
    client.force_login(world.office)
    swapped = {"type": "LineString", "coordinates": [[34.80, 114.30], [34.80, 114.31]]}
    upload = geojson_file([{"type": "Feature", "geometry": swapped, "properties": {"路段编码": "S1", "名称": "x"}}])

    body = post_import(client, upload).json()

    assert body["source"] == "geojson"
    assert any(e["row"] == 1 and "经纬度可能填反了" in e["message"] for e in body["errors"])


def test_an_unreadable_file_is_one_error_for_the_whole_file(client, world):
    client.force_login(world.office)

    body = post_import(client, SimpleUploadedFile("a.xlsx", b"not a workbook")).json()

    assert body["ok"] is False
    assert body["errors"][0]["row"] is None


@pytest.mark.parametrize("persona", ["admin_a", "supervisor", "chief_a", "leader"])
def test_only_the_office_may_import_and_a_refusal_changes_nothing(client, world, persona):
    client.force_login(getattr(world, persona))

    response = post_import(client, two_roads())

    assert response.status_code == 403
    assert "创建办" in response.json()["detail"]
    assert not RoadSegment.objects.exists()


def test_an_import_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)

    response = post_import(client, two_roads())

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not RoadSegment.objects.exists()


def test_an_import_post_with_the_csrf_header_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    client.get("/places/io/import/")  # any page with a form sets the csrftoken cookie

    response = client.post(
        IMPORT_URL, {"file": two_roads(), "mode": "all"}, headers={"X-CSRFToken": client.cookies["csrftoken"].value}
    )

    assert response.status_code == 200, response.content
    assert RoadSegment.objects.count() == 2


def test_an_unknown_kind_or_mode_is_a_422(client, world):
    client.force_login(world.office)

    assert post_import(client, two_roads(), url="/api/places/import/towers").status_code == 422
    assert post_import(client, two_roads(), mode="some").status_code == 422
    assert not RoadSegment.objects.exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [("post", IMPORT_URL), ("get", "/api/places/export/segment.xlsx"), ("get", "/api/places/export/shop.geojson")],
)
def test_import_and_export_need_a_login(client, world, method, url):
    assert getattr(client, method)(url).status_code == 401


@pytest.fixture
def two_chiefs_roads(client, world):
    client.force_login(world.office)
    assert post_import(client, two_roads()).json()["ok"]
    client.logout()
    return world


def exported_codes(response) -> list[str]:
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_xlsx_export_is_scoped_and_filtered_like_the_list(client, two_chiefs_roads):
    client.force_login(two_chiefs_roads.office)
    assert exported_codes(client.get("/api/places/export/segment.xlsx")) == ["S001", "S002"]
    assert exported_codes(client.get("/api/places/export/segment.xlsx", {"q": "建设"})) == ["S002"]

    client.force_login(two_chiefs_roads.admin_b)
    assert exported_codes(client.get("/api/places/export/segment.xlsx")) == ["S002"]


def test_the_geojson_export_is_scoped(client, two_chiefs_roads):
    client.force_login(two_chiefs_roads.chief_a)

    response = client.get("/api/places/export/segment.geojson")

    assert response["Content-Type"].startswith("application/geo+json")
    doc = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["路段编码"] for f in doc["features"]] == ["S001"]


def test_an_exported_workbook_imports_back_unchanged(client, two_chiefs_roads):
    client.force_login(two_chiefs_roads.office)
    exported = b"".join(client.get("/api/places/export/segment.xlsx").streaming_content)

    body = post_import(client, SimpleUploadedFile("back.xlsx", exported)).json()

    assert (body["ok"], body["unchanged"], body["created"], body["updated"]) == (True, 2, 0, 0)


def test_the_import_template_downloads(client, world):
    client.force_login(world.admin_a)

    response = client.get("/api/places/import/segment/template.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == SEGMENT_HEADER
