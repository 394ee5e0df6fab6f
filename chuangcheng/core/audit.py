"""The audit log: one ``log_action`` that every service calls for a change that is not a domain event.

Case and task histories are their own event tables; this log records the rest (units, people,
roles, the holiday table, categories, campaign settings, imports, admin edits). Callers run it
inside their transaction, so the entry and the change commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver

from chuangcheng.core.models import AuditEntry

# Fields never written to the log, whatever the caller passes.
SECRET_FIELDS = frozenset({"password"})
ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _clean(data: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (data or {}).items() if key not in SECRET_FIELDS}


def log_action(obj: models.Model | None, action: str, *, by: Any, data: dict[str, Any] | None = None) -> AuditEntry:
    """Record ``action`` (e.g. "org.unit.move") on ``obj`` by ``by`` (None: the system)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False) if obj is not None else None
    return AuditEntry.objects.create(
        by=by if getattr(by, "pk", None) else None,
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=_clean(data),
    )


def _value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.is_relation:
        related = getattr(obj, name)
        return str(related) if related is not None else None
    return field.value_from_object(obj)  # type: ignore[union-attr]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` (a related object as its text), to compare with later."""
    return {name: _value(obj, name) for name in fields if name not in SECRET_FIELDS}


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


@receiver(post_save, sender=LogEntry, dispatch_uid="core.audit.admin_entry")
def _admin_entry(sender: type[LogEntry], instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """Every admin add/change/delete of one object also lands here (the admin writes its LogEntry)."""
    if not created:
        return
    AuditEntry.objects.create(
        by_id=instance.user_id,
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        content_type_id=instance.content_type_id,
        object_id=instance.object_id or "",
        object_repr=instance.object_repr[:200],
        data={"change": instance.get_change_message()},
    )


def delete_selected(modeladmin: Any, request: Any, queryset: models.QuerySet) -> Any:
    """Django's bulk-delete action, logged: several LogEntry rows go through bulk_create, which
    sends no post_save, so the receiver above sees only a one-object deletion."""
    doomed = list(queryset) if request.POST.get("post") else []
    response = django_delete_selected(modeladmin, request, queryset)
    if response is None and len(doomed) > 1:  # done (no confirmation page); one object was seen above
        for obj in doomed:
            log_action(obj, ADMIN_ACTIONS[DELETION], by=request.user, data={"change": ""})
    return response


delete_selected.short_description = django_delete_selected.short_description  # type: ignore[attr-defined]
delete_selected.allowed_permissions = django_delete_selected.allowed_permissions  # type: ignore[attr-defined]
