from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.static import serve

from chuangcheng.core.types import AuthedRequest
from chuangcheng.org.access import Scope, scope_for
from chuangcheng.org.choices import Role
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
        "show_unit": scope.has(Role.UNIT_ADMIN, Role.HANDLER) and not scope.all_units,
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
        **panels,
    }
    if panels["show_office"] or panels["show_overview"]:
        context["pledge_counts"] = places.pledge_status_counts(places.shop_list_for_user(user=user))
        context["road_class_counts"] = places.road_class_counts(places.segment_list_for_user(user=user))
    if panels["show_chief"]:
        context["area"] = places.chief_area_for_user(user=user)
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Folders of MEDIA_ROOT whose files are private: served only through views that check access.
PRIVATE_MEDIA_PREFIXES = ("cases/",)


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an uploaded file unless it lives in a private folder (case photos)."""
    if path.lstrip("/").startswith(PRIVATE_MEDIA_PREFIXES):
        raise Http404("文件不存在")
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
