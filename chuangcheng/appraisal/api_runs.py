"""JSON API: runs (filled by its area)."""

from ninja import Router

router = Router(tags=["appraisal"])
