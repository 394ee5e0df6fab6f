"""The home page: the calendar warning for a year nobody has filled, the office's links."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chuangcheng.conftest import PROVISIONAL_2027
from chuangcheng.core.models import HolidayOverride


@pytest.mark.parametrize("persona", ["office", "leader"])
def test_home_tells_2027_is_provisional_until_the_office_fills_it_and_it_is_no_alarm(client, world, late_2026, persona):
    client.force_login(getattr(world, persona))

    page = client.get(reverse("home:home")).content.decode()

    assert "节假日暂定" in page and PROVISIONAL_2027 in page and "请在国务院公布后录入" in page
    assert "节假日未录入" not in page and 'role="alert"' not in page and "派遣将被拒绝" not in page
    if persona == "office":
        assert reverse("core:holidays") in page

    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    page = client.get(reverse("home:home")).content.decode()

    assert "节假日暂定" not in page and PROVISIONAL_2027 not in page


def test_home_links_the_office_to_intake_categories_and_holidays(client, world, late_2026):
    client.force_login(world.office)

    page = client.get(reverse("home:home")).content.decode()

    for url in (reverse("cases:intake"), reverse("cases:category_list"), reverse("core:holidays")):
        assert f'href="{url}"' in page


def test_a_unit_admin_sees_no_calendar_warning(client, world, late_2026):
    client.force_login(world.admin_a)

    page = client.get(reverse("home:home")).content.decode()

    assert "节假日未录入" not in page and PROVISIONAL_2027 not in page
