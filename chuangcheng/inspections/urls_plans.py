"""Pages of inspections: patrol rules, the daily routes, 周检查 and 模拟测评 plans, their calendar and progress."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
