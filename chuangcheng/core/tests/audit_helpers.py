"""Fixtures of the audit-log tests (core's own, and the apps' in ``chuangcheng/tests/test_audit.py``)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from chuangcheng.core.models import AuditEntry


@pytest.fixture(autouse=True)
def fresh_log(world):
    """The world fixture's own writes are logged too; each test reads only its own."""
    AuditEntry.objects.all().delete()


@pytest.fixture
def root(world) -> AbstractUser:
    return get_user_model().objects.create_superuser(username="root", password="x", real_name="运维")


def only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]
