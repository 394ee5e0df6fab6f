"""How inspections score an indicator (实地考察): the pass rate of its checklist items. The one definition.

An indicator node is linked to checklist items (``ChecklistItem.indicators``). Over a set of
inspections, a node's pass rate is passed / (passed + failed) of the results of its items
(不适用 counts neither way); its predicted field score is ``max_score × pass rate``. A node
none of whose items was checked has no rate (``None``), not zero: nobody looked.
Readiness (over the campaign's window), a 模拟测评's prediction (over the plan's inspections)
and the results pages all read these figures from here, in one grouped query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from .choices import Outcome
from .models import CampaignInspectionSettings, Inspection, InspectionResult

DEFAULT_WINDOW_DAYS = 30
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PassRate:
    """What inspections found on one indicator node's items."""

    passed: int
    failed: int

    @property
    def checked(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> Decimal | None:
        """passed / checked, or None when nothing was checked."""
        if not self.checked:
            return None
        return Decimal(self.passed) / Decimal(self.checked)

    def predicted(self, max_score: Decimal) -> Decimal | None:
        """The field score this pass rate predicts for a node worth ``max_score``, to the cent."""
        rate = self.rate
        if rate is None:
            return None
        return (max_score * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def indicator_pass_rates(
    inspections: QuerySet[Inspection], *, node_ids: Iterable[int] | None = None, campaign_id: int | None = None
) -> dict[int, PassRate]:
    """Pass rate per indicator node id over ``inspections`` (nodes with no checked item are absent).

    ``node_ids`` limits it to some nodes, ``campaign_id`` to one campaign's nodes: prefer the
    latter for a whole campaign (a list of hundreds of ids is probed once per result row).
    """
    results = InspectionResult.objects.filter(
        inspection__in=inspections.values("pk"), outcome__in=[Outcome.PASS, Outcome.FAIL]
    )
    # One filter() on the item's indicators: a second one would join the link table again and
    # count a result once per (link × link) of an item linked to several nodes.
    linked: dict[str, object] = {"item_version__item__indicators__isnull": False}
    if node_ids is not None:
        linked = {"item_version__item__indicators__in": list(node_ids)}
    if campaign_id is not None:
        linked["item_version__item__indicators__campaign_id"] = campaign_id
    results = results.filter(**linked)
    rows = (
        results.values(node=F("item_version__item__indicators"))
        .annotate(
            passed=Count("pk", filter=Q(outcome=Outcome.PASS)),
            failed=Count("pk", filter=Q(outcome=Outcome.FAIL)),
        )
        .order_by()
    )
    return {row["node"]: PassRate(passed=row["passed"], failed=row["failed"]) for row in rows}


def window_days(campaign_id: int) -> int:
    """How many days of inspections readiness counts for a campaign (its setting, else 30)."""
    setting = CampaignInspectionSettings.objects.filter(campaign_id=campaign_id).first()
    return setting.window_days if setting else DEFAULT_WINDOW_DAYS


def inspections_in_window(campaign_id: int, *, as_of: dt.date | None = None) -> QuerySet[Inspection]:
    """The inspections readiness reads for a campaign: those submitted in its window up to the end of ``as_of``."""
    day = as_of or timezone.localdate()
    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    start = end - dt.timedelta(days=window_days(campaign_id))
    return Inspection.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
