"""Any saved or deleted map object (also through the admin) marks the routing index stale."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Grid, RoadSegment, Site
from .routing import bump_revision


@receiver(post_save, sender=RoadSegment)
@receiver(post_save, sender=Grid)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=RoadSegment)
@receiver(post_delete, sender=Grid)
@receiver(post_delete, sender=Site)
def map_changed(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if kwargs.get("raw"):
        return
    # One bump per transaction, however many rows it saved.
    if not any(entry[1] is bump_revision for entry in connection.run_on_commit):
        transaction.on_commit(bump_revision)
