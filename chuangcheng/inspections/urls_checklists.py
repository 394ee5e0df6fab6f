"""Pages of inspections: the office's checklist pages: list, edit, .xlsx import/export."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
