from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from chuangcheng.api import api

admin.site.site_header = "创城平台管理后台"
admin.site.site_title = "创城平台"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("chuangcheng.core.urls")),
    path("accounts/", include("chuangcheng.org.urls")),
    path("places/io/", include("chuangcheng.places.urls_io")),
    path("places/", include("chuangcheng.places.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("inbox/", include("chuangcheng.notifications.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploaded files; in production nginx or object storage serves them instead.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
