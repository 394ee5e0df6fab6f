"""The case admin cannot move a case's location: segment, grid, site and town decide who sees it."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import RequestFactory

from chuangcheng.cases.models import Case
from chuangcheng.org.models import Person


def test_the_case_admin_offers_no_field_that_decides_who_sees_the_case(db):
    root = Person.objects.create_superuser(username="root", password="x", real_name="运维")
    request = RequestFactory().get("/admin/cases/case/1/change/")
    request.user = root

    fields = site._registry[Case].get_form(request, obj=Case())().fields

    assert not {"unit", "handler", "reporter", "segment", "grid", "site", "town", "lon", "lat"} & set(fields)
