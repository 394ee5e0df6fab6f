"""Who may act on inspections' objects: rules on top of ``org.access.Scope``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role

# ---- checklists (检查表) -----------------------------------------------------------------------

# The office edits the checklists; the roles that inspect or oversee inspections read them.
CHECKLIST_EDITORS = (Role.OFFICE,)
CHECKLIST_READERS = (Role.OFFICE, Role.SUPERVISOR, Role.INSPECTOR, Role.ROAD_CHIEF, Role.LEADER)


def can_read_checklists(user: Any) -> bool:
    return scope_for(user).acts_as(*CHECKLIST_READERS)


def can_edit_checklists(user: Any) -> bool:
    return scope_for(user).acts_as(*CHECKLIST_EDITORS)


def require_checklist_reader(user: Any) -> None:
    """Pages and API: a role that neither inspects nor oversees inspections gets 403."""
    if not can_read_checklists(user):
        raise PermissionDenied(_("您没有查看检查表的权限"))


def require_checklist_editor(user: Any) -> None:
    if not can_edit_checklists(user):
        raise PermissionDenied(_("只有创建办可以修改检查表"))


# ---- end checklists ---------------------------------------------------------------------------
