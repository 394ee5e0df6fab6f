"""JSON API of inspections, mounted at /api/inspections/: one router per area."""

from ninja import Router

from .api_checklists import router as checklists_router
from .api_checks import router as checks_router
from .api_field import router as field_router
from .api_plans import router as plans_router
from .api_results import router as results_router

router = Router()
router.add_router("", checklists_router)
router.add_router("", plans_router)
router.add_router("", checks_router)
router.add_router("", field_router)
router.add_router("", results_router)
