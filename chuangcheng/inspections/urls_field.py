"""Pages of inspections: the street roles' phone pages: today's list, nearby sites, the inspection form."""

from django.urls import URLPattern, path

from . import views_field

urlpatterns: list[URLPattern] = [
    path("field/", views_field.today, name="field_today"),
    path("field/nearby/", views_field.nearby, name="field_nearby"),
    path("field/site/<int:pk>/", views_field.site_form, name="field_site"),
    path("field/segment/<int:pk>/", views_field.segment_form, name="field_segment"),
    path("field/done/", views_field.done, name="field_done"),
]
