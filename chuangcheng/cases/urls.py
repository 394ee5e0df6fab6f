from django.urls import path

from . import views, views_categories

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("report/", views.report, name="report"),
    path("intake/", views.intake, name="intake"),
    path("todo/", views.todo, name="todo"),
    path("categories/", views_categories.category_list, name="category_list"),
    path("categories/new/", views_categories.category_create, name="category_create"),
    path("categories/import/", views_categories.category_import, name="category_import"),
    path("categories/export.xlsx", views_categories.category_export, name="category_export"),
    path("categories/<int:pk>/edit/", views_categories.category_edit, name="category_edit"),
    path("photo/<int:pk>/", views.photo, name="photo"),
    path("photo/<int:pk>/thumb/", views.photo_thumb, name="photo_thumb"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:pk>/return/", views.return_case, name="return"),
    path("<int:pk>/handle/", views.handle, name="handle"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/decide/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
