"""Template helpers of the ledger outside its own pages: the home page's task panel."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from chuangcheng.org.access import scope_for
from chuangcheng.org.models import Person

from .. import access, selectors
from ..choices import NoticeStatus, TaskStatus

register = template.Library()


@register.simple_tag
def ledger_summary(user: Person) -> dict[str, Any]:
    """``{% ledger_summary user as ledger %}``: the counts the home page shows for the user's roles.

    Unit roles: their open tasks, how many are overdue, 督办单 waiting for their reply. The
    office: reports waiting for review. Office and 督查室: replied 督办单 waiting to be closed.
    """
    scope = scope_for(user)
    summary: dict[str, Any] = {}
    if scope.has_unit_role and not scope.all_units:
        today = timezone.localdate()
        open_tasks = selectors.task_list_for_user(user=user).exclude(status=TaskStatus.DONE)
        summary["unit"] = {
            "tasks": open_tasks.count(),
            "overdue": open_tasks.filter(selectors.overdue_q(today)).count(),
            "notices": selectors.notice_list_for_user(user=user).filter(status=NoticeStatus.ISSUED).count(),
        }
    if access.is_reviewer(user):
        summary["reviews"] = selectors.review_queue_for_user(user=user).count()
    if access.can_issue_notice(user):
        summary["to_close"] = selectors.notice_list_for_user(user=user).filter(status=NoticeStatus.REPLIED).count()
    return summary
