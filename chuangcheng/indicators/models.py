"""Campaigns, their indicator frameworks, the tasks decomposed from them and the ledger.

Like cases, a task's state columns are a cache of its events: every report, review, reminder
and supervision notice goes through one service function that writes one ``TaskEvent``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel, TimeStampedModel

from .choices import (
    AssessmentMethod,
    CampaignKind,
    CityTier,
    MilestoneKind,
    NodeLevel,
    NoticeStatus,
    ReportCycle,
    ReportStatus,
    TaskAction,
    TaskStatus,
    TitleLevel,
)


class Campaign(TimeStampedModel):
    """One title the county competes for (文明城市, 卫生城市, 园林城市…)."""

    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    city_tier = models.CharField(_("城市级别"), max_length=20, choices=CityTier.choices, default=CityTier.COUNTY)
    title_level = models.CharField(_("创建级别"), max_length=20, choices=TitleLevel.choices)
    framework_edition = models.CharField(
        _("测评体系版本"), max_length=100, help_text=_("如：全国文明城市测评体系（2021年版）")
    )
    pass_score = models.DecimalField(_("达标分数线"), max_digits=7, decimal_places=2)
    # Readiness weights (自查自纠 prediction); the readiness page explains the formula with these values.
    task_weight = models.DecimalField(
        _("任务完成权重"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("有关联问题类别的指标：预测得分 = 满分 ×（任务权重 × 任务完成度 +（1 − 任务权重）× 问题处置度）"),
    )
    overdue_task_penalty = models.DecimalField(
        _("逾期任务扣减比例"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    missing_evidence_penalty = models.DecimalField(
        _("缺少佐证扣减比例"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    untasked_credit = models.DecimalField(
        _("未分解任务的完成度"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("没有任何任务的测评标准按此完成度预测"),
    )
    case_tolerance = models.PositiveIntegerField(
        _("问题容忍数"), default=20, help_text=_("关联类别的未结案问题（逾期按倍数计）累计到此数时，问题处置度为 0")
    )
    overdue_case_factor = models.PositiveSmallIntegerField(_("逾期问题倍数"), default=3)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("创建项目")
        verbose_name_plural = _("创建项目")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Milestone(TimeStampedModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=MilestoneKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    date = models.DateField(_("日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering = ["campaign", "date"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.name} {self.date:%Y-%m-%d}"


class IndicatorNode(TimeStampedModel):
    """测评项目 → 指标 → 测评内容 → 测评标准 (two to four levels), with its score and method."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("创建项目"), on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("编码"), max_length=30)
    level = models.PositiveSmallIntegerField(_("层级"), choices=NodeLevel.choices)
    name = models.CharField(_("名称"), max_length=200)
    text = models.TextField(_("内容/标准"), blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=7, decimal_places=2)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=Decimal("1.00"))
    method = models.CharField(_("测评方式"), max_length=20, choices=AssessmentMethod.choices, blank=True)
    # "/12/40/41/": ids from the root down, so a subtree is one LIKE query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    categories = models.ManyToManyField(
        "cases.Category",
        verbose_name=_("关联问题类别"),
        blank=True,
        related_name="indicators",
        help_text=_("这些类别的问题会影响本指标得分（如暴露垃圾影响环境卫生）"),
    )

    class Meta:
        verbose_name = _("测评指标")
        verbose_name_plural = _("测评指标")
        ordering = ["campaign", "path", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="indicator_code_unique_per_campaign")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Task(TimeStampedModel):
    """创建任务: what must be done for one indicator node, by whom, by when (三明确)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("创建项目"), on_delete=models.CASCADE, related_name="tasks")
    indicator = models.ForeignKey(
        IndicatorNode, verbose_name=_("测评指标"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.CharField(_("任务编号"), max_length=40)
    title = models.CharField(_("任务"), max_length=300)
    description = models.TextField(_("任务说明"), blank=True)
    target = models.CharField(_("目标"), max_length=500)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    cooperating_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("配合单位"), blank=True, related_name="cooperating_tasks"
    )
    # For an ongoing task (report_cycle set) this is when its next report is due; it moves on with each report.
    deadline = models.DateField(_("完成时限"))
    report_cycle = models.CharField(
        _("报送周期"),
        max_length=20,
        choices=ReportCycle.choices,
        default=ReportCycle.NONE,
        blank=True,
        help_text=_("长期任务（长期坚持、常态化）按此周期报送进展，不会“完成”；一次性任务留空"),
    )
    evidence_types = models.JSONField(_("佐证材料类型"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), default=0, validators=[MaxValueValidator(100)], help_text=_("最近一次审核通过的进度")
    )
    reported_percent = models.PositiveSmallIntegerField(
        _("报送进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    last_reported_at = models.DateTimeField(_("最近报送"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set once by the overdue scan (it raises the 督办单); cleared if the deadline is moved.
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近催办日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("创建任务")
        verbose_name_plural = _("创建任务")
        ordering = ["campaign", "deadline", "code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="task_code_unique_per_campaign")]
        indexes = [
            models.Index(fields=["lead_unit", "status", "deadline"], name="task_lead_status_deadline_idx"),
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
            models.Index(fields=["indicator", "status"], name="task_indicator_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def ongoing(self) -> bool:
        """A 长期任务: reported on a cycle, never done; ``deadline`` is its next report's due date."""
        return bool(self.report_cycle)

    @property
    def deadline_label(self) -> str:
        """ "长期（每月报送）" for an ongoing task, else the date."""
        if self.ongoing:
            return str(_("长期（%(cycle)s）") % {"cycle": self.get_report_cycle_display()})
        return f"{self.deadline:%Y-%m-%d}"


