from django.urls import URLPattern, path

from . import views, views_campaigns

app_name = "indicators"

urlpatterns: list[URLPattern] = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views_campaigns.campaign_create, name="campaign_create"),
    path("<str:code>/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review_queue, name="review"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/notice/", views.task_notice, name="task_notice"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("<str:code>/framework/", views.framework, name="framework"),
    path("<str:code>/tasks/new/", views.task_create, name="task_create"),
]

# --- readiness ---
from . import views_readiness  # noqa: E402

urlpatterns += [
    path("readiness/", views_readiness.readiness_overview, name="readiness_overview"),
    path("<str:code>/readiness/", views_readiness.readiness_page, name="readiness"),
]
# --- end readiness ---

# --- io ---
from . import views_io  # noqa: E402

urlpatterns += [
    path("<str:code>/import/framework/", views_io.import_framework_page, name="import_framework"),
    path("<str:code>/import/tasks/", views_io.import_tasks_page, name="import_tasks"),
    path("<str:code>/import/framework/template.xlsx", views_io.template_framework, name="template_framework"),
    path("<str:code>/import/tasks/template.xlsx", views_io.template_tasks, name="template_tasks"),
    path("<str:code>/export/framework.xlsx", views_io.export_framework_xlsx, name="export_framework"),
    path("<str:code>/export/tasks.xlsx", views_io.export_tasks_xlsx, name="export_tasks"),
]
# --- end io ---
