"""Checklists (检查表): what an inspector checks at a site type or along a class of road.

An item's content (text, method, deduction…) is versioned: every change writes a new
``ChecklistItemVersion`` and bumps ``ChecklistItem.version``, so an inspection done against
version 1 keeps reading version 1 after the office rewrites the item.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel, TimeStampedModel
from chuangcheng.places.choices import RoadClass

from .choices import InspectionKind, ItemFamily, Outcome, PlanStatus


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
    # Who answered for the place and which town it lay in when it was inspected (kept, not re-derived).
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "org.Unit", verbose_name=_("乡镇/街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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
        indexes = [
            models.Index(fields=["submitted_at"], name="inspection_submitted_idx"),
            models.Index(fields=["site", "submitted_at"], name="inspection_site_idx"),
            models.Index(fields=["segment", "submitted_at"], name="inspection_segment_idx"),
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


class InspectionPhoto(models.Model):
    """A photo of a failed item, re-encoded without EXIF (core.photos), with where and when it was taken."""

    result = models.ForeignKey(
        InspectionResult, verbose_name=_("检查结果"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.CharField(max_length=255)
    thumbnail = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["result", "pk"]

    def __str__(self) -> str:
        return self.image


class PatrolRule(TimeStampedModel):
    """日巡查 rule: how often every site of a type (or segment of a road class) is visited, optionally in one town."""

    site_type = models.ForeignKey(
        "places.SiteType", verbose_name=_("点位类型"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    road_class = models.CharField(_("道路等级"), max_length=20, choices=RoadClass.choices, blank=True)
    town = models.ForeignKey(
        "org.Unit",
        verbose_name=_("乡镇/街道"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示全县"),
    )
    times_per_week = models.PositiveSmallIntegerField(
        _("每周次数"), default=7, validators=[MinValueValidator(1), MaxValueValidator(7)], help_text=_("7 即每天")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("巡查规则")
        verbose_name_plural = _("巡查规则")
        ordering = ["road_class", "site_type__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site_type__isnull=False) & Q(road_class=""))
                | (Q(site_type__isnull=True) & ~Q(road_class="")),
                name="patrol_rule_one_target",
            ),
            models.CheckConstraint(
                condition=Q(times_per_week__gte=1) & Q(times_per_week__lte=7), name="patrol_rule_times_per_week"
            ),
        ]

    def __str__(self) -> str:
        target = self.site_type.name if self.site_type_id and self.site_type else self.get_road_class_display()
        return f"{target}：每周 {self.times_per_week} 次"


class Plan(TimeStampedModel):
    """周检查 (a seeded sample per type and town) or 模拟测评 (a campaign-wide sample by the national method)."""

    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    campaign = models.ForeignKey(
        "indicators.Campaign",
        verbose_name=_("创建项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("截止日期"))
    seed = models.BigIntegerField(_("抽样种子"), help_text=_("同一种子重抽得到同一样本"))
    # {"site_types": {"<SiteType.code>": n}, "road_classes": {"<RoadClass>": n}, "per_town": bool}
    sample = models.JSONField(_("抽样规则"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "org.Person", verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind=InspectionKind.PATROL), name="plan_not_patrol"),
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="plan_due_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """检查组 of a plan: the people who inspect its share of the sample."""

    plan = models.ForeignKey(Plan, verbose_name=_("检查计划"), on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("名称"), max_length=50)
    leader = models.ForeignKey(
        "org.Person", verbose_name=_("组长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField("org.Person", verbose_name=_("组员"), blank=True, related_name="inspection_teams")

    class Meta:
        verbose_name = _("检查组")
        verbose_name_plural = _("检查组")
        ordering = ["plan", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="team_name_unique_in_plan")]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One planned visit: a site or segment to inspect by a person (日巡查) or a team (plan), between two dates.

    Its state is derived (``selectors``): done when an inspection of it was submitted by the end of
    ``due_on``; after that day, an undone patrol visit is 漏巡 and an undone plan visit 逾期未检.
    """

    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices)
    plan = models.ForeignKey(
        Plan, verbose_name=_("检查计划"), null=True, blank=True, on_delete=models.CASCADE, related_name="visits"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("检查组"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    assignee = models.ForeignKey(
        "org.Person", verbose_name=_("巡查人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    site = models.ForeignKey(
        "places.Site", verbose_name=_("点位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    segment = models.ForeignKey(
        "places.RoadSegment", verbose_name=_("路段"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    town = models.ForeignKey(
        "org.Unit", verbose_name=_("乡镇/街道"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("截止日期"))
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("计划点位")
        verbose_name_plural = _("计划点位")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site__isnull=False) & Q(segment__isnull=True))
                | (Q(site__isnull=True) & Q(segment__isnull=False)),
                name="visit_one_place",
            ),
            models.CheckConstraint(
                condition=Q(kind=InspectionKind.PATROL, plan__isnull=True)
                | (~Q(kind=InspectionKind.PATROL) & Q(plan__isnull=False)),
                name="visit_patrol_has_no_plan",
            ),
            # A night's regeneration never doubles a day's patrol visit of a place.
            models.UniqueConstraint(
                fields=["due_on", "site"],
                condition=Q(kind=InspectionKind.PATROL, site__isnull=False),
                name="visit_patrol_site_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["due_on", "segment"],
                condition=Q(kind=InspectionKind.PATROL, segment__isnull=False),
                name="visit_patrol_segment_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["plan", "site"], condition=Q(site__isnull=False), name="visit_plan_site_once"
            ),
            models.UniqueConstraint(
                fields=["plan", "segment"], condition=Q(segment__isnull=False), name="visit_plan_segment_once"
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "due_on"], name="visit_assignee_day_idx"),
            models.Index(fields=["kind", "due_on"], name="visit_kind_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site or self.segment}（{self.due_on:%Y-%m-%d}）"


class CampaignInspectionSettings(models.Model):
    """How readiness reads inspections for one campaign: the window of inspections it counts."""

    campaign = models.OneToOneField(
        "indicators.Campaign", verbose_name=_("创建项目"), on_delete=models.CASCADE, related_name="+"
    )
    window_days = models.PositiveSmallIntegerField(
        _("统计窗口（天）"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("实地考察指标的预测得分取最近多少天的检查结果"),
    )

    class Meta:
        verbose_name = _("检查统计设置")
        verbose_name_plural = _("检查统计设置")

    def __str__(self) -> str:
        return str(self.campaign)
