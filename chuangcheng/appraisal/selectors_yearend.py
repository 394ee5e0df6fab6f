"""Reads of the year-end lists: the county's readers (创建办, 督查室, leaders) see every list;
anybody else none (the pages answer 403 first, the API too)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .access import reads_every_unit
from .models import Scheme, YearEndEntry, YearEndList


def require_year_end_reader(user: Any) -> None:
    if not reads_every_unit(user):
        raise PermissionDenied(_("您没有查看年终评定的权限"))


def year_end_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[YearEndList]:
    """The lists the user may read, newest year first, with their counts. ``filters``: year, kind."""
    if not reads_every_unit(user):
        return YearEndList.objects.none()
    filters = filters or {}
    rows = YearEndList.objects.select_related("scheme", "confirmed_by").annotate(
        entry_count=Count("entries"), included_count=Count("entries", filter=Q(entries__included=True))
    )
    if year := str(filters.get("year") or "").strip():
        rows = rows.filter(year=int(year)) if year.isdigit() else rows.none()
    if kind := filters.get("kind"):
        rows = rows.filter(kind=kind)
    return rows.order_by("-year", "kind", "pk")


def get_year_end_list_for_user(user: Any, pk: int) -> YearEndList:
    found = year_end_list_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("名单不存在"))
    return found


def get_year_end_entry_for_user(user: Any, pk: int) -> YearEndEntry:
    if not reads_every_unit(user):
        raise Http404(_("名单条目不存在"))
    entry = YearEndEntry.objects.select_related("list").filter(pk=pk).first()
    if entry is None:
        raise Http404(_("名单条目不存在"))
    return entry


def year_end_entries(year_list: YearEndList) -> QuerySet[YearEndEntry]:
    return year_list.entries.select_related("unit", "person").order_by("sort_order", "pk")


def year_end_schemes() -> QuerySet[Scheme]:
    """The schemes a list may be built from (the active ones)."""
    return Scheme.objects.filter(is_active=True).order_by("-year", "pk")
