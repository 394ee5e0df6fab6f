"""Any saved or deleted map object or unit (also through the admin) marks the routing index stale."""

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chuangcheng.org.models import Unit

from .models import Grid, RoadSegment, Site
from .routing import bump_revision


@receiver(post_save, sender=RoadSegment)
@receiver(post_save, sender=Grid)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=RoadSegment)
@receiver(post_delete, sender=Grid)
@receiver(post_delete, sender=Site)
def map_changed(sender: type, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        _bump_once_on_commit(bump_revision)


@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
def units_changed(sender: type, **kwargs: Any) -> None:
    """The index files every point under its 乡镇/街道, which the unit tree decides."""
    if not kwargs.get("raw"):
        _bump_once_on_commit(_bump_for_units)


def _bump_for_units() -> None:
    """A callable of its own, so that a unit change queued in an outer transaction does not
    count as the bump a later map change in an inner block needs (the check is by identity)."""
    bump_revision()


def _bump_once_on_commit(bump: Callable[[], None]) -> None:
    """One bump per transaction, however many rows it saved."""
    if not any(entry[1] is bump for entry in connection.run_on_commit):
        transaction.on_commit(bump)
