"""Who may do what in inspections, on top of ``org.access.Scope``.

日巡查 (patrols): the office sets the rules and (re)generates a day's routes; the office, the
supervision office and the leaders see every route and its 漏巡; an inspector or a road chief
sees the visits assigned to them; nobody else sees patrols.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role

# ---- 日巡查 ---------------------------------------------------------------------------------------

PATROL_PLANNERS = (Role.OFFICE,)
PATROL_OVERSEERS = (Role.OFFICE, Role.SUPERVISOR, Role.LEADER)
PATROL_WALKERS = (Role.INSPECTOR, Role.ROAD_CHIEF)


def can_plan_patrols(user: Any) -> bool:
    """The office edits the patrol rules and regenerates a day's routes."""
    return scope_for(user).acts_as(*PATROL_PLANNERS)


def sees_all_patrols(user: Any) -> bool:
    """The county-wide roles see every inspector's routes and 漏巡."""
    return scope_for(user).acts_as(*PATROL_OVERSEERS)


def sees_own_patrols(user: Any) -> bool:
    """An inspector or road chief sees the visits assigned to them."""
    return scope_for(user).has(*PATROL_WALKERS)


def require_patrol_viewer(user: Any) -> None:
    if not (sees_all_patrols(user) or sees_own_patrols(user)):
        raise PermissionDenied(_("您没有查看巡查计划的权限"))


def require_patrol_planner(user: Any) -> None:
    if not can_plan_patrols(user):
        raise PermissionDenied(_("只有创建办可以设置巡查规则"))
