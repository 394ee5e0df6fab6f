"""Pages of inspections: an inspection's detail and the results by type, unit, town and indicator."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
