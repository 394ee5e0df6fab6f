"""Who may act on inspections: the rules on top of ``org.access.Scope``.

The scoped reads themselves (``plan_list_for_user``…) live in ``selectors``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

from .choices import InspectionKind

# ---- 周检查 / 模拟测评 plans ------------------------------------------------------------------------
#
# 督查室 (supervisor) runs the weekly checks, 创建办 (office) both kinds. County-wide roles
# (office, supervisor, leader) read every plan; an inspector, road chief… reads the plans whose
# team they lead or are a member of, once active (a draft is not theirs yet). Unit admins and
# handlers see no plans (a unit reads the inspections of its sites, not the sample): the plan
# pages are refused to them (403) unless a plan's team names them.

PLAN_MANAGERS: dict[str, tuple[str, ...]] = {
    InspectionKind.CHECK: (Role.OFFICE, Role.SUPERVISOR),
    InspectionKind.MOCK: (Role.OFFICE,),
}
# Who may be on a plan's team (the people the services accept as leader or member).
TEAM_ROLES = (Role.INSPECTOR, Role.ROAD_CHIEF, Role.SUPERVISOR, Role.OFFICE)
# Who may open the plan pages at all (the rest get 403); what they see is still the selector's.
PLAN_READERS = (Role.OFFICE, Role.SUPERVISOR, Role.LEADER, Role.INSPECTOR, Role.ROAD_CHIEF)


def can_manage_plan(user: Person | None, kind: str) -> bool:
    """May create, draw, staff, start and close plans of ``kind``."""
    return scope_for(user).acts_as(*PLAN_MANAGERS.get(kind, ()))


def manageable_kinds(user: Person | None) -> list[str]:
    return [kind for kind in PLAN_MANAGERS if can_manage_plan(user, kind)]


def require_plan_reader(user: Person) -> None:
    if not scope_for(user).acts_as(*PLAN_READERS):
        raise PermissionDenied(_("您没有查看检查计划的权限"))


def require_plan_manager(user: Person, kind: str) -> None:
    if not can_manage_plan(user, kind):
        raise PermissionDenied(_("您没有管理该类检查计划的权限"))
