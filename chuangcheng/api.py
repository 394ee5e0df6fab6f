"""The JSON API: one NinjaAPI, each app contributes a router from its api.py."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from chuangcheng.cases.api import router as cases_router
from chuangcheng.core.errors import DomainError
from chuangcheng.indicators.api import router as indicators_router
from chuangcheng.notifications.api import router as notifications_router
from chuangcheng.org.api import router as org_router
from chuangcheng.places.api import router as places_router

api = NinjaAPI(
    title="创城 chuangcheng API",
    version="1",
    description="三城同创工作平台的 JSON 接口。登录后使用（会话 Cookie + CSRF）。",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/org/", org_router)
api.add_router("/places/", places_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/cases/", cases_router)
api.add_router("/indicators/", indicators_router)

# A DomainError is a 400 unless its code says more: the actor may not do this (403), or the
# object changed under them (409, e.g. another dispatcher acted first).
DOMAIN_ERROR_STATUS = {"forbidden": 403, "conflict": 409}


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):  # type: ignore[no-untyped-def]
    status = DOMAIN_ERROR_STATUS.get(exc.code, 400)
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):  # type: ignore[no-untyped-def]
    # The selectors' messages ("路段不存在") are the same for a missing and an unseen object.
    return api.create_response(request, {"detail": str(exc) or _("不存在")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc) or _("没有权限")}, status=403)
