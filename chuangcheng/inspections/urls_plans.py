"""Pages of inspections: patrol rules, the daily routes, 周检查 and 模拟测评 plans, their calendar and progress."""

from django.urls import URLPattern, path

from . import views_plans

urlpatterns: list[URLPattern] = [
    # ---- 日巡查 ----
    path("patrol-rules/", views_plans.patrol_rules, name="patrol_rules"),
    path("patrol-rules/new/", views_plans.patrol_rule_create, name="patrol_rule_create"),
    path("patrol-rules/<int:pk>/edit/", views_plans.patrol_rule_edit, name="patrol_rule_edit"),
    path("patrol-rules/<int:pk>/deactivate/", views_plans.patrol_rule_deactivate, name="patrol_rule_deactivate"),
    path("patrols/", views_plans.patrol_calendar, name="patrol_calendar"),
    path("patrols/generate/", views_plans.patrol_generate, name="patrol_generate"),
    path("patrols/<str:day>/", views_plans.patrol_day, name="patrol_day"),
]
