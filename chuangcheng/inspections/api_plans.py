"""JSON API of inspections: patrol rules, the daily routes, 周检查 and 模拟测评 plans, their calendar and progress."""

from ninja import Router

router = Router(tags=["检查计划"])
