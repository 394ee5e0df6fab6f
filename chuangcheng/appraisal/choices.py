"""Fixed vocabularies of the monthly appraisal (考核)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComponentKind(models.TextChoices):
    """What a component (考核项) measures; each kind has one definition in ``figures.py``."""

    CASE_COUNT = "case_count", _("立案数")
    CLOSE_RATE = "close_rate", _("结案率")
    ON_TIME_HANDLE = "on_time_handle", _("按期处置率")
    REWORK = "rework", _("返工率")
    ON_TIME_CLOSE = "on_time_close", _("按期结案率")
    EXTENSION = "extension", _("延期率")
    OVERDUE_OPEN = "overdue_open", _("超期未处置")
    TASK_ON_TIME = "task_on_time", _("任务按期完成率")
    NOTICE_ON_TIME = "notice_on_time", _("督办单按期回复率")
    INSPECTION = "inspection", _("实地检查得分")
    SATISFACTION = "satisfaction", _("群众满意度")


class FigureState(models.TextChoices):
    """Whether a component was scored for a unit this month, and if not, why."""

    SCORED = "scored", _("已计分")
    NO_DENOMINATOR = "no_denominator", _("无基数")
    SMALL_SAMPLE = "small_sample", _("样本不足")
    NO_DATA = "no_data", _("暂无数据")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class TieBreak(models.TextChoices):
    """How units with the same total are ordered; still equal → the same rank, the next skipped."""

    SHARED = "shared", _("并列，不再区分")
    ON_TIME_HANDLE = "on_time_handle", _("按期处置率高者在前")
    FEWER_OVERDUE = "fewer_overdue", _("超期未处置少者在前")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已更正")


class AdjustmentKind(models.TextChoices):
    """Manual 加分/扣分 items the office records with a reason (and evidence)."""

    PRAISE = "praise", _("领导批示表扬")
    HONOUR = "honour", _("获上级表彰")
    MEDIA = "media", _("媒体曝光")
    SUPERIOR_NOTICE = "superior_notice", _("被上级通报")
    OTHER = "other", _("其他")


class Board(models.TextChoices):
    RED = "red", _("红榜")
    BLACK = "black", _("黑榜")


class YearEndKind(models.TextChoices):
    PRAISE = "praise", _("表彰")
    ACCOUNTABILITY = "accountability", _("追责")


class YearEndStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
