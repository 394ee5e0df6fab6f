"""Statuses, actions and other fixed vocabularies of the case loop (no raw strings elsewhere)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.choices import TimeUnit

__all__ = ["TimeUnit"]


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")


class RoutingRule(models.TextChoices):
    """Who gets a case first: the territorial owner (属地) or the line department (属主)."""

    TERRITORIAL_FIRST = "territorial_first", _("先属地后属主")
    OWNER_FIRST = "owner_first", _("先属主后属地")


class Source(models.TextChoices):
    PATROL = "patrol", _("巡查上报")
    INSPECTION = "inspection", _("督查检查")
    CITIZEN = "citizen", _("群众随手拍")
    HOTLINE = "hotline", _("县长热线")
    MAILBOX = "mailbox", _("县长信箱")
    MEDIA = "media", _("媒体曝光")
    SUPERIOR = "superior", _("上级交办")


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("已立案")
    DISPATCHED = "dispatched", _("已派遣")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予立案")
    MERGED = "merged", _("已合并")
    RETURNED = "returned", _("退回待派遣")
    REWORK = "rework", _("返工")
    SUSPENDED = "suspended", _("挂账")

    @classmethod
    def open(cls) -> frozenset[str]:
        """Cases still moving through the loop (duplicates are looked for among these)."""
        return frozenset(
            {cls.REPORTED, cls.ACCEPTED, cls.DISPATCHED, cls.HANDLED, cls.RETURNED, cls.REWORK, cls.SUSPENDED}
        )

    @classmethod
    def terminal(cls) -> frozenset[str]:
        return frozenset({cls.CLOSED, cls.REJECTED, cls.MERGED})

    @classmethod
    def with_unit(cls) -> frozenset[str]:
        """States in which a unit holds the case and its handling clock runs."""
        return frozenset({cls.DISPATCHED, cls.REWORK})

    @classmethod
    def deadline_counts(cls) -> frozenset[str]:
        """States in which the deadline still counts: running, suspended, or handled and awaiting the check."""
        return frozenset({cls.DISPATCHED, cls.REWORK, cls.SUSPENDED, cls.HANDLED})


STATUS_BADGES = {
    Status.REPORTED: "badge-warn",
    Status.ACCEPTED: "badge",
    Status.DISPATCHED: "badge",
    Status.HANDLED: "badge-ok",
    Status.CLOSED: "badge-ok",
    Status.REJECTED: "badge",
    Status.MERGED: "badge",
    Status.RETURNED: "badge-warn",
    Status.REWORK: "badge-bad",
    Status.SUSPENDED: "badge",
}


class Action(models.TextChoices):
    REPORT = "report", _("上报")
    ACCEPT = "accept", _("立案")
    REJECT = "reject", _("不予立案")
    MERGE = "merge", _("合并")
    DISPATCH = "dispatch", _("派遣")
    RETURN = "return", _("退回")
    HANDLE = "handle", _("处置")
    VERIFY_PASS = "verify_pass", _("核查通过")
    VERIFY_FAIL = "verify_fail", _("核查不通过")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_APPROVE = "extension_approve", _("批准延期")
    EXTENSION_DENY = "extension_deny", _("驳回延期")
    SUSPEND = "suspend", _("挂账")
    RESUME = "resume", _("恢复办理")
    REOPEN = "reopen", _("重新打开")
    ESCALATE = "escalate", _("督办升级")
    RECOUNT = "recount", _("期限重算")


class Light(models.TextChoices):
    """Handling status light: share of the time limit used."""

    NONE = "none", _("未计时")
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class Escalation(models.IntegerChoices):
    NONE = 0, _("无")
    YELLOW = 1, _("黄色督办")
    ORANGE = 2, _("橙色督办")
    RED = 3, _("红色督办")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    DENIED = "denied", _("已驳回")
    LAPSED = "lapsed", _("已失效")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")
