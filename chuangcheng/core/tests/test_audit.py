"""The audit log itself: one entry per holiday-table write and admin edit; append-only; no secrets.

The apps' services are checked in ``chuangcheng/tests/test_audit.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from chuangcheng.core import services as calendar
from chuangcheng.core.audit import log_action
from chuangcheng.core.models import HolidayOverride
from chuangcheng.core.tests import audit_helpers
from chuangcheng.core.tests.audit_helpers import only_entry

pytestmark = pytest.mark.django_db

fresh_log, root = audit_helpers.fresh_log, audit_helpers.root  # the shared fixtures


def test_holiday_save_delete_and_prefill_are_logged(world):
    day = dt.date(2027, 5, 6)
    override, _ = calendar.holiday_save(day=day, is_workday=True, by=world.office, name="调休")
    assert only_entry(action="core.holiday.save").data["is_workday"] == [None, True]
    calendar.holiday_delete(override=override, by=world.office)
    assert only_entry(action="core.holiday.delete").object_repr == str(override)
    result = calendar.holidays_prefill(year=2025, by=world.office)
    assert only_entry(action="core.holiday.prefill").data["added"] == result.added


def test_the_system_may_act_and_secrets_never_land(world):
    entry = log_action(world.town_a, "core.test", by=None, data={"password": "x", "name": "y"})
    assert entry.by is None and entry.data == {"name": "y"}


def test_entries_are_append_only(world):
    entry = log_action(world.town_a, "core.test", by=world.office)
    with pytest.raises(ValueError):
        entry.save()


def test_an_admin_change_writes_one_admin_entry_naming_the_fields(client, root):
    override = HolidayOverride.objects.create(date=dt.date(2027, 1, 1), name="元旦")
    client.force_login(root)
    form = {"date": "2027-01-01", "name": "元旦节", "note": ""}
    response = client.post(f"/admin/core/holidayoverride/{override.pk}/change/", form)
    assert response.status_code == 302
    entry = only_entry()
    assert (entry.action, entry.by, entry.object_id) == ("admin.change", root, str(override.pk))
    assert "名称" in entry.data["change"]
