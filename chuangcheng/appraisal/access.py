"""Who may do what with the appraisal: rules on top of ``org.access.Scope``.

The office (创建办) keeps the scheme and runs the month (drafts, manual items, publishing,
corrections, year-end lists). The supervision office (督查室) and the leaders read every
published run and its traced lists (leaders read-only); the office and the supervision office
also read drafts. A unit (unit admin, handler) reads the published runs: the ranking tables,
and its own figures and traced lists only; another unit's detail is a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role

KEEPERS = (Role.OFFICE,)
DRAFT_READERS = (Role.OFFICE, Role.SUPERVISOR)
COUNTY_READERS = (Role.OFFICE, Role.SUPERVISOR, Role.LEADER)


def can_keep(user: Any) -> bool:
    return scope_for(user).acts_as(*KEEPERS)


def can_read_drafts(user: Any) -> bool:
    return scope_for(user).acts_as(*DRAFT_READERS)


def reads_every_unit(user: Any) -> bool:
    return scope_for(user).acts_as(*COUNTY_READERS)


def can_read_runs(user: Any) -> bool:
    scope = scope_for(user)
    return scope.acts_as(*COUNTY_READERS) or scope.has_unit_role


def sees_unit_detail(user: Any, unit: Any) -> bool:
    """A unit's figures and traced lists: county readers, and the unit itself (or its parents)."""
    scope = scope_for(user)
    return scope.acts_as(*COUNTY_READERS) or scope.covers(unit)


def require_keeper(user: Any) -> None:
    if not can_keep(user):
        raise PermissionDenied(_("只有创建办可以进行月度考核操作"))


def require_reader(user: Any) -> None:
    if not can_read_runs(user):
        raise PermissionDenied(_("您没有查看月度考核的权限"))
