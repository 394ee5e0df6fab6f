"""Imports: every bad input is reported by row and column, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from chuangcheng.core.tests import hostile_files as hostile
from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.org.services import person_create
from chuangcheng.places import routing
from chuangcheng.places.imports import ImportMode, import_file
from chuangcheng.places.models import Grid, MapRevision, RoadSegment, Shop, Site
from chuangcheng.places.tests.io_helpers import (
    BOWTIE,
    GRID_CODE,
    GRID_HEADER,
    LINE,
    LINE_2,
    SEGMENT_HEADER,
    SHOP_HEADER,
    SITE_HEADER,
    SQUARE,
    feature,
    geojson_file,
    grid_row,
    segment_row,
    shop_row,
    site_row,
)

pytestmark = pytest.mark.django_db


def only_error(result):
    assert not result.written
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def import_segments(*rows, mode=ImportMode.ALL):
    return import_file(kind="segment", file=xlsx_upload(SEGMENT_HEADER, list(rows)), mode=mode)


def import_shops(*rows, mode=ImportMode.ALL):
    return import_file(kind="shop", file=xlsx_upload(SHOP_HEADER, list(rows)), mode=mode)


# ----- good files ---------------------------------------------------------------------------


def test_it_imports_segments_from_xlsx_with_wkt(world):
    result = import_segments(segment_row("S001"), segment_row("S002", **{"几何(WKT)": LINE_2, "段长": "吴路长"}))

    assert (result.ok, result.created, result.updated, result.rows_seen) == (True, 2, 0, 2)
    segment = RoadSegment.objects.get(code="S001")
    assert segment.unit == world.town_a
    assert segment.chief == world.chief_a
    assert segment.road_class == "main"
    assert 900 < segment.length_m < 930
    assert (segment.min_lon, segment.max_lon) == (114.30, 114.31)
    assert RoadSegment.objects.get(code="S002").section_chief == world.chief_b


def test_it_imports_shops_with_pledges_and_segment(world):
    import_segments(segment_row("S001"))

    result = import_shops(
        shop_row("P001", 所在路段="S001"), shop_row("P002", 承诺事项="", 签订日期=None, 责任书状态=None)
    )

    assert (result.created, result.errors) == (2, [])
    shop = Shop.objects.get(code="P001")
    assert shop.segment.code == "S001"
    assert shop.pledge_signed_on == dt.date(2024, 5, 1)
    assert shop.pledge_status == "signed"
    assert sorted(shop.pledge_items.values_list("code", flat=True)) == ["hygiene", "order"]
    assert (shop.lon, shop.lat) == (114.305, 34.8001)
    other = Shop.objects.get(code="P002")
    assert (other.pledge_status, other.pledge_items.count()) == ("unsigned", 0)


def test_it_accepts_pledge_items_by_short_name_and_date_cells(world):
    result = import_shops(shop_row(承诺事项="卫生,绿化；包文明", 签订日期=dt.datetime(2024, 3, 8)))

    assert result.ok, result.errors
    shop = Shop.objects.get()
    assert sorted(shop.pledge_items.values_list("code", flat=True)) == ["civility", "greening", "hygiene"]
    assert shop.pledge_signed_on == dt.date(2024, 3, 8)


def test_it_imports_grids_from_geojson_with_english_field_codes(world):
    square = {
        "type": "Polygon",
        "coordinates": [[[114.30, 34.80], [114.31, 34.80], [114.31, 34.81], [114.30, 34.81], [114.30, 34.80]]],
    }
    features = [
        feature(square, code=GRID_CODE, name="东关一网格", street="T01", community="东关社区", grid_worker="handler_a")
    ]

    result = import_file(kind="grid", file=geojson_file(features))

    assert result.ok, result.errors
    grid = Grid.objects.get()
    assert (grid.street, grid.community, grid.grid_worker) == (world.town_a, world.community_a1, world.handler_a)
    assert 1_000_000 < grid.area_m2 < 1_200_000


def test_it_imports_point_and_polygon_sites(world):
    result = import_file(
        kind="site",
        file=xlsx_upload(
            SITE_HEADER, [site_row("D001"), site_row("D002", 经度=None, 纬度=None, **{"几何(WKT)": SQUARE})]
        ),
    )

    assert result.created == 2, result.errors
    point, area = Site.objects.order_by("code")
    assert point.geometry == {"type": "Point", "coordinates": [114.302, 34.803]}
    assert (point.lon, point.lat) == (114.302, 34.803)
    assert area.is_area and 114.30 < area.lon < 114.31
    assert point.site_type.code == "market"


def test_it_bumps_the_map_revision_once_after_writing(world, django_capture_on_commit_callbacks):
    before = routing.current_revision()  # other modules' committed demo counties may have bumped it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_segments(segment_row("S001"), segment_row("S002", **{"几何(WKT)": LINE_2}))

    assert len(callbacks) == 1
    assert MapRevision.objects.get(pk=1).revision == before + 1


# ----- re-import and modes ------------------------------------------------------------------


def test_reimporting_the_same_file_updates_by_code_without_duplicates(world):
    import_segments(segment_row("S001"))

    again = import_segments(segment_row("S001"))
    changed = import_segments(segment_row("S001", 名称="人民路（改）", 路长="吴路长", **{"几何(WKT)": LINE_2}))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (changed.created, changed.updated) == (0, 1)
    segment = RoadSegment.objects.get()
    assert (segment.name, segment.chief, segment.min_lat) == ("人民路（改）", world.chief_b, 34.81)


def test_reimporting_shops_replaces_their_pledge_items(world):
    import_shops(shop_row("P001"))

    result = import_shops(shop_row("P001", 承诺事项="包绿化"))

    assert (result.created, result.updated) == (0, 1)
    assert list(Shop.objects.get().pledge_items.values_list("code", flat=True)) == ["greening"]


def test_a_column_missing_from_the_file_leaves_that_field_alone(world):
    import_segments(segment_row("S001"))
    header = ["路段编码", "名称", "包保单位", "几何(WKT)"]

    result = import_file(kind="segment", file=xlsx_upload(header, [["S001", "新名称", "城关街道", LINE]]))

    assert result.updated == 1
    segment = RoadSegment.objects.get()
    assert (segment.name, segment.chief, segment.road_name) == ("新名称", world.chief_a, "人民路")


def test_valid_only_mode_writes_the_good_rows_and_reports_the_bad(world):
    result = import_segments(segment_row("S001"), segment_row("S002", 包保单位="不存在局"), mode=ImportMode.VALID_ONLY)

    assert (result.written, result.created, result.skipped) == (True, 1, 1)
    assert [(e.row, e.column) for e in result.errors] == [(3, "包保单位")]
    assert list(RoadSegment.objects.values_list("code", flat=True)) == ["S001"]


def test_it_reports_errors_in_every_row_not_only_the_first(world):
    result = import_segments(segment_row("S001", 包保单位="甲"), segment_row("S002", 包保单位="乙"))

    assert [e.row for e in result.errors] == [2, 3]
    assert not RoadSegment.objects.exists()


# ----- bad rows ---------------------------------------------------------------------------------


def test_it_rejects_a_file_without_a_required_column(world):
    header = [h for h in SEGMENT_HEADER if h != "包保单位"]

    error = only_error(import_file(kind="segment", file=xlsx_upload(header, [segment_row()[:6] + segment_row()[7:]])))

    assert error.row is None
    assert "缺少必填列" in error.message and "包保单位" in error.message
    assert not RoadSegment.objects.exists()


def test_it_rejects_a_file_without_geometry_columns(world):
    header = [h for h in SHOP_HEADER if h not in ("经度", "纬度")]

    error = only_error(import_file(kind="shop", file=xlsx_upload(header, [shop_row()[:9]])))

    assert "经度、纬度" in error.message
    assert not Shop.objects.exists()


def test_it_rejects_a_missing_required_value(world):
    error = only_error(import_segments(segment_row(名称=None)))

    assert (error.row, error.column, error.message) == (2, "名称", "必填项“名称”为空")
    assert not RoadSegment.objects.exists()


def test_it_rejects_a_point_where_a_line_is_required(world):
    error = only_error(import_segments(segment_row(**{"几何(WKT)": "POINT (114.3 34.8)"})))

    assert (error.row, error.column) == (2, "几何(WKT)")
    assert error.message == "几何类型错误：需要 LineString，文件中是 Point"
    assert not RoadSegment.objects.exists()


def test_it_rejects_a_grid_that_is_not_a_polygon(world):
    error = only_error(import_file(kind="grid", file=xlsx_upload(GRID_HEADER, [grid_row(**{"几何(WKT)": LINE})])))

    assert "需要 MultiPolygon 或 Polygon" in error.message
    assert not Grid.objects.exists()


def test_it_rejects_a_site_that_is_a_line(world):
    rows = [site_row(经度=None, 纬度=None, **{"几何(WKT)": LINE})]

    error = only_error(import_file(kind="site", file=xlsx_upload(SITE_HEADER, rows)))

    assert "几何类型错误" in error.message and "LineString" in error.message
    assert not Site.objects.exists()


def test_it_rejects_a_self_intersecting_polygon(world):
    error = only_error(import_file(kind="grid", file=xlsx_upload(GRID_HEADER, [grid_row(**{"几何(WKT)": BOWTIE})])))

    assert (error.row, error.column) == (2, "几何(WKT)")
    assert "多边形自相交" in error.message and "114.305" in error.message
    assert not Grid.objects.exists()


def test_it_rejects_an_unreadable_wkt(world):
    error = only_error(import_segments(segment_row(**{"几何(WKT)": "LINE (1 2"})))

    assert error.message.startswith("WKT 格式错误")
    assert not RoadSegment.objects.exists()


def test_it_rejects_coordinates_outside_china(world):
    error = only_error(import_shops(shop_row(经度=2.35, 纬度=48.85)))

    assert (error.row, error.column) == (2, "经度/纬度")
    assert "超出中国范围" in error.message
    assert not Shop.objects.exists()


def test_it_says_lat_and_lon_look_swapped(world):
    error = only_error(import_shops(shop_row(经度=34.8001, 纬度=114.305)))

    assert (error.row, error.column) == (2, "经度/纬度")
    assert "经纬度可能填反了" in error.message
    assert not Shop.objects.exists()


def test_it_says_lat_and_lon_look_swapped_in_a_geojson_line(world):
    line = {"type": "LineString", "coordinates": [[34.80, 114.30], [34.80, 114.31]]}
    props = {"路段编码": "S001", "名称": "人民路", "包保单位": "城关街道"}

    error = only_error(import_file(kind="segment", file=geojson_file([feature(line, **props)])))

    assert (error.row, error.column) == (1, "几何")
    assert "经纬度可能填反了" in error.message
    assert not RoadSegment.objects.exists()


def test_it_rejects_a_non_numeric_longitude(world):
    error = only_error(import_shops(shop_row(经度="东经114度")))

    assert (error.column, error.message) == ("经度", "“东经114度”不是数字")


def test_it_rejects_an_unknown_unit(world):
    error = only_error(import_segments(segment_row(包保单位="县外星局")))

    assert (error.row, error.column) == (2, "包保单位")
    assert "未找到单位“县外星局”" in error.message
    assert not RoadSegment.objects.exists()


def test_it_rejects_an_unknown_person(world):
    error = only_error(import_segments(segment_row(路长="查无此人")))

    assert (error.row, error.column, error.message) == (2, "路长", "未找到人员“查无此人”")
    assert not RoadSegment.objects.exists()


def test_it_rejects_an_ambiguous_person_name(world):
    person_create(username="sun2", real_name="孙路长", unit=world.town_b, mobile="13900000002")

    error = only_error(import_segments(segment_row(路长="孙路长")))

    assert (error.column, error.message) == ("路长", "“孙路长”有 2 人重名，请写成“姓名(手机号)”或填写登录名")
    assert not RoadSegment.objects.exists()


def test_it_tells_namesakes_apart_by_mobile_or_login_name(world):
    twin = person_create(username="sun2", real_name="孙路长", unit=world.town_b, mobile="13900000002")

    result = import_segments(segment_row("S001", 路长="孙路长（13900000002）"), segment_row("S002", 路长="chief_a"))

    assert result.ok, result.errors
    assert RoadSegment.objects.get(code="S001").chief == twin
    assert RoadSegment.objects.get(code="S002").chief == world.chief_a


def test_it_rejects_duplicate_codes_inside_the_file(world):
    error = only_error(import_segments(segment_row("S001"), segment_row("S001")))

    assert (error.row, error.column) == (3, "路段编码")
    assert error.message == "编码“S001”在文件中重复（与第 2 行相同）"
    assert not RoadSegment.objects.exists()


def test_it_rejects_a_grid_code_that_is_not_15_digits(world):
    error = only_error(import_file(kind="grid", file=xlsx_upload(GRID_HEADER, [grid_row("41022100100100")])))

    assert (error.row, error.column) == (2, "网格编码")
    assert "应为 15 位数字" in error.message and "当前 14 位" in error.message
    assert not Grid.objects.exists()


def test_it_reads_a_grid_code_excel_stored_as_a_number(world):
    result = import_file(kind="grid", file=xlsx_upload(GRID_HEADER, [grid_row(int(GRID_CODE))]))

    assert result.ok, result.errors
    assert Grid.objects.get().code == GRID_CODE


def test_it_rejects_an_unknown_site_type(world):
    error = only_error(import_file(kind="site", file=xlsx_upload(SITE_HEADER, [site_row(点位类型="游乐场")])))

    assert (error.column, error.message) == ("点位类型", "未知的点位类型“游乐场”（点位类型在“点位类型”表中维护）")
    assert not Site.objects.exists()


def test_it_rejects_an_unknown_pledge_item(world):
    error = only_error(import_shops(shop_row(承诺事项="包卫生、包吃住")))

    assert error.column == "承诺事项"
    assert error.message.startswith("未知的门前五包事项：包吃住")
    assert not Shop.objects.exists()


def test_it_rejects_a_bad_date(world):
    error = only_error(import_shops(shop_row(签订日期="2024-13-45")))

    assert (error.row, error.column) == (2, "签订日期")
    assert error.message == "日期“2024-13-45”格式错误，应写成 2024-05-01"
    assert not Shop.objects.exists()


def test_it_rejects_a_signed_pledge_without_a_date(world):
    error = only_error(import_shops(shop_row(签订日期=None)))

    assert (error.column, error.message) == ("签订日期", "责任书状态为“已签订”时必须填写签订日期")


def test_it_rejects_an_unknown_road_class(world):
    error = only_error(import_segments(segment_row(道路等级="高速公路")))

    assert error.column == "道路等级" and "未知的道路等级“高速公路”" in error.message


def test_it_rejects_an_unknown_segment_code_for_a_shop(world):
    error = only_error(import_shops(shop_row(所在路段="S999")))

    assert (error.column, error.message) == ("所在路段", "未找到路段编码“S999”")


def test_it_rejects_a_too_long_name(world):
    error = only_error(import_segments(segment_row(名称="长" * 101)))

    assert error.message == "内容过长（最多 100 个字），当前 101 个字"


# ----- bad files ------------------------------------------------------------------------------


def file_error(kind, upload):
    error = only_error(import_file(kind=kind, file=upload))
    assert error.row is None
    return error.message


def test_it_rejects_a_text_file_named_xlsx(world):
    message = file_error("segment", SimpleUploadedFile("roads.xlsx", "路段编码,名称\nS001,人民路".encode()))

    assert message == "文件不是有效的 Excel（.xlsx）文件"
    assert not RoadSegment.objects.exists()


def test_it_asks_for_xlsx_when_given_an_old_xls(world):
    message = file_error("segment", SimpleUploadedFile("roads.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))

    assert "旧版 Excel（.xls）" in message


def test_it_rejects_a_zip_that_is_not_a_workbook(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    message = file_error("segment", SimpleUploadedFile("roads.xlsx", buffer.getvalue()))

    assert message == "文件是压缩包，但不是 Excel（.xlsx）工作簿"


def test_it_rejects_broken_json(world):
    message = file_error("segment", SimpleUploadedFile("roads.geojson", b'{"type": "FeatureCollection", "features": ['))

    assert message.startswith("文件不是有效的 GeoJSON：JSON 格式错误")


def test_it_rejects_json_that_is_not_a_feature_collection(world):
    message = file_error("segment", SimpleUploadedFile("roads.json", b'{"type": "LineString", "coordinates": []}'))

    assert message == "GeoJSON 顶层应为 FeatureCollection"


def test_it_rejects_a_projected_geojson(world):
    body = (
        b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}, "features": []}'
    )

    assert "坐标系应为 WGS84 或 CGCS2000" in file_error("segment", SimpleUploadedFile("roads.geojson", body))


def test_it_refuses_geojson_over_the_size_limit_before_parsing_it(world, settings):
    settings.GEOJSON_MAX_BYTES = 100 * 1024

    message = file_error("segment", SimpleUploadedFile("roads.geojson", hostile.big_geojson(200 * 1024)))

    assert message == "GeoJSON 文件超过 100 KB，请拆分后分批导入"


def test_it_refuses_more_features_than_a_sheet_may_have_rows(world, settings):
    settings.IMPORT_MAX_ROWS = 100

    message = file_error("segment", SimpleUploadedFile("roads.geojson", hostile.many_features(101)))

    assert message == "GeoJSON 要素超过 100 个，请拆分后导入（大批量导入将在后台任务中提供）"
    assert not RoadSegment.objects.exists()


def test_it_refuses_geojson_nested_deeper_than_python_can_parse(world):
    message = file_error("segment", SimpleUploadedFile("roads.geojson", hostile.deep_geojson()))

    assert message == "文件不是有效的 GeoJSON：嵌套层数过多"


def test_it_rejects_a_feature_without_geometry(world):
    props = {"路段编码": "S001", "名称": "人民路", "包保单位": "城关街道"}

    error = only_error(import_file(kind="segment", file=geojson_file([feature(None, **props)])))

    assert (error.row, error.column, error.message) == (1, "几何", "要素缺少几何（geometry 为空）")


def test_it_rejects_an_unknown_file_type(world):
    assert file_error("segment", SimpleUploadedFile("roads.csv", b"code,name\n")).startswith("无法识别文件格式")


def test_it_rejects_an_empty_file(world):
    assert file_error("segment", SimpleUploadedFile("roads.xlsx", b"")) == "文件是空的"


def test_it_rejects_a_workbook_without_data_rows(world):
    assert file_error("segment", xlsx_upload(SEGMENT_HEADER, [])) == "文件中没有数据行"


@override_settings(IMPORT_MAX_BYTES=1024)
def test_it_rejects_an_oversized_file(world):
    message = file_error("shop", xlsx_upload(SHOP_HEADER, [shop_row(f"P{i}") for i in range(200)]))

    assert message == "文件过大（上限 1 KB），请拆分后分批导入"
    assert not Shop.objects.exists()


def test_a_hand_made_site_list_with_a_title_row_merged_cells_and_a_signature_block_imports(world):
    from chuangcheng.core.tests.xlsx_helpers import human_sheet

    rows = [
        ["XX县创建文明城市重点点位台账"],
        ["填报单位：县住建局", None, None, None, None, None, None, None, "2026年3月"],
        SITE_HEADER,
        site_row("D001", 名称="东关农贸市场"),
        site_row("D002", 名称="西关农贸市场", 点位类型=None, 责任单位=None),
        [],
        site_row("D003", 名称="南关农贸市场", 点位类型=None, 责任单位=None),
        ["填表人：张三", None, "审核人：李四"],
    ]
    data = human_sheet(rows, merges=("A1:I1", "C4:C7", "E4:E7"))

    result = import_file(kind="site", file=SimpleUploadedFile("点位.xlsx", data))

    assert result.ok, result.errors
    assert result.notes == ["第 3 行为表头（其上为标题）"]
    sites = Site.objects.order_by("code")
    assert [(s.code, s.name, s.site_type.name, s.unit.name) for s in sites] == [
        ("D001", "东关农贸市场", "集贸市场/农贸市场", "县住建局"),
        ("D002", "西关农贸市场", "集贸市场/农贸市场", "县住建局"),
        ("D003", "南关农贸市场", "集贸市场/农贸市场", "县住建局"),
    ]
