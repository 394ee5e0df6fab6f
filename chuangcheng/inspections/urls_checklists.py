"""Pages of inspections: the office's checklist pages: list, edit, .xlsx import/export."""

from django.urls import URLPattern, path

from . import views_checklists as views

urlpatterns: list[URLPattern] = [
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/import/", views.checklist_import, name="checklist_import"),
    path("checklists/export.xlsx", views.checklist_export, name="checklist_export"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/active/", views.checklist_active, name="checklist_active"),
    path("checklists/<int:pk>/items/new/", views.item_create, name="checklist_item_create"),
    path("checklists/items/<int:pk>/edit/", views.item_edit, name="checklist_item_edit"),
    path("checklists/items/<int:pk>/active/", views.item_active, name="checklist_item_active"),
    path("checklists/items/<int:pk>/move/", views.item_move, name="checklist_item_move"),
    path("checklists/items/<int:pk>/indicators/", views.item_indicators, name="checklist_item_indicators"),
]
