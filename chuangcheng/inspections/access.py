"""Who may act on inspections' objects: rules on top of ``org.access.Scope``.

Checklists: the office edits them; the roles that inspect or oversee inspections read them.
Inspections: county-wide roles (office, supervisor, leader) and the superuser see every inspection; a unit
(unit admin, handler) sees the inspections of the places it answers for (``Inspection.unit``
in its subtree); everyone sees the inspections they did themselves (an inspector, a road
chief). Volunteers have no inspection pages.
日巡查 (patrols): the office sets the rules and (re)generates a day's routes; the office, the
supervision office and the leaders see every route and its 漏巡; an inspector or a road chief
sees the visits assigned to them; nobody else sees patrols.
Plans (周检查/模拟测评): see their block below. The scoped reads themselves live in ``selectors``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from chuangcheng.org.access import Scope, scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

from .choices import InspectionKind
from .models import Inspection

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

# ---- inspections (results) ------------------------------------------------------------------------

# The roles that have inspection pages at all (what they see there is scoped below).
RESULT_ROLES = (
    Role.OFFICE,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.UNIT_ADMIN,
    Role.HANDLER,
    Role.INSPECTOR,
    Role.ROAD_CHIEF,
)


def can_see_inspections(user: Any) -> bool:
    """The user holds a role with inspection pages (or is a superuser)."""
    return scope_for(user).acts_as(*RESULT_ROLES)


def inspection_scope_q(user: Any) -> Q:
    """Q over ``Inspection`` limiting it to what ``user`` may see."""
    scope = scope_for(user)
    if scope.all_units:
        return Q()
    own = Q(inspector_id=scope.person_id) if scope.person_id else Q(pk__in=[])
    if scope.has_unit_role:
        return own | scope.covered_q("unit")
    return own


def sees_inspection(scope: Scope, inspection: Inspection) -> bool:
    """The same rule for one inspection already loaded (unit with its path)."""
    if scope.all_units or (scope.person_id is not None and inspection.inspector_id == scope.person_id):
        return True
    return scope.has_unit_role and scope.covers(inspection.unit)


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


# ---- field (the phone pages) ---------------------------------------------------------------------

# The roles that inspect from the street (the same as ``services.INSPECTOR_ROLES``).
FIELD_ROLES = (Role.INSPECTOR, Role.ROAD_CHIEF, Role.SUPERVISOR, Role.OFFICE)


def can_inspect(person: Person) -> bool:
    """Uses the phone form: an inspector, a road chief, the supervision office or the office."""
    return scope_for(person).acts_as(*FIELD_ROLES)


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
