"""Pages: the year-end lists (年终评定)."""

from django.urls import URLPattern, path

from . import views_yearend as views

urlpatterns: list[URLPattern] = [
    path("year-end/", views.yearend, name="yearend"),
    path("year-end/build/", views.yearend_build, name="yearend_build"),
    path("year-end/<int:pk>/", views.yearend_list, name="yearend_list"),
    path("year-end/<int:pk>/confirm/", views.yearend_confirm, name="yearend_confirm"),
    path("year-end/<int:pk>/docx/", views.yearend_docx, name="yearend_docx"),
    path("year-end/entries/<int:pk>/toggle/", views.yearend_entry_toggle, name="yearend_entry_toggle"),
]
