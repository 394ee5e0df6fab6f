"""JSON API of inspections: an inspection's detail and the results by type, unit, town and indicator."""

from ninja import Router

router = Router(tags=["检查结果"])
