from django.urls import path

from . import views_io

app_name = "places_io"
urlpatterns = [
    path("import/", views_io.import_page, name="import"),
    path("import/<str:kind>/", views_io.import_page, name="import_kind"),
    path("template/<str:kind>.xlsx", views_io.import_template, name="template"),
    path("export/<str:kind>.xlsx", views_io.export_xlsx, name="export_xlsx"),
    path("export/<str:kind>.geojson", views_io.export_geojson, name="export_geojson"),
]
