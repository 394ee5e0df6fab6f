"""Small helpers the apps' views share: the redirect after a form, one service call, export links."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from chuangcheng.core.errors import DomainError


def next_or(request: HttpRequest, default: str) -> str:
    """The form's ``next`` when it points back into this site, else ``default``."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


def run_service(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """Call one service; show its success or its domain error as a message."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def with_filters(base: str, query: QueryDict, *, drop: Iterable[str] = ("page",)) -> str:
    """``base`` with the list's filters: the same query without the page number (or ``drop``) or empty fields."""
    dropped = set(drop)
    params = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [v for v in values if v]
        if key not in dropped and kept:
            params.setlist(key, kept)
    encoded = params.urlencode()
    return f"{base}?{encoded}" if encoded else base
