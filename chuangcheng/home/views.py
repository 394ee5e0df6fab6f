"""The home page: one page whose panels depend on the roles the user holds.

The panels of this module read ``places`` and the working calendar through their selectors;
panels of other apps (the task ledger's) are registered in ``core.registry`` and included here.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from chuangcheng.core import workcalendar
from chuangcheng.core.registry import home_panels_for
from chuangcheng.core.services import can_edit_calendar
from chuangcheng.org.access import Scope, scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.types import AuthedRequest
from chuangcheng.places import selectors as places
from chuangcheng.places.views import import_url


def _counts(user: Any) -> dict[str, int]:
    return {
        "segments": places.segment_list_for_user(user=user).count(),
        "grids": places.grid_list_for_user(user=user).count(),
        "sites": places.site_list_for_user(user=user).count(),
        "shops": places.shop_list_for_user(user=user).count(),
    }


def _panels(scope: Scope) -> dict[str, bool]:
    """Which home panels a user sees; a person holding several roles sees several."""
    return {
        "show_office": scope.is_office,
        "show_overview": scope.has(Role.LEADER, Role.SUPERVISOR),
        "show_unit": scope.has_unit_role and not scope.all_units,
        "show_chief": scope.has(Role.ROAD_CHIEF),
    }


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """One home page whose panels depend on the roles the user holds."""
    user = request.user
    scope = scope_for(user)
    panels = _panels(scope)
    context: dict[str, Any] = {
        "role_labels": [label for value, label in Role.choices if value in scope.roles],
        "counts": _counts(user),
        "can_edit_map": scope.can_edit_map,
        "import_url": import_url(),
        "app_panels": home_panels_for(user),
        **panels,
    }
    if panels["show_office"] or panels["show_overview"]:
        context["pledge_counts"] = places.pledge_status_counts(places.shop_list_for_user(user=user))
        context["road_class_counts"] = places.road_class_counts(places.segment_list_for_user(user=user))
    if panels["show_office"] or scope.has(Role.LEADER):
        context["calendar_warnings"] = workcalendar.calendar_warnings()
        context["calendar_notices"] = workcalendar.calendar_notices()
        context["can_edit_calendar"] = can_edit_calendar(user)
    if panels["show_chief"]:
        context["area"] = places.chief_area_for_user(user=user)
    return render(request, "home/home.html", context)
