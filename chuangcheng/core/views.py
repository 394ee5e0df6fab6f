from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from chuangcheng.core.types import AuthedRequest
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.places import selectors as places


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """One home page whose panels depend on the roles the user holds."""
    scope = scope_for(request.user)
    context = {
        "scope": scope,
        "Role": Role,
        "segment_count": places.segment_list_for_user(user=request.user).count(),
        "site_count": places.site_list_for_user(user=request.user).count(),
        "grid_count": places.grid_list_for_user(user=request.user).count(),
        "shop_count": places.shop_list_for_user(user=request.user).count(),
    }
    if scope.has(Role.ROAD_CHIEF):
        context["my_segments"] = places.segment_list_for_user(user=request.user, filters={"chief": request.user.pk})[
            :10
        ]
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
