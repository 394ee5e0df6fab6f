"""Contact numbers in templates, as ``org.contacts`` lets the viewer see them.

``{% mobile person as m %}`` / ``{% shop_phone shop as m %}`` give a ``tel:`` link when the
number shows in full, the masked number as text, or "" when the viewer may not see it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from chuangcheng.org.contacts import Show, contacts_for

register = template.Library()


def _render(number: str, show: Show) -> SafeString | str:
    if not number:
        return ""
    if show is Show.FULL:
        return format_html('<a href="tel:{}">{}</a>', number, number)
    return format_html('<span class="masked-number">{}</span>', number)


@register.simple_tag(takes_context=True)
def mobile(context: dict[str, Any], person: Any) -> SafeString | str:
    if not person:
        return ""
    policy = contacts_for(context["request"].user)
    return _render(policy.person_mobile(person), policy.person_show(person))


@register.simple_tag(takes_context=True)
def shop_phone(context: dict[str, Any], shop: Any) -> SafeString | str:
    policy = contacts_for(context["request"].user)
    return _render(policy.shop_phone(shop), policy.shop_show(shop))


@register.simple_tag(takes_context=True)
def reporter_phone(context: dict[str, Any], case: Any) -> SafeString | str:
    policy = contacts_for(context["request"].user)
    return _render(policy.reporter_phone(number=case.reporter_phone, reporter_id=case.reporter_id), Show.FULL)