class ProgressReport(models.Model):
    """One 推进台帐 entry: percent done, narrative and evidence; the office accepts or returns it."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("org.Unit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("报送时间"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), validators=[MaxValueValidator(100)])
    narrative = models.TextField(_("进展情况"))
    status = models.CharField(_("审核状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    # A retried submission from a bad network returns the first report (keys are per reporter).
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["status", "reported_at"], name="report_status_at_idx")]
        constraints = [
            models.UniqueConstraint(fields=["reported_by", "idempotency_key"], name="report_key_unique_per_reporter")
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.percent}% {self.reported_at:%Y-%m-%d}"


class SupervisionNotice(TimeStampedModel):
    """督办单: raised on an overdue task (or by the office by hand); the unit must reply by a deadline."""

    code = models.CharField(_("督办单编号"), max_length=30, unique=True)
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey("org.Unit", verbose_name=_("被督办单位"), on_delete=models.PROTECT, related_name="notices")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("下发时间"))
    reason = models.TextField(_("督办事由"))
    reply_deadline = models.DateTimeField(_("回复期限"))
    status = models.CharField(_("状态"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    reply = models.TextField(_("回复内容"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The overdue scan's key ("overdue:<task id>:<deadline>"): a scan that runs twice raises one notice.
    dedupe_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"], name="notice_unit_status_idx")]

    def __str__(self) -> str:
        return self.code


class Evidence(models.Model):
    """A file proving progress (PDF, image, Word/Excel/WPS), attached to a report or a notice reply."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报送"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    notice = models.ForeignKey(
        SupervisionNotice,
        verbose_name=_("督办单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_type = models.CharField(_("文件类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, notice__isnull=True) | Q(report__isnull=True, notice__isnull=False),
                name="evidence_belongs_to_one",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class TaskEvent(AppendOnlyModel):
    """One thing that happened to a task: append-only, its history."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=30, choices=TaskAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    from_status = models.CharField(_("原状态"), max_length=20, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=TaskStatus.choices, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("相关单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notice = models.ForeignKey(SupervisionNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("任务事件")
        verbose_name_plural = _("任务事件")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["task", "at"], name="taskevent_task_at_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ReadinessSnapshot(models.Model):
    """The readiness prediction of one campaign on one day, kept for the trend chart."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField(_("日期"))
    predicted_total = models.DecimalField(_("预测总分"), max_digits=8, decimal_places=2)
    max_total = models.DecimalField(_("满分"), max_digits=8, decimal_places=2)
    # {node id: predicted score} for the top-level nodes, so the trend can be drawn per 测评项目.
    by_node = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("达标预测快照")
        verbose_name_plural = _("达标预测快照")
        ordering = ["campaign", "taken_on"]
        constraints = [models.UniqueConstraint(fields=["campaign", "taken_on"], name="snapshot_one_per_day")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.taken_on:%Y-%m-%d} {self.predicted_total}"
