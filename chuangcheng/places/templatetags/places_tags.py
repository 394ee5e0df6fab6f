"""Template helpers for the map pages: role checks for navigation, map colours."""

from django import template

from chuangcheng.org.access import scope_for
from chuangcheng.org.models import Person

from ..choices import PledgeStatus

register = template.Library()

PLEDGE_BADGES: dict[str, str] = {
    PledgeStatus.SIGNED: "badge-ok",
    PledgeStatus.WARNED: "badge-warn",
    PledgeStatus.REVOKED: "badge-bad",
}


@register.simple_tag
def has_role(user: Person, *roles: str) -> bool:
    """``{% has_role user "road_chief" as is_chief %}``: navigation only, never data visibility."""
    return scope_for(user).has(*roles)


@register.filter
def pledge_badge(status: str) -> str:
    """CSS class of a pledge-status badge."""
    return PLEDGE_BADGES.get(status, "")
