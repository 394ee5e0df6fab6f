"""Pages of inspections, one module per area (each area's owner keeps its own list)."""

from django.urls import URLPattern

from . import urls_checklists, urls_checks, urls_field, urls_plans, urls_results

app_name = "inspections"

urlpatterns: list[URLPattern] = [
    *urls_checklists.urlpatterns,
    *urls_plans.urlpatterns,
    *urls_checks.urlpatterns,
    *urls_field.urlpatterns,
    *urls_results.urlpatterns,
]
