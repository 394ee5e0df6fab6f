"""The guarded state change every app's services make: one conditional UPDATE, one event row.

A transition applies only to the row as it was read (its status and, where the model has one,
its version), so two people acting on the same object at once cannot both succeed: the second
UPDATE matches no row and its author gets a clear message instead of silently overwriting the
first. The service then appends one event row: history is data.

Generic over the model (core imports no app of ours): a model qualifies with a ``status`` field
with choices and an ``updated_at`` column; a ``version`` column, where there is one, is checked
and bumped too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import DomainError

Event = TypeVar("Event", bound=models.Model)
States = str | Iterable[str]


class Stateful(Protocol):
    """A model row with a ``status`` choices field (Django gives it ``get_status_display``)."""

    objects: ClassVar[models.Manager[Any]]
    pk: Any
    status: str

    def get_status_display(self) -> str: ...

    def refresh_from_db(self) -> None: ...


def now() -> dt.datetime:
    """The services' clock, in one place (tests freeze it with time_machine)."""
    return timezone.now()


def require_status(obj: Stateful, *, allowed_from: States, noun: str | Promise, action_label: str) -> None:
    """Refuse ``action_label`` unless ``obj`` is in one of the ``allowed_from`` states (or in that one state).

    ``noun`` names the object in the message (案卷, 任务, 督办单…): pass it through
    ``pgettext_lazy("transition", …)``, as the action label through ``pgettext("transition", …)``.
    """
    # One state is a string, and a string is an iterable of its letters: never match those.
    allowed = {allowed_from} if isinstance(allowed_from, str) else set(allowed_from)
    if obj.status not in allowed:
        raise DomainError(
            _("%(noun)s当前状态为“%(status)s”，不能%(action)s")
            % {"noun": noun, "status": obj.get_status_display(), "action": action_label},
            code="conflict",
        )


def apply_transition(
    obj: Stateful, *, allowed_from: States, noun: str | Promise, action_label: str, **changes: Any
) -> str:
    """Write ``changes`` to ``obj`` only if nobody moved it since it was read; returns the status it left.

    Refuses (``DomainError``, code ``conflict``) when its state does not allow the action, or
    when another writer got there first; then nothing is written and ``obj`` holds the row as
    it is now. On success ``obj`` carries the changes and its new version.
    """
    require_status(obj, allowed_from=allowed_from, noun=noun, action_label=action_label)
    from_status = obj.status
    # A row without a version column (e.g. a supervision notice) is guarded by its status alone.
    version: int | None = getattr(obj, "version", None)
    match: dict[str, Any] = {"pk": obj.pk, "status": from_status}
    values: dict[str, Any] = {"updated_at": now(), **changes}
    after = dict(changes)
    if version is not None:
        match["version"] = version
        values["version"] = F("version") + 1
        after["version"] = version + 1
    if not type(obj).objects.filter(**match).update(**values):
        obj.refresh_from_db()
        raise DomainError(
            _("%(noun)s刚刚已被他人处理（当前状态：%(status)s），请刷新后再试")
            % {"noun": noun, "status": obj.get_status_display()},
            code="conflict",
        )
    for name, value in after.items():
        setattr(obj, name, value)
    return from_status


def record_event(
    model: type[Event],
    *,
    subject_field: str,
    subject: Stateful,
    action: str,
    by: AbstractBaseUser | AnonymousUser | None,
    from_status: str,
    at: dt.datetime | None = None,
    **fields: Any,
) -> Event:
    """Append the event row of one change of ``subject`` (to its status as it is now).

    ``subject_field`` is the event's foreign key to the subject; ``by`` None or anonymous (a
    citizen, a scheduled scan) is recorded as no actor; ``at`` defaults to now.
    """
    return model._default_manager.create(
        **{subject_field: subject},
        action=action,
        actor=by if by is not None and by.is_authenticated else None,
        at=at or now(),
        from_status=from_status,
        to_status=subject.status,
        **fields,
    )
