"""Pages of 日巡查: the office's patrol rules, the plan calendar (a month of planned / done / 漏巡
per day), and one day's visits per inspector. The county-wide roles see every inspector; an
inspector or road chief sees their own routes; the other roles get 403.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.errors import DomainError
from chuangcheng.core.web import form_errors, render_page
from chuangcheng.org.types import AuthedRequest

from . import selectors, services
from .access import can_plan_patrols, require_patrol_planner, require_patrol_viewer, sees_all_patrols
from .choices import VisitState
from .forms_plans import PatrolRuleForm
from .models import PatrolRule, Visit

# ---- rules -------------------------------------------------------------------------------------


@login_required
@require_GET
def patrol_rules(request: AuthedRequest) -> HttpResponse:
    rules = selectors.patrol_rule_list_for_user(user=request.user, filters=request.GET.dict())
    return render(request, "inspections/plans/rules.html", {"rules": rules})


def _save_rule(request: AuthedRequest, form: PatrolRuleForm) -> PatrolRule | None:
    if not form.is_valid():
        return None
    with form_errors(form):
        return services.patrol_rule_save(rule=form.instance, by=request.user)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def patrol_rule_create(request: AuthedRequest) -> HttpResponse:
    require_patrol_planner(request.user)
    form = PatrolRuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (rule := _save_rule(request, form)):
        messages.success(request, _("已添加巡查规则“%(rule)s”") % {"rule": rule})
        return redirect("inspections:patrol_rules")
    return render(request, "inspections/plans/rule_form.html", {"form": form, "rule": None})


@login_required
@require_http_methods(["GET", "POST"])
def patrol_rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = selectors.get_patrol_rule_for_user(request.user, pk)
    form = PatrolRuleForm(request.POST if request.method == "POST" else None, instance=rule)
    if request.method == "POST":
        if saved := _save_rule(request, form):
            messages.success(request, _("已保存巡查规则“%(rule)s”") % {"rule": saved})
            return redirect("inspections:patrol_rules")
        rule.refresh_from_db()
    return render(request, "inspections/plans/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def patrol_rule_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = selectors.get_patrol_rule_for_user(request.user, pk)
    try:
        services.patrol_rule_deactivate(rule=rule, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用巡查规则“%(rule)s”") % {"rule": rule})
    return redirect("inspections:patrol_rules")


# ---- calendar and day ------------------------------------------------------------------------------


def _month(value: str, today: dt.date) -> dt.date:
    """The first day of ``YYYY-MM`` (this month when missing or malformed)."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _filters(request: AuthedRequest) -> dict[str, Any]:
    return {key: request.GET.get(key, "") for key in ("town", "inspector", "state")}


def _filter_context(request: AuthedRequest, filters: dict[str, Any]) -> dict[str, Any]:
    return {
        "filters": filters,
        "sees_all": sees_all_patrols(request.user),
        "towns": selectors.patrol_towns(),
        "inspectors": selectors.patrol_inspectors_for_user(user=request.user),
        "query": "&".join(f"{k}={v}" for k, v in filters.items() if v and k != "state"),
    }


@login_required
@require_GET
def patrol_calendar(request: AuthedRequest) -> HttpResponse:
    require_patrol_viewer(request.user)
    today = timezone.localdate()
    first = _month(request.GET.get("month", ""), today)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    filters = _filters(request)
    counts = selectors.patrol_calendar_for_user(user=request.user, start=first, end=last, filters=filters)
    weeks = [
        [{"day": day, "in_month": day.month == first.month, "counts": counts.get(day)} for day in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    people = selectors.patrol_by_inspector_for_user(user=request.user, start=first, end=last, filters=filters)
    context = {
        "month": first,
        "previous": (first - dt.timedelta(days=1)).replace(day=1),
        "next": last + dt.timedelta(days=1),
        "weeks": weeks,
        "today": today,
        "people": people,
        "totals": selectors.PatrolCounts(
            sum(c.planned for c in counts.values()),
            sum(c.done for c in counts.values()),
            sum(c.missed for c in counts.values()),
        ),
        **_filter_context(request, filters),
    }
    return render_page(request, "inspections/plans/calendar.html", context)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404(_("日期无效")) from None


def _by_inspector(visits: list[Visit]) -> list[dict[str, Any]]:
    """The day's visits in groups per inspector, each with its counts."""
    groups: dict[int | None, dict[str, Any]] = {}
    for visit in visits:
        group = groups.setdefault(visit.assignee_id, {"person": visit.assignee, "visits": [], "done": 0, "missed": 0})
        group["visits"].append(visit)
        state = visit.state  # type: ignore[attr-defined]
        group["done"] += state == VisitState.DONE
        group["missed"] += state == VisitState.MISSED
    return list(groups.values())


@login_required
@require_GET
def patrol_day(request: AuthedRequest, day: str) -> HttpResponse:
    date = _day(day)
    filters = _filters(request)
    visits = list(selectors.patrol_day_for_user(user=request.user, day=date, filters=filters))
    context = {
        "day": date,
        "today": timezone.localdate(),
        "groups": _by_inspector(visits),
        "total": len(visits),
        "states": VisitState.choices,
        "can_generate": can_plan_patrols(request.user) and date >= timezone.localdate(),
        **_filter_context(request, filters),
    }
    return render_page(request, "inspections/plans/day.html", context)


@login_required
@require_POST
def patrol_generate(request: AuthedRequest) -> HttpResponse:
    require_patrol_planner(request.user)
    try:
        date = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("日期无效"))
        return redirect("inspections:patrol_calendar")
    try:
        generated = services.patrol_routes_generate(day=date, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已重新生成 %(day)s 的巡查路线：新增 %(created)d 处，调整 %(moved)d 处，取消 %(removed)d 处")
            % {
                "day": date.isoformat(),
                "created": generated.created,
                "moved": generated.reassigned,
                "removed": generated.removed,
            },
        )
    return redirect(reverse("inspections:patrol_day", args=[date.isoformat()]))
