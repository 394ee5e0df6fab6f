"""The in-app inbox: list, open (marks read and follows the link), mark all read.

The list view serves the full page or, for htmx requests, the ``list`` partial plus the
nav badges swapped out of band, so the unread count in the nav follows every action.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from chuangcheng.core.web import paginate, render_page, wants_partial
from chuangcheng.org.types import AuthedRequest

from . import selectors, services

PAGE_SIZE = 30


def _filters(request: AuthedRequest) -> dict[str, Any]:
    return {"unread": request.GET.get("unread") == "1"}


def _render_inbox(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.inbox_for_user(user=request.user, filters=filters)
    context = {"page": paginate(request, qs, PAGE_SIZE), "filters": filters, "is_partial": wants_partial(request)}
    return render_page(request, "notifications/inbox.html", context, partial="list")


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    return _render_inbox(request)


def _safe_target(request: AuthedRequest, url: str) -> str:
    """The message's link if it stays on this site, else the inbox."""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else reverse("notifications:inbox")


@login_required
@require_GET
def open_notification(request: AuthedRequest, pk: int) -> HttpResponseRedirect:
    """A click in the inbox: mark the message read and go where it points."""
    notification = selectors.get_notification_for_user(request.user, pk)
    services.mark_read(user=request.user, ids=[notification.pk])
    return redirect(_safe_target(request, notification.url))


@login_required
@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    if wants_partial(request):
        return _render_inbox(request)
    return redirect("notifications:inbox")
