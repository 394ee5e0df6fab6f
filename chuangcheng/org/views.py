from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from chuangcheng.core.types import AuthedRequest

from .choices import Role, UnitKind
from .forms import ThrottledLoginForm
from .models import LoginFailure
from .selectors import get_unit_for_user, person_list_for_user, unit_list_for_user


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        LoginFailure.objects.filter(username=form.get_user().username).delete()
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "org/password_change.html"
    success_url = reverse_lazy("org:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "org/password_change_done.html"


@login_required
def unit_tree(request: AuthedRequest) -> HttpResponse:
    filters = request.GET.dict()
    units = list(unit_list_for_user(user=request.user, filters=filters))
    return render(request, "org/unit_tree.html", {"units": units, "kinds": UnitKind.choices, "filters": filters})


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    people = person_list_for_user(user=request.user, filters={"unit": unit.pk})
    return render(request, "org/unit_detail.html", {"unit": unit, "people": people})


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    filters = request.GET.dict()
    people = person_list_for_user(user=request.user, filters=filters)[:500]
    return render(request, "org/person_list.html", {"people": people, "roles": Role.choices, "filters": filters})
