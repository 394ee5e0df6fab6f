from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from chuangcheng.api import api
from chuangcheng.core.views import public_media
from chuangcheng.org.forms import ThrottledAdminLoginForm
from chuangcheng.org.views import admin_password_change

admin.site.site_header = "创城平台管理后台"
admin.site.site_title = "创城平台"
# The admin login goes through the same throttle as the login page (LoginBackend) and words
# a lockout the same way.
admin.site.login_form = ThrottledAdminLoginForm
admin.site.password_change = admin_password_change  # type: ignore[method-assign,assignment]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("chuangcheng.home.urls")),
    path("", include("chuangcheng.core.urls")),
    path("accounts/", include("chuangcheng.org.urls")),
    path("places/io/", include("chuangcheng.places.urls_io")),
    path("places/", include("chuangcheng.places.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("inbox/", include("chuangcheng.notifications.urls")),
    path("cases/", include("chuangcheng.cases.urls")),
    path("indicators/", include("chuangcheng.indicators.urls")),
    path("inspections/", include("chuangcheng.inspections.urls")),
    path("appraisal/", include("chuangcheng.appraisal.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:
    from chuangcheng.cases.bench_views import bare_intake

    urlpatterns.append(path("bench/cases/bare", bare_intake, name="bench_bare_intake"))

if settings.MEDIA_URL.startswith("/"):
    # Public uploads only; case photos go through cases:photo, which checks the viewer's scope.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", public_media)]
