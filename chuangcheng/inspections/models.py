"""Checklists (检查表): what an inspector checks at a site type or along a class of road.

An item's content (text, method, deduction…) is versioned: every change writes a new
``ChecklistItemVersion`` and bumps ``ChecklistItem.version``, so an inspection done against
version 1 keeps reading version 1 after the office rewrites the item.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel, TimeStampedModel
from chuangcheng.places.choices import RoadClass

from .choices import InspectionKind, ItemFamily, Outcome


class Checklist(TimeStampedModel):
    """检查表 of one site type, or of the road segments of one road class."""

    site_type = models.ForeignKey(
        "places.SiteType",
        verbose_name=_("点位类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
    )
    road_class = models.CharField(_("道路等级"), max_length=20, choices=RoadClass.choices, blank=True)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["road_class", "site_type__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site_type__isnull=False) & Q(road_class=""))
                | (Q(site_type__isnull=True) & ~Q(road_class="")),
                name="checklist_one_target",
            ),
            # One checklist per site type and per road class: the inspection form picks it by target.
            models.UniqueConstraint(
                fields=["site_type"], condition=Q(site_type__isnull=False), name="checklist_one_per_site_type"
            ),
            models.UniqueConstraint(
                fields=["road_class"], condition=~Q(road_class=""), name="checklist_one_per_road_class"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ItemContent(models.Model):
    """The fields of an item that are versioned."""

    family = models.CharField(_("类别"), max_length=20, choices=ItemFamily.choices)
    text = models.CharField(_("检查内容"), max_length=200)
    method = models.CharField(_("检查方法"), max_length=300, blank=True)
    deduction = models.DecimalField(_("扣分"), max_digits=4, decimal_places=1)
    photo_required = models.BooleanField(_("不合格须拍照"), default=True)
    case_category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("不合格时立案类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    CONTENT_FIELDS = ("family", "text", "method", "deduction", "photo_required", "case_category")

    class Meta:
        abstract = True


class ChecklistItem(ItemContent, TimeStampedModel):
    """One line of a checklist, holding its current content and version number."""

    checklist = models.ForeignKey(Checklist, verbose_name=_("检查表"), on_delete=models.CASCADE, related_name="items")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    indicators = models.ManyToManyField(
        "indicators.IndicatorNode", verbose_name=_("对应测评指标"), blank=True, related_name="checklist_items"
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["checklist", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.text

    def current_version(self, by: Any = None) -> ChecklistItemVersion:
        """An unsaved snapshot of the item's content as its version ``self.version``."""
        content = {name: getattr(self, name) for name in self.CONTENT_FIELDS}
        return ChecklistItemVersion(
            item=self, number=self.version, created_by=by if getattr(by, "pk", None) else None, **content
        )


class ChecklistItemVersion(ItemContent, AppendOnlyModel):
    """The content of an item as it was from one change to the next; inspections point here."""

    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        "org.Person", verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("检查项版本")
        verbose_name_plural = _("检查项版本")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="checklist_item_version_unique")]

    def __str__(self) -> str:
        return f"{self.text}（第 {self.number} 版）"


class Inspection(TimeStampedModel):
    """One inspection of a site or a road segment against its checklist, submitted whole."""

    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices)
    inspector = models.ForeignKey(
        "org.Person", verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="inspections"
    )
    checklist = models.ForeignKey(Checklist, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        "places.Site", verbose_name=_("点位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    segment = models.ForeignKey(
        "places.RoadSegment", verbose_name=_("路段"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    deductions = models.DecimalField(_("扣分合计"), max_digits=6, decimal_places=1, default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site__isnull=False) & Q(segment__isnull=True))
                | (Q(site__isnull=True) & Q(segment__isnull=False)),
                name="inspection_one_place",
            ),
            # A retried submission (weak signal) returns the first inspection: one per inspector and key.
            models.UniqueConstraint(
                fields=["inspector", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="inspection_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checklist}（{self.submitted_at:%Y-%m-%d}）"


class InspectionResult(models.Model):
    """One item's outcome in an inspection, against the item version it was checked with."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查记录"), on_delete=models.CASCADE, related_name="results"
    )
    item_version = models.ForeignKey(
        ChecklistItemVersion, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="results"
    )
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    deduction = models.DecimalField(_("扣分"), max_digits=4, decimal_places=1, default=0)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("问题案卷"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_opened = models.BooleanField(_("新立案卷"), default=False)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item_version"], name="inspection_result_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_version.text}：{self.get_outcome_display()}"
