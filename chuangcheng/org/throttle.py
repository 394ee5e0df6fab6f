"""The login throttle: one mechanism for every way in.

``LoginBackend.authenticate`` calls it, so the login page, the admin login, the password
change form and any later caller of ``django.contrib.auth.authenticate()`` (API tokens) are
counted and refused the same way. A caller that checks a secret without a username (a
token) calls ``refuse_if_locked``/``record_failure`` with the key it throttles on.

Two locks: a username from one address (guessing one account; an attacker elsewhere cannot
lock the real user out), and an address across all usernames (password spraying).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from .models import LoginFailure

# Set on the request when the throttle refused it, so a form can say why (django-axes does
# the same): authenticate() swallows the PermissionDenied and returns None.
LOCKOUT_ATTR = "login_lockout_minutes"


def client_ip(request: HttpRequest | None) -> str:
    """The client's address; behind our own proxy, the one that proxy appended last.

    nginx's ``proxy_add_x_forwarded_for`` appends the peer it saw, so the rightmost entry
    is the only one a client cannot forge. Without BEHIND_PROXY the header is ignored (a
    client could set it to anything); with it but no proxy in front, every user would
    share one address and one attacker could lock everybody out.
    """
    if request is None:
        return ""
    if settings.BEHIND_PROXY:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def _minutes_until_unlock(times: list[datetime], limit: int) -> int:
    """Minutes until fewer than ``limit`` of these failures lie inside the window; 0 if already."""
    if limit <= 0 or len(times) < limit:
        return 0
    # The lock lifts when enough of the oldest failures leave the window to drop below the limit.
    unlock_at = times[len(times) - limit] + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return max(1, math.ceil((unlock_at - timezone.now()).total_seconds() / 60))


def _recent_failures(**match: str) -> list[datetime]:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return list(LoginFailure.objects.filter(at__gte=since, **match).order_by("at").values_list("at", flat=True))


def lockout_minutes_left(username: str, ip: str) -> int:
    """Minutes until this username+address may try again; 0 when neither lock holds."""
    minutes = _minutes_until_unlock(_recent_failures(username=username, ip=ip), settings.LOGIN_MAX_FAILURES)
    if ip:  # without a request there is no address to spray from
        per_ip = _minutes_until_unlock(_recent_failures(ip=ip), settings.LOGIN_MAX_FAILURES_PER_IP)
        minutes = max(minutes, per_ip)
    return minutes


def refuse_if_locked(request: HttpRequest | None, username: str) -> None:
    """Raise PermissionDenied (which stops authenticate() at once) while the caller is locked out."""
    minutes = lockout_minutes_left(username, client_ip(request))
    if minutes:
        if request is not None:
            setattr(request, LOCKOUT_ATTR, minutes)
        raise PermissionDenied


def refused_minutes(request: HttpRequest | None) -> int:
    """How long the throttle said this request must wait; 0 when it was not refused."""
    return getattr(request, LOCKOUT_ATTR, 0) if request is not None else 0


def record_failure(request: HttpRequest | None, username: str) -> None:
    LoginFailure.objects.create(username=username, ip=client_ip(request))


def clear_failures(username: str) -> None:
    """A right password forgives this username's earlier mistakes, from every address."""
    LoginFailure.objects.filter(username=username).delete()
