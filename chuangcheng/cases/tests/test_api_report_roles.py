"""Who may report a problem through the API: the same roles as on the report page."""

from __future__ import annotations

import pytest

from chuangcheng.cases.models import Case

from .api_helpers import LAT, LON, make_category


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(client, category):
    data = {"source": "patrol", "category": category.pk, "description": "路边有暴露垃圾", "lon": LON, "lat": LAT}
    return client.post("/api/cases/", data, headers={"Idempotency-Key": "key-1"})


@pytest.mark.parametrize("persona", ["leader", "admin_a", "handler_a"])
def test_a_role_the_report_page_refuses_cannot_report_through_the_api(client, world, persona):
    category = make_category()
    client.force_login(getattr(world, persona))

    response = report(client, category)

    assert response.status_code == 403
    assert "没有上报问题的权限" in response.json()["detail"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "volunteer", "chief_a", "supervisor", "office"])
def test_the_street_roles_supervision_and_the_office_report_through_the_api(client, world, persona):
    client.force_login(getattr(world, persona))

    assert report(client, make_category()).status_code == 201
