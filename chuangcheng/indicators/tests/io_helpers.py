"""Builders of framework and 任务分解表 workbooks for the import/export tests."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

FRAMEWORK_HEADER = ["编码", "上级编码", "层级", "名称", "内容/标准", "满分", "权重", "测评方式", "关联问题类别"]
TASK_HEADER = [
    "序号",
    "任务编号",
    "测评项目",
    "测评内容",
    "测评标准",
    "任务",
    "牵头单位",
    "配合单位",
    "完成时限",
    "目标",
    "佐证材料",
    "任务说明",
]


def node_row(code: str, parent: str | None, name: str, score: Any, **overrides: Any) -> list[Any]:
    values: dict[str, Any] = {
        "编码": code,
        "上级编码": parent,
        "层级": None,
        "名称": name,
        "内容/标准": None,
        "满分": score,
        "权重": None,
        "测评方式": None,
        "关联问题类别": None,
    }
    values.update(overrides)
    return [values[h] for h in FRAMEWORK_HEADER]


def task_row(code: str | None = "RW-001", **overrides: Any) -> list[Any]:
    values: dict[str, Any] = {
        "序号": 1,
        "任务编号": code,
        "测评项目": "P1 公共环境",
        "测评内容": "P1.1.1 主次干道保洁",
        "测评标准": None,
        "任务": "开展主次干道环境卫生集中整治",
        "牵头单位": "城关街道",
        "配合单位": "县住建局、城南街道",
        "完成时限": "2026-12-31",
        "目标": "主次干道机扫率达到90%以上",
        "佐证材料": "照片、台账/表格",
        "任务说明": None,
    }
    values.update(overrides)
    return [values[h] for h in TASK_HEADER]


def read_back(data: bytes, sheet: int = 0) -> tuple[Any, list[list[Any]]]:
    """(worksheet, rows as value lists) of an exported workbook."""
    workbook = load_workbook(BytesIO(data))
    ws = workbook.worksheets[sheet]
    return ws, [list(row) for row in ws.iter_rows(values_only=True)]


def messages(result: Any) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]
