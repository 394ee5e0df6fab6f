"""What every upload check starts with: the name to show the user and the bytes, within a limit."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _


def display_name(upload: File) -> str:
    # Uploaded names are already reduced to a base name by Django; plain Files may hold a path.
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1] or _("未命名文件")


def read_limited(upload: File, limit: int, too_large: Callable[[int], Exception]) -> bytes:
    """The upload's bytes, refusing before anything is decoded if there are more than ``limit``.

    ``too_large(size)`` builds the error the caller's users should read.
    """
    if upload.size is not None and upload.size > limit:
        raise too_large(upload.size)
    upload.seek(0)
    data = upload.read(limit + 1)  # never trust .size alone: read at most one byte too many
    if len(data) > limit:
        raise too_large(len(data))
    return data


def save_once(name: str, content: ContentFile) -> str:
    """Store content-addressed bytes under ``name`` once; the same bytes again reuse the file."""
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, content)
    if saved != name and default_storage.exists(name):
        # Another request stored the same bytes between exists() and save(): keep one copy.
        default_storage.delete(saved)
    return name
