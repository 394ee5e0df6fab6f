"""Pages of 周检查 and 模拟测评: the list, drafting, teams and sharing, starting, closing, progress."""

from django.urls import URLPattern, path

from . import views_checks as views

urlpatterns: list[URLPattern] = [
    path("checks/", views.check_list, name="check_list"),
    path("checks/new/", views.check_create, name="check_create"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/<int:pk>/sample/", views.check_sample, name="check_sample"),
    path("checks/<int:pk>/team/", views.check_team, name="check_team"),
    path("checks/<int:pk>/assign/", views.check_assign, name="check_assign"),
    path("checks/<int:pk>/activate/", views.check_activate, name="check_activate"),
    path("checks/<int:pk>/close/", views.check_close, name="check_close"),
    path("checks/<int:pk>/progress/", views.check_progress, name="check_progress"),
]
