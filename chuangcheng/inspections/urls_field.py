"""Pages of inspections: the street roles' phone pages: today's list, nearby sites, the inspection form."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
