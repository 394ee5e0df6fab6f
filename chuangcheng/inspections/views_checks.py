"""Pages of 周检查 and 模拟测评: the list, drafting a plan and its sample, teams, progress on a map.

Reads go through ``selectors.plan_list_for_user`` / ``get_plan_for_user`` (a plan the user may
not see is a 404); the roles that never see plans get a 403 (``access.require_plan_reader``);
writes call one service each, whose ``DomainError`` is shown as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.web import form_errors, map_context, paginate, render_page, run_service
from chuangcheng.org.models import Person
from chuangcheng.org.types import AuthedRequest

from . import access, selectors, services
from .choices import InspectionKind, PlanStatus, VisitState
from .forms_checks import PlanCreateForm, PlanFilterForm, ReassignForm, SampleForm, TeamForm
from .models import Plan, Team, Visit

PER_PAGE = 30
STATE_BADGES = {
    VisitState.DONE: "badge-ok",
    VisitState.PENDING: "badge-warn",
    VisitState.OVERDUE: "badge-bad",
    VisitState.MISSED: "badge-bad",
}
PLAN_BADGES = {PlanStatus.DRAFT: "", PlanStatus.ACTIVE: "badge-warn", PlanStatus.CLOSED: "badge-ok"}


def _plan_url(plan: Plan) -> str:
    return reverse("inspections:check_detail", args=[plan.pk])


def _plan(request: AuthedRequest, pk: int) -> Plan:
    access.require_plan_reader(request.user)
    return selectors.get_plan_for_user(request.user, pk)


def _managed_plan(request: AuthedRequest, pk: int) -> Plan:
    plan = _plan(request, pk)
    access.require_plan_manager(request.user, plan.kind)
    return plan


@login_required
@require_GET
def check_list(request: AuthedRequest) -> HttpResponse:
    """周检查 and 模拟测评 the user may see, newest first, with their progress."""
    access.require_plan_reader(request.user)
    form = PlanFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    plans = (
        selectors.plan_list_for_user(user=request.user, filters=filters)
        .annotate(visit_count=Count("visits", distinct=True), team_count=Count("teams", distinct=True))
        .order_by("-starts_on", "-pk")
    )
    page = paginate(request, plans, PER_PAGE)
    done = dict(
        Visit.objects.filter(plan__in=[p.pk for p in page], done_at__isnull=False)
        .values_list("plan_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for plan in page:
        plan.done_count = done.get(plan.pk, 0)  # type: ignore[attr-defined]
        plan.badge = PLAN_BADGES[PlanStatus(plan.status)]  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "can_create": bool(access.manageable_kinds(request.user))}
    return render_page(request, "inspections/checks/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_create(request: AuthedRequest) -> HttpResponse:
    """Draft a plan: its kind, dates, seed (random, shown) and sample table; the sample is drawn at once."""
    access.require_plan_reader(request.user)
    kinds = access.manageable_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("只有督查室和创建办可以安排检查"))
    kind = request.POST.get("kind") or request.GET.get("kind") or kinds[0]
    kind = kind if kind in kinds else kinds[0]
    if request.method == "POST":
        form = PlanCreateForm(request.POST, kinds=kinds, kind=kind)
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form):
                plan = services.plan_create(
                    by=request.user,
                    kind=data["kind"],
                    name=data["name"],
                    campaign=data["campaign"],
                    starts_on=data["starts_on"],
                    due_on=data["due_on"],
                    seed=data["seed"],
                    sample=form.sample(),
                )
                messages.success(request, _("已生成样本，共 %(n)d 个点位或路段") % {"n": plan.visits.count()})
                return redirect(_plan_url(plan))
    else:
        today = timezone.localdate()
        initial = {"kind": kind, "seed": services.new_seed(), "starts_on": today, "due_on": today}
        form = PlanCreateForm(initial=initial, kinds=kinds, kind=kind)
    return render(request, "inspections/checks/create.html", {"form": form, "kind": kind, "kinds": kinds})


def _teams(plan: Plan) -> list[Team]:
    members = Prefetch("members", Person.objects.order_by("real_name", "pk"))
    return list(
        plan.teams.select_related("leader")
        .prefetch_related(members)
        .annotate(visit_count=Count("visits"))
        .order_by("pk")
    )


def _decorated_visits(plan: Plan) -> list[Visit]:
    visits = list(selectors.plan_visits(plan, timezone.localdate()))
    labels = {value: str(label) for value, label in VisitState.choices}
    for visit in visits:
        state = visit.state  # type: ignore[attr-defined]
        visit.state_label = labels[state]  # type: ignore[attr-defined]
        visit.badge = STATE_BADGES[VisitState(state)]  # type: ignore[attr-defined]
        visit.place_type = (  # type: ignore[attr-defined]
            visit.site.site_type.name if visit.site else visit.segment.get_road_class_display() if visit.segment else ""
        )
    return visits


@login_required
@require_GET
def check_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A plan: its facts, sample per type and town, teams with members, the visits and who does them."""
    plan = _plan(request, pk)
    manage = access.can_manage_plan(request.user, plan.kind)
    towns, rows = selectors.plan_sample_table(plan)
    sample_rows = [
        {"label": row.label, "cells": [row.per_town.get(town, 0) for town, _name in towns], "total": row.total}
        for row in rows
    ]
    editable = manage and plan.status != PlanStatus.CLOSED
    context: dict[str, Any] = {
        "plan": plan,
        "badge": PLAN_BADGES[PlanStatus(plan.status)],
        "manage": manage,
        "editable": editable,
        "towns": towns,
        "sample_rows": sample_rows,
        "teams": _teams(plan),
        "visits": _decorated_visits(plan),
        "progress": selectors.plan_progress(plan, timezone.localdate()),
        "prediction": selectors.plan_prediction(plan) if plan.kind == InspectionKind.MOCK else None,
    }
    if manage and plan.status == PlanStatus.DRAFT:
        context["sample_form"] = SampleForm(initial={"seed": plan.seed}, kind=plan.kind, sample=plan.sample)
    if editable:
        context["team_form"] = TeamForm()
        for team in context["teams"]:
            initial = {"name": team.name, "leader": team.leader_id, "members": list(team.members.all())}
            team.form = TeamForm(initial=initial, prefix=f"team{team.pk}")
        context["reassign_form"] = ReassignForm(plan=plan)
    return render(request, "inspections/checks/detail.html", context)


