"""The case loop: categories, cases and their append-only event history.

A case's state columns are a cache of its events: every change goes through one service
function that writes exactly one CaseEvent, and statistics read the events.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel, TimeStampedModel

from .choices import (
    Action,
    CategoryKind,
    Escalation,
    ExtensionStatus,
    PhotoKind,
    RoutingRule,
    Source,
    Status,
    TimeUnit,
)

# What the office sets on a 小类 (its form, the .xlsx table and the audit trail all use this list).
CATEGORY_RULE_FIELDS = (
    "name",
    "accept_condition",
    "close_condition",
    "time_limit",
    "time_unit",
    "urgent",
    "urgent_time_limit",
    "urgent_time_unit",
    "routing_rule",
    "owner_unit",
    "auto_dispatch",
    "is_active",
)


class Category(TimeStampedModel):
    """部件/事件 大类 or 小类 in the national scheme's shape; 小类 carry the handling rules."""

    kind = models.CharField(_("类别"), max_length=20, choices=CategoryKind.choices)
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    time_limit = models.DecimalField(_("处置时限"), max_digits=6, decimal_places=1, default=1)
    time_unit = models.CharField(_("时限单位"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORK_DAYS)
    # The rule the reporter, the handling unit and the verifier all read (GB/T 30428.4 立案/结案 standards).
    accept_condition = models.TextField(_("立案条件"), blank=True)
    close_condition = models.TextField(_("结案条件"), blank=True)
    # 紧急类: cases of this 小类 start urgent; an urgent case runs on the shorter limit below.
    urgent = models.BooleanField(_("紧急类"), default=False)
    urgent_time_limit = models.DecimalField(_("紧急时限"), max_digits=6, decimal_places=1, null=True, blank=True)
    urgent_time_unit = models.CharField(_("紧急时限单位"), max_length=20, choices=TimeUnit.choices, blank=True)
    # The values the default table last wrote (field → value): a re-seed updates a field only
    # while it still holds that value, so the office's own edits survive (cases.seeding).
    seed_values = models.JSONField(default=dict, blank=True, editable=False)
    routing_rule = models.CharField(_("派遣规则"), max_length=20, choices=RoutingRule.choices, blank=True)
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("属主部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_categories",
    )
    auto_dispatch = models.BooleanField(_("可自动派遣"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None

    @property
    def effective_routing_rule(self) -> str:
        """部件 default to 先属主后属地, 事件 to 先属地后属主 (the national practice)."""
        if self.routing_rule:
            return self.routing_rule
        return RoutingRule.OWNER_FIRST if self.kind == CategoryKind.COMPONENT else RoutingRule.TERRITORIAL_FIRST

    def limit_for(self, *, urgent: bool) -> tuple[Decimal, str]:
        """(limit, unit) a case of this 小类 runs on: the 紧急时限 for an urgent case when one is set."""
        if urgent and self.urgent_time_limit and self.urgent_time_unit:
            return self.urgent_time_limit, self.urgent_time_unit
        return self.time_limit, self.time_unit


class Case(TimeStampedModel):
    """案卷: one problem at one place, from report to closure."""

    code = models.CharField(_("案卷编号"), max_length=20, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    category = models.ForeignKey(Category, verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="cases")
    description = models.TextField(_("问题描述"))
    # 紧急: runs on the category's 紧急时限 (set at intake from the 小类, or by the office at 立案/派遣).
    urgent = models.BooleanField(_("紧急"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    segment = models.ForeignKey(
        "places.RoadSegment", verbose_name=_("路段"), null=True, blank=True, on_delete=models.SET_NULL
    )
    grid = models.ForeignKey("places.Grid", verbose_name=_("网格"), null=True, blank=True, on_delete=models.SET_NULL)
    site = models.ForeignKey("places.Site", verbose_name=_("点位"), null=True, blank=True, on_delete=models.SET_NULL)
    town = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所属乡镇/街道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="town_cases",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("上报人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("处置单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handling_cases",
    )
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("处置期限"), null=True, blank=True)
    # The limit the clock started with (派遣, 返工): editing the category later changes no running case.
    time_limit = models.DecimalField(_("处置时限"), max_digits=6, decimal_places=1, null=True, blank=True)
    time_unit = models.CharField(_("时限单位"), max_length=20, choices=TimeUnit.choices, blank=True)
    # 80 % of the limit used (黄灯), counted back from the deadline; moves whenever the deadline does.
    yellow_at = models.DateTimeField(_("黄灯时间"), null=True, blank=True)
    # 暂定: the deadline was counted through a year on the provisional holiday schedule
    # (core.workcalendar); services.case_deadline_recount counts it again once the year is official.
    deadline_provisional = models.BooleanField(_("期限暂定"), default=False)
    suspended_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("督办等级"), choices=Escalation.choices, default=Escalation.NONE)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并到"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    # A retried phone submission carries the same key: the reporter's first case is returned again.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # Bumped by every transition; a transition only applies to the version it read.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("案卷")
        verbose_name_plural = _("案卷")
        ordering = ["-created_at"]
        indexes = [
            # The unit's 待办 list and the office queues: open cases by holder and state.
            models.Index(fields=["unit", "status", "deadline"], name="case_unit_status_deadline_idx"),
            models.Index(fields=["status", "created_at"], name="case_status_created_idx"),
            # The escalation scan only looks at cases a unit holds.
            models.Index(
                fields=["deadline"],
                name="case_running_deadline_idx",
                condition=Q(status__in=["dispatched", "rework"]),
            ),
            models.Index(fields=["category", "status"], name="case_category_status_idx"),
            # Duplicate candidates: same 小类 within a small box (a range on lat inside one category).
            models.Index(fields=["category", "lat", "lon"], name="case_category_lat_lon_idx"),
            models.Index(fields=["town", "created_at"], name="case_town_created_idx"),
            # The list's yellow and green filters: a range on yellow_at within each running status
            # (a plain index: SQLite never matches a partial one against bound parameters).
            models.Index(fields=["status", "yellow_at", "deadline"], name="case_status_yellow_idx"),
        ]
        constraints = [
            # Keys are the reporter's own: another user's same key is another report. The pair also
            # serves the retry lookup in services.case_report.
            models.UniqueConstraint(fields=["reporter", "idempotency_key"], name="case_reporter_key_uniq"),
            # Anonymous reports (NULLs never collide in the constraint above) share one space of keys.
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=Q(reporter__isnull=True), name="case_anonymous_key_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.category.name}"


class CaseEvent(AppendOnlyModel):
    """One transition of a case: append-only, the case's history and the source of statistics."""

    case = models.ForeignKey(Case, verbose_name=_("案卷"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_events",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("相关单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    deadline = models.DateTimeField(_("期限"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案卷事件")
        verbose_name_plural = _("案卷事件")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class CasePhoto(models.Model):
    """A before or after photo, re-encoded without EXIF, with a thumbnail."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    kind = models.CharField(_("类型"), max_length=10, choices=PhotoKind.choices)
    image = models.CharField(max_length=255)
    thumbnail = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class ExtensionRequest(models.Model):
    """延期申请 by the handling unit, decided by the office."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    amount = models.DecimalField(_("延长时限"), max_digits=6, decimal_places=1)
    time_unit = models.CharField(_("时限单位"), max_length=20, choices=TimeUnit.choices)
    reason = models.TextField(_("理由"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            # At most one pending request per case: the office answers before the unit asks again.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="extension_one_pending_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.amount} {self.get_time_unit_display()}"


class CaseCounter(models.Model):
    """Per-day serial for case codes; incremented under the row's lock."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} #{self.last}"
