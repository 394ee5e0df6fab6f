"""Pages of the appraisal, one module per area (each area's owner keeps its own list)."""

from django.urls import URLPattern

from . import urls_runs, urls_yearend

app_name = "appraisal"

urlpatterns: list[URLPattern] = [
    *urls_runs.urlpatterns,
    *urls_yearend.urlpatterns,
]
