"""Pages of inspections: an inspection's detail and the results by type, unit, town and indicator."""

from django.urls import URLPattern, path

from . import views_results as views

urlpatterns: list[URLPattern] = [
    path("records/", views.inspection_list, name="list"),
    path("records/<int:pk>/", views.inspection_detail, name="detail"),
    path("photo/<int:pk>/", views.photo, name="photo"),
    path("photo/<int:pk>/thumb/", views.photo_thumb, name="photo_thumb"),
    path("results/", views.results, name="results"),
    path("results/export.xlsx", views.results_export, name="results_export"),
]
