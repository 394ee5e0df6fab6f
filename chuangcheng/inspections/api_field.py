"""JSON API of inspections: the street roles' phone pages: today's list, nearby sites, the inspection form."""

from ninja import Router

router = Router(tags=["现场检查"])
