"""Builders for import files used by the import/export tests."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

SEGMENT_HEADER = [
    "路段编码",
    "名称",
    "道路名称",
    "道路等级",
    "起点",
    "终点",
    "包保单位",
    "路长",
    "段长",
    "所在网格",
    "几何(WKT)",
]
GRID_HEADER = ["网格编码", "名称", "所属街道/乡镇", "所属社区/村", "网格员", "几何(WKT)"]
SITE_HEADER = ["点位编码", "名称", "点位类型", "地址", "责任单位", "责任人", "经度", "纬度", "几何(WKT)"]
SHOP_HEADER = [
    "门店编码",
    "店名",
    "地址",
    "经营者",
    "经营者电话",
    "所在路段",
    "承诺事项",
    "签订日期",
    "责任书状态",
    "经度",
    "纬度",
]

LINE = "LINESTRING (114.30 34.80, 114.31 34.80)"
LINE_2 = "LINESTRING (114.30 34.81, 114.31 34.81)"
SQUARE = "POLYGON ((114.30 34.80, 114.31 34.80, 114.31 34.81, 114.30 34.81, 114.30 34.80))"
BOWTIE = "POLYGON ((114.30 34.80, 114.31 34.81, 114.31 34.80, 114.30 34.81, 114.30 34.80))"
GRID_CODE = "410221001001001"


def feature(geometry: dict | None, **properties: Any) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def geojson_file(features: list[Any], name: str = "data.geojson") -> SimpleUploadedFile:
    body = {"type": "FeatureCollection", "features": features}
    return SimpleUploadedFile(name, json.dumps(body, ensure_ascii=False).encode())


def segment_row(code: str = "S001", **overrides: Any) -> list[Any]:
    values = {
        "路段编码": code,
        "名称": "人民路东段",
        "道路名称": "人民路",
        "道路等级": "主干道",
        "起点": "东关口",
        "终点": "广场路口",
        "包保单位": "城关街道",
        "路长": "孙路长",
        "段长": None,
        "所在网格": None,
        "几何(WKT)": LINE,
    }
    values.update(overrides)
    return [values[h] for h in SEGMENT_HEADER]


def shop_row(code: str = "P001", **overrides: Any) -> list[Any]:
    values = {
        "门店编码": code,
        "店名": "好运来超市",
        "地址": "人民路 12 号",
        "经营者": "张老板",
        "经营者电话": "13800000000",
        "所在路段": None,
        "承诺事项": "包卫生、包秩序",
        "签订日期": "2024-05-01",
        "责任书状态": "已签订",
        "经度": 114.305,
        "纬度": 34.8001,
    }
    values.update(overrides)
    return [values[h] for h in SHOP_HEADER]


def site_row(code: str = "D001", **overrides: Any) -> list[Any]:
    values = {
        "点位编码": code,
        "名称": "东关农贸市场",
        "点位类型": "集贸市场/农贸市场",
        "地址": "东关大街",
        "责任单位": "县住建局",
        "责任人": None,
        "经度": 114.302,
        "纬度": 34.803,
        "几何(WKT)": None,
    }
    values.update(overrides)
    return [values[h] for h in SITE_HEADER]


def grid_row(code: str = GRID_CODE, **overrides: Any) -> list[Any]:
    values = {
        "网格编码": code,
        "名称": "东关一网格",
        "所属街道/乡镇": "城关街道",
        "所属社区/村": "东关社区",
        "网格员": None,
        "几何(WKT)": SQUARE,
    }
    values.update(overrides)
    return [values[h] for h in GRID_HEADER]
