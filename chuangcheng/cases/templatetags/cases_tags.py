"""Template helpers of the case pages: labels and badge classes of statuses, lights and 督办."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..choices import STATUS_BADGES, Escalation, Light, Status

register = template.Library()

ESCALATION_BADGES = {Escalation.YELLOW: "badge-warn", Escalation.ORANGE: "badge-orange", Escalation.RED: "badge-bad"}


@register.filter
def status_badge(status: str) -> str:
    """CSS class of a status badge."""
    return STATUS_BADGES.get(Status(status), "") if status in Status.values else ""


@register.simple_tag
def light_dot(light: str) -> SafeString:
    """A coloured dot with its text (绿灯/黄灯/红灯/未计时), so the light never relies on colour alone."""
    value = light if light in Light.values else Light.NONE
    return format_html(
        '<span class="light light-{}" data-light="{}"><span class="dot" aria-hidden="true"></span>{}</span>',
        value,
        value,
        Light(value).label,
    )


@register.simple_tag
def escalation_badge(level: int) -> SafeString:
    """The 督办 badge (黄色/橙色/红色督办); nothing when there is none."""
    if not level or level not in Escalation.values:
        return mark_safe("")
    return format_html(
        '<span class="badge escalation {}" data-escalation="{}">{}</span>',
        ESCALATION_BADGES.get(Escalation(level), ""),
        level,
        Escalation(level).label,
    )


@register.simple_tag
def provisional_badge(case: object) -> SafeString:
    """暂定 beside a deadline counted through a year on the provisional holiday schedule; nothing otherwise."""
    if not getattr(case, "deadline_provisional", False):
        return mark_safe("")
    if getattr(case, "status", "") in Status.deadline_counts():
        title = _("按暂定节假日计算，国务院公布后自动重算")
    else:
        title = _("按暂定节假日计算（案卷已结束，不再重算）")
    return format_html('<span class="badge badge-warn deadline-provisional" title="{}">{}</span>', title, _("暂定"))
