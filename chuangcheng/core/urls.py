from django.urls import path

from . import offline, security, tiles, views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("tiles/<int:z>/<int:x>/<int:y>.<str:ext>", tiles.tile, name="tile"),
    path("csp-report", security.csp_report, name="csp_report"),
    path("calendar/holidays/", views.holidays, name="holidays"),
    path("calendar/holidays/add/", views.holiday_add, name="holiday_add"),
    path("calendar/holidays/import/", views.holiday_import, name="holiday_import"),
    path("calendar/holidays/<int:pk>/delete/", views.holiday_remove, name="holiday_delete"),
    path("calendar/holidays/notice/", views.holiday_notice_preview, name="holiday_notice_preview"),
    path("calendar/holidays/notice/save/", views.holiday_notice_save, name="holiday_notice_save"),
    path("calendar/holidays/apply-library/", views.holiday_apply_library, name="holiday_apply_library"),
]
