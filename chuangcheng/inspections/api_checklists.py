"""JSON API of inspections: the office's checklist pages: list, edit, .xlsx import/export."""

from ninja import Router

router = Router(tags=["检查表"])
