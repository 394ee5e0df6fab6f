from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemFamily(models.TextChoices):
    """The families of the national field check (实地考察), in its order."""

    PUBLICITY = "publicity", _("公益宣传")
    SANITATION = "sanitation", _("环境卫生")
    ORDER = "order", _("公共秩序")
    FACILITIES = "facilities", _("基础设施")
    SERVICE = "service", _("行业规范与服务")


class InspectionKind(models.TextChoices):
    PATROL = "patrol", _("日巡查")
    CHECK = "check", _("周检查")
    MOCK = "mock", _("模拟测评")


class Outcome(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NOT_APPLICABLE = "na", _("不适用")


class PlanStatus(models.TextChoices):
    """A 周检查 or 模拟测评 from drafting to its closing."""

    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class VisitState(models.TextChoices):
    """Where a planned visit stands; derived from its dates and inspection, never stored."""

    DONE = "done", _("已完成")
    PENDING = "pending", _("待检查")
    MISSED = "missed", _("漏巡")
    OVERDUE = "overdue", _("逾期未检")
