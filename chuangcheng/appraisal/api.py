"""JSON API of the appraisal, mounted at /api/appraisal/: one router per area."""

from ninja import Router

from .api_runs import router as runs_router
from .api_yearend import router as yearend_router

router = Router()
router.add_router("", runs_router)
router.add_router("", yearend_router)