@login_required
@require_POST
def check_sample(request: AuthedRequest, pk: int) -> HttpResponse:
    """Redraw a draft's sample with the seed and counts posted."""
    plan = _managed_plan(request, pk)
    form = SampleForm(request.POST, kind=plan.kind, sample=plan.sample)
    if not form.is_valid():
        messages.error(request, _("抽样数量或种子无效，请检查后重试"))
        return redirect(_plan_url(plan))
    seed, sample = form.cleaned_data["seed"], form.sample()
    run_service(
        request,
        lambda: services.plan_sample(plan=plan, by=request.user, seed=seed, sample=sample),
        _("已重新抽样"),
    )
    return redirect(_plan_url(plan))


@login_required
@require_POST
def check_team(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a team to the plan (or restaff one: ``team`` names it)."""
    plan = _managed_plan(request, pk)
    team = None
    if (team_id := request.POST.get("team", "")).isdigit():
        team = plan.teams.filter(pk=int(team_id)).first()
    form = TeamForm(request.POST, prefix=f"team{team.pk}" if team else None)
    if not form.is_valid():
        messages.error(request, _("检查组信息无效：%(errors)s") % {"errors": _errors(form)})
        return redirect(_plan_url(plan))
    data = form.cleaned_data
    run_service(
        request,
        lambda: services.team_save(
            plan=plan, by=request.user, team=team, name=data["name"], leader=data["leader"], members=data["members"]
        ),
        _("已保存检查组“%(name)s”") % {"name": data["name"]},
    )
    return redirect(_plan_url(plan))


def _errors(form: Any) -> str:
    return "；".join(str(error) for errors in form.errors.values() for error in errors)


@login_required
@require_POST
def check_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Share the visits among the teams by town (``balanced``), or give one visit to another team."""
    plan = _managed_plan(request, pk)
    if request.POST.get("balanced"):
        run_service(request, lambda: services.visits_assign(plan=plan, by=request.user), _("已按乡镇均衡分配"))
        return redirect(_plan_url(plan))
    form = ReassignForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("请选择本计划的点位和检查组"))
        return redirect(_plan_url(plan))
    visit, team = form.cleaned_data["visit"], form.cleaned_data["team"]
    run_service(
        request,
        lambda: services.visits_assign(plan=plan, by=request.user, assignments={visit.pk: team.pk}),
        _("已将“%(place)s”改派给“%(team)s”") % {"place": visit.site or visit.segment, "team": team.name},
    )
    return redirect(_plan_url(plan))


@login_required
@require_POST
def check_activate(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    run_service(request, lambda: services.plan_activate(plan=plan, by=request.user), _("检查已启动"))
    return redirect(_plan_url(plan))


@login_required
@require_POST
def check_close(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    run_service(request, lambda: services.plan_close(plan=plan, by=request.user), _("检查已结束"))
    return redirect(_plan_url(plan))


def visit_feature(visit: Visit) -> dict[str, Any] | None:
    """A visit as a GeoJSON feature coloured by its state (names go to the page as text only)."""
    place = visit.site or visit.segment
    if place is None:
        return None
    geometry = {"type": "Point", "coordinates": [visit.site.lon, visit.site.lat]} if visit.site else place.geometry
    return {
        "type": "Feature",
        "id": visit.pk,
        "geometry": geometry,
        "properties": {
            "kind": "visit",
            "id": visit.pk,
            "name": str(place),
            "state": visit.state,  # type: ignore[attr-defined]
            "state_label": visit.state_label,  # type: ignore[attr-defined]
            "team": visit.team.name if visit.team else "",
            "place_type": visit.place_type,  # type: ignore[attr-defined]
        },
    }


def plan_features(visits: list[Visit]) -> dict[str, Any]:
    features = [f for f in (visit_feature(v) for v in visits) if f is not None]
    return {"type": "FeatureCollection", "features": features}


@login_required
@require_GET
def check_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """Done / pending / overdue per team and per type, and the places on a map coloured by state."""
    plan = _plan(request, pk)
    visits = _decorated_visits(plan)
    context = {
        "plan": plan,
        "progress": selectors.plan_progress(plan, timezone.localdate()),
        "features": plan_features(visits),
        "states": [
            (VisitState.DONE, VisitState.DONE.label, "green"),
            (VisitState.PENDING, VisitState.PENDING.label, "yellow"),
            (VisitState.OVERDUE, VisitState.OVERDUE.label, "red"),
        ],
        **map_context(),
    }
    return render(request, "inspections/checks/progress.html", context)
