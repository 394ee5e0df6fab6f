"""Fixtures of the file and export sweeps: the case, indicator and map fixtures of the apps, reused."""

from chuangcheng.cases.tests.conftest import categories, frozen, garbage, grid, make, media, road  # noqa: F401
from chuangcheng.indicators.tests.conftest import campaign, framework, task_factory  # noqa: F401
