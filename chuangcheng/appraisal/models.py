"""Monthly appraisal (月度考核): the scheme, a month's run, its frozen results and the year-end lists.

A run is computed from the events (case events, task events, inspections) of its period, never
from the current state of cases or tasks; publishing freezes it: every unit's figures, the ids
counted in every numerator and denominator, and the bulletin's bytes are stored on the run. A
correction is a new version of the same period with a reason; the old version stays readable.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import TimeStampedModel
from chuangcheng.org.choices import UnitGroup

from .choices import AdjustmentKind, ComponentKind, RunStatus, TieBreak, YearEndKind, YearEndStatus


def default_grades() -> list[list[object]]:
    return [["A", 90], ["B", 75], ["C", 60], ["D", 40], ["E", 0]]


def default_groups() -> list[str]:
    return [UnitGroup.DEPARTMENT.value, UnitGroup.TOWN.value]


def default_year_end_rules() -> dict[str, int]:
    return {
        "praise_min_red_months": 8,
        "praise_max_black_months": 0,
        "accountability_min_black_months": 3,
        "accountability_task_overdue_days": 30,
        "person_min_reports": 20,
        "person_min_patrol_rate": 95,
        # 路长: their segments' case rounds and inspection scores over the year.
        "chief_min_rounds": 5,
        "chief_praise_min_on_time_rate": 90,
        "chief_praise_min_inspection_score": 85,
        "chief_accountability_max_on_time_rate": 60,
        "chief_accountability_max_inspection_score": 60,
    }


class Scheme(TimeStampedModel):
    """考核方案: components and weights, grades, the 红黑榜 rules and the bulletin's fixed texts."""

    name = models.CharField(_("方案名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("考核年度"), null=True, blank=True, help_text=_("留空表示整个创建周期"))
    groups = models.JSONField(_("参评分组"), default=default_groups)
    grades = models.JSONField(_("等次分数线"), default=default_grades)
    tie_break = models.CharField(_("同分排序"), max_length=20, choices=TieBreak.choices, default=TieBreak.SHARED)
    red_top_n = models.PositiveSmallIntegerField(_("红榜前 N 名"), default=3)
    black_bottom_n = models.PositiveSmallIntegerField(_("黑榜后 N 名"), default=3)
    red_min_score = models.DecimalField(
        _("红榜最低分"), max_digits=6, decimal_places=2, null=True, blank=True, help_text=_("留空则只按名次")
    )
    black_max_score = models.DecimalField(
        _("黑榜分数线"), max_digits=6, decimal_places=2, null=True, blank=True, help_text=_("低于此分也上黑榜")
    )
    red_needs_rate = models.BooleanField(
        _("红榜须有办理实绩"),
        default=True,
        help_text=_("本月只按数量计分（无应结案件、样本不足等）的单位照常排名，但不上红榜"),
    )
    issuer = models.CharField(_("发文机关标志"), max_length=60, default="县创建工作领导小组办公室")
    doc_prefix = models.CharField(_("发文字号前缀"), max_length=20, default="县创建办")
    recipients = models.CharField(_("主送机关"), max_length=200, default="各乡镇人民政府、街道办事处，县直各有关单位")
    cc = models.CharField(
        _("抄送"), max_length=200, default="县委办公室，县人大常委会办公室，县政府办公室，县政协办公室"
    )
    year_end_rules = models.JSONField(_("年终评定规则"), default=default_year_end_rules)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    """考核项: one measured figure, its weight and the groups it applies to (empty = every group)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("类型"), max_length=20, choices=ComponentKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)
    groups = models.JSONField(_("适用分组"), default=list, blank=True)
    # kind-specific: {"bands": [[max_count, score], …]} for 立案数, {"min_sample": n} for rates,
    # {"per_case": points} for 超期未处置.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("考核项")
        verbose_name_plural = _("考核项")
        ordering = ["scheme", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, group: str) -> bool:
        return not self.groups or group in self.groups


class DocCounter(models.Model):
    """The running number of 发文字号 per prefix and year (县创建办〔2026〕12号)."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="appraisal_doccounter_uniq")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class Run(TimeStampedModel):
    """A month's appraisal (or any period): draft, then published (frozen), then maybe corrected."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"), help_text=_("不含当日"))
    label = models.CharField(_("考核期"), max_length=30)
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    correction_of = models.ForeignKey(
        "self", verbose_name=_("更正自"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField(_("更正原因"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The scheme as it was computed (components, weights, params, grades, list rules).
    scheme_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    # County-wide figures of the period (cases reported, closed, overdue…), for the bulletin's 总体情况.
    overview = models.JSONField(default=dict, blank=True, editable=False)
    # The text parts of the bulletin the office edits before publishing.
    bulletin_text = models.JSONField(default=dict, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=40, blank=True)
    doc_date = models.DateField(_("成文日期"), null=True, blank=True)
    bulletin_docx = models.BinaryField(null=True, blank=True, editable=False)
    bulletin_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        ordering = ["-period_start", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period_start", "revision"], name="appraisal_run_revision_uniq"),
            models.UniqueConstraint(
                fields=["scheme", "period_start"],
                condition=Q(status=RunStatus.DRAFT),
                name="appraisal_run_one_draft",
                violation_error_message=_("该考核期已有一份草稿"),
            ),
            models.UniqueConstraint(
                fields=["scheme", "period_start"],
                condition=Q(status=RunStatus.PUBLISHED),
                name="appraisal_run_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（第{self.revision}版）" if self.revision > 1 else self.label

    @property
    def is_frozen(self) -> bool:
        return self.status != RunStatus.DRAFT


class UnitResult(models.Model):
    """One unit's figures, score, grade and rank in a run (frozen with the run)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("单位名称"), max_length=100)
    group = models.CharField(_("评比分组"), max_length=20, choices=UnitGroup.choices)
    base_score = models.DecimalField(_("考核得分"), max_digits=7, decimal_places=2, null=True)
    adjustment = models.DecimalField(_("加减分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True)
    grade = models.CharField(_("等次"), max_length=4, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)
    group_size = models.PositiveSmallIntegerField(default=0)
    previous_rank = models.PositiveSmallIntegerField(_("上月名次"), null=True)
    board = models.CharField(_("红黑榜"), max_length=10, blank=True)
    black_streak = models.PositiveSmallIntegerField(_("连续上黑榜月数"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # {kind: {"name", "weight", "state", "value", "score", "num", "den", "label"}}
    figures = models.JSONField(default=dict)
    # {kind: {"num": [ids], "den": [ids], "model": "case" | "task" | "notice" | "inspection"}}
    trace = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("单位考核结果")
        verbose_name_plural = _("单位考核结果")
        ordering = ["run", "group", "rank", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="appraisal_result_unit_uniq")]

    def __str__(self) -> str:
        return f"{self.run} {self.unit_name}"

    @property
    def movement(self) -> int | None:
        """Places gained against last month (positive = up); None when new on the ranking."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


class Adjustment(TimeStampedModel):
    """加分/扣分: a manual item the office adds to a draft run, with a reason and evidence."""

    run = models.ForeignKey(Run, verbose_name=_("月度考核"), on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2, help_text=_("加分为正，扣分为负"))
    reason = models.TextField(_("事由"))
    evidence = models.FileField(_("佐证材料"), upload_to="appraisal/%Y/%m/", max_length=255, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A retried submission (double click, weak signal, API retry) carries the same key: one item.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="adjustment_key_unique_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.points:+}"


class RunComment(models.Model):
    """The office's review comment on a draft run (on a unit, or on the whole run)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="comments")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("意见"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class TypicalCase(models.Model):
    """典型问题: a case the office picks for the bulletin, with its before/after photos."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="typical_cases")
    case = models.ForeignKey("cases.Case", verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("点评"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["run", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "case"], name="appraisal_typical_uniq")]

    def __str__(self) -> str:
        return str(self.case_id)


class YearEndList(TimeStampedModel):
    """表彰 or 追责 candidates of a year, from the rules over the year's published runs."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="year_end_lists")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=YearEndKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=YearEndStatus.choices, default=YearEndStatus.DRAFT)
    rules = models.JSONField(default=dict, editable=False)
    doc_number = models.CharField(_("发文字号"), max_length=40, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("年终评定")
        verbose_name_plural = _("年终评定")
        constraints = [models.UniqueConstraint(fields=["scheme", "year", "kind"], name="appraisal_yearend_uniq")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"


class YearEndEntry(models.Model):
    """One candidate (a unit or a person) on a year-end list, with the rule that put it there."""

    list = models.ForeignKey(YearEndList, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    basis = models.TextField(_("依据"))
    data = models.JSONField(default=dict, blank=True)
    included = models.BooleanField(_("列入"), default=True)
    note = models.CharField(_("审核意见"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["list", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False), name="appraisal_entry_has_subject"
            )
        ]

    def __str__(self) -> str:
        return self.name
