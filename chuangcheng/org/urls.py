from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/aliases/", views.unit_aliases, name="unit_aliases"),
    path("units/groups/", views.unit_set_list_page, name="unit_sets"),
    path("units/groups/new/", views.unit_set_edit, name="unit_set_create"),
    path("units/groups/<int:pk>/", views.unit_set_edit, name="unit_set_edit"),
    path("people/", views.person_list, name="person_list"),
    path("audit/", views.audit_log, name="audit_log"),
]
