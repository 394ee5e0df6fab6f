"""The office sets up campaigns: name, level, framework edition, pass line, readiness weights, milestones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chuangcheng.core.web import form_errors
from chuangcheng.org.types import AuthedRequest

from . import access, services
from .forms_campaigns import CampaignForm, MilestoneFormSet
from .models import Campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedRequest) -> HttpResponse:
    return _campaign_form(request, Campaign())


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedRequest, code: str) -> HttpResponse:
    return _campaign_form(request, get_object_or_404(Campaign, code=code))


def _campaign_form(request: AuthedRequest, campaign: Campaign) -> HttpResponse:
    if not access.can_manage_tasks(request.user):
        raise PermissionDenied(_("只有创建办可以设置创建项目"))
    is_new = campaign.pk is None
    initial = (
        [{"kind": m.kind, "name": m.name, "date": m.date, "note": m.note} for m in campaign.milestones.all()]
        if not is_new
        else []
    )
    form = CampaignForm(request.POST or None, instance=campaign)
    milestones = MilestoneFormSet(request.POST or None, initial=initial, prefix="milestones")
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        rows = [services.MilestoneIn(**row) for row in milestones.cleaned_data if row]
        with form_errors(form):
            saved = services.campaign_save(campaign=form.save(commit=False), by=request.user, milestones=rows)
            messages.success(request, _("已保存创建项目 %(name)s") % {"name": saved.name})
            return redirect("indicators:campaigns")
    context = {"form": form, "milestones": milestones, "campaign": campaign, "is_new": is_new}
    return render(request, "indicators/campaign_form.html", context)
