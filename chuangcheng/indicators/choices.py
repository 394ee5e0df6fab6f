"""Fixed vocabularies of the evaluation framework, the task ledger and readiness."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    CIVILIZED = "civilized", _("文明城市")
    SANITARY = "sanitary", _("卫生城市")
    GARDEN = "garden", _("园林城市")
    OTHER = "other", _("其他")


class CityTier(models.TextChoices):
    """The kind of city being assessed (the frameworks differ for counties and prefectures)."""

    COUNTY = "county", _("县级")
    PREFECTURE = "prefecture", _("地级")


class TitleLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class MilestoneKind(models.TextChoices):
    APPLICATION = "application", _("申报")
    SELF_CHECK = "self_check", _("自查自纠")
    PROVINCIAL_CHECK = "provincial_check", _("省级检查验收")
    NATIONAL_ASSESSMENT = "national_assessment", _("国家测评")
    REVIEW = "review", _("复审")
    OTHER = "other", _("其他")


class NodeLevel(models.IntegerChoices):
    """Depth in the indicator tree; a framework uses two to four of these levels."""

    PROJECT = 1, _("测评项目")
    INDICATOR = 2, _("指标")
    CONTENT = 3, _("测评内容")
    STANDARD = 4, _("测评标准")


class AssessmentMethod(models.TextChoices):
    MATERIAL = "material", _("材料审核/网上申报")
    FIELD = "field", _("实地考察")
    SURVEY = "survey", _("问卷调查")
    DATA = "data", _("数据指标")


class EvidenceType(models.TextChoices):
    """What a task's progress must be proven with (the office names them per task)."""

    DOCUMENT = "document", _("文件/方案")
    PHOTO = "photo", _("照片")
    LEDGER = "ledger", _("台账/表格")
    MINUTES = "minutes", _("会议记录")
    REPORT = "report", _("总结报告")
    OTHER = "other", _("其他")


class TaskStatus(models.TextChoices):
    """The stored workflow state; 已逾期 is shown when the deadline has passed and it is not done."""

    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    PENDING_REVIEW = "pending_review", _("待审核")
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("已逾期")

    @classmethod
    def stored(cls) -> frozenset[str]:
        return frozenset({cls.NOT_STARTED, cls.IN_PROGRESS, cls.PENDING_REVIEW, cls.DONE})


class ReportCycle(models.TextChoices):
    """How often an ongoing task (长期任务: 长期坚持, 常态化…) reports; blank for a task with an end date.

    The values are ``core.deadlines``' cycles (the deadline parser returns them).
    """

    NONE = "", _("一次性任务")
    MONTHLY = "monthly", _("每月报送")
    QUARTERLY = "quarterly", _("每季度报送")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("待回复")
    REPLIED = "replied", _("已回复")
    CLOSED = "closed", _("已办结")


class TaskAction(models.TextChoices):
    CREATE = "create", _("创建任务")
    UPDATE = "update", _("修改任务")
    IMPORT = "import", _("导入")
    REPORT = "report", _("报送进展")
    ACCEPT = "accept", _("审核通过")
    RETURN = "return", _("退回")
    REMIND = "remind", _("催办")
    OVERDUE = "overdue", _("逾期")
    NOTICE = "notice", _("下发督办单")
    REPLY = "reply", _("回复督办单")
    CLOSE_NOTICE = "close_notice", _("督办单办结")
