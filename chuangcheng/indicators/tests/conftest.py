"""Fixtures of the indicators tests: a campaign, a small framework tree and a task factory.

The framework: one 测评项目 (P1, 10 points) → two 指标 (P1.1 with 6, P1.2 with 4) → three leaf
测评标准 (P1.1.1 3, P1.1.2 3, P1.2.1 4). Tasks are made through the real ``task_create`` service
by the office persona, led by 城关街道 (world.town_a) unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def frozen(time_machine) -> Callable[[dt.datetime], None]:
    """Freeze `now` (Tuesday 24 November 2026 09:00 unless moved); call again to move it."""

    def move(moment: dt.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    move(at(2026, 11, 24, 9, 0))
    return move


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("85.00"),
    )


@dataclass
class Framework:
    project: IndicatorNode
    indicators: list[IndicatorNode] = field(default_factory=list)
    standards: list[IndicatorNode] = field(default_factory=list)

    @property
    def nodes(self) -> list[IndicatorNode]:
        """Depth-first order: P1, P1.1, P1.1.1, P1.1.2, P1.2, P1.2.1."""
        first, second = self.indicators
        return [self.project, first, *self.standards[:2], second, self.standards[2]]


def make_node(
    campaign: Campaign,
    code: str,
    name: str,
    level: int,
    max_score: str,
    parent: IndicatorNode | None = None,
    **extra: Any,
) -> IndicatorNode:
    """A node with its materialised path ("/<root id>/…/<own id>/"), as the import would write it."""
    node = IndicatorNode.objects.create(
        campaign=campaign, parent=parent, code=code, name=name, level=level, max_score=Decimal(max_score), **extra
    )
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.save(update_fields=["path"])
    return node


@pytest.fixture
def framework(campaign) -> Framework:
    project = make_node(campaign, "P1", "公共环境", NodeLevel.PROJECT, "10", sort_order=1)
    clean = make_node(campaign, "P1.1", "环境卫生", NodeLevel.INDICATOR, "6", project, sort_order=1)
    order = make_node(campaign, "P1.2", "市容秩序", NodeLevel.INDICATOR, "4", project, sort_order=2)
    standards = [
        make_node(campaign, "P1.1.1", "主次干道保洁", NodeLevel.CONTENT, "3", clean, sort_order=1),
        make_node(campaign, "P1.1.2", "垃圾分类", NodeLevel.CONTENT, "3", clean, sort_order=2),
        make_node(campaign, "P1.2.1", "占道经营整治", NodeLevel.CONTENT, "4", order, sort_order=1),
    ]
    return Framework(project=project, indicators=[clean, order], standards=standards)


@pytest.fixture
def task_factory(world, campaign, framework) -> Callable[..., Task]:
    """``task_factory(**overrides)`` → a Task made by the office through ``services.task_create``.

    Defaults: the first leaf standard, lead unit 城关街道, deadline 30 days from today, no
    cooperating units, no evidence types; codes RW-001, RW-002… unless ``code`` is given.
    """
    from django.utils import timezone

    from chuangcheng.indicators import services

    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Task:
        n = next(counter)
        values: dict[str, Any] = {
            "by": world.office,
            "campaign": campaign,
            "indicator": framework.standards[0],
            "code": f"RW-{n:03d}",
            "title": f"主次干道保洁提升（{n}）",
            "target": "主次干道机扫率达到90%以上",
            "lead_unit": world.town_a,
            "deadline": timezone.localdate() + dt.timedelta(days=30),
        }
        values.update(overrides)
        return services.task_create(**values)

    return make


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_evidence(name: str = "方案.pdf"):
    """A checked PDF as the views hand it to the services."""
    from chuangcheng.core.evidence import check_evidence

    return check_evidence(upload(name, pdf_bytes(), "application/pdf"))
