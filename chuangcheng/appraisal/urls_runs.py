"""Pages: runs (the list, a run, a unit's figures and traced lists, 我的考核, the scheme, the
office's actions, the bulletin editor and downloads, the .xlsx)."""

from django.urls import URLPattern, path

from . import views
from . import views_office as office

RUN = "runs/<int:pk>/"
UNIT = RUN + "units/<int:unit_pk>/"

urlpatterns: list[URLPattern] = [
    path("", views.run_list, name="runs"),
    path("mine/", views.mine, name="mine"),
    path("scheme/<int:pk>/", office.scheme, name="scheme"),
    path("scheme/<int:pk>/components/<int:component_pk>/", office.scheme_component, name="scheme_component"),
    path(RUN, views.run_detail, name="run"),
    path(RUN + "export.xlsx", views.run_xlsx, name="run_xlsx"),
    path(RUN + "recompute/", office.recompute, name="recompute"),
    path(RUN + "adjustments/", office.adjustment_add, name="adjustment_add"),
    path(RUN + "adjustments/<int:item_pk>/remove/", office.adjustment_remove, name="adjustment_remove"),
    path(RUN + "adjustments/<int:item_pk>/evidence/", office.adjustment_evidence, name="adjustment_evidence"),
    path(RUN + "comments/", office.comment_add, name="comment_add"),
    path(RUN + "publish/", office.publish, name="publish"),
    path(RUN + "correct/", office.correct, name="correct"),
    path(RUN + "discard/", office.discard, name="discard"),
    path(RUN + "bulletin/", office.bulletin, name="bulletin"),
    path(RUN + "bulletin/cases/", office.typical_add, name="typical_add"),
    path(RUN + "bulletin/cases/<int:item_pk>/remove/", office.typical_remove, name="typical_remove"),
    path(RUN + "bulletin.docx", office.bulletin_docx, name="bulletin_docx"),
    path(RUN + "bulletin.pdf", office.bulletin_pdf, name="bulletin_pdf"),
    path(UNIT, views.unit_detail, name="unit"),
    path(UNIT + "trace/<str:kind>/<str:part>/", views.trace, name="trace"),
]
