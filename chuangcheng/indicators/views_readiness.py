"""Readiness pages (自查自纠 · 迎检): a campaign's predicted score, its gaps with causes and units, the trend.

Read-only and county-wide: the office, the supervision office and the leaders (and the
superuser) see them; any other role gets 403. An unknown campaign code is a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chuangcheng.core.web import map_context
from chuangcheng.org.types import AuthedRequest

from .access import can_see_readiness
from .models import Campaign
from .readiness import CampaignReadiness, NodeReadiness, compute_readiness, overview, points, trend

CHART_GAPS = 15
CHART_UNITS = 15
# The gap table lists this many standards unless ?all=1 (a national framework has hundreds).
TABLE_GAPS = 50


def _require(request: AuthedRequest) -> None:
    if not can_see_readiness(request.user):
        raise PermissionDenied(_("只有创建办、督查室和县领导可以查看达标预测"))


@login_required
@require_GET
def readiness_overview(request: AuthedRequest) -> HttpResponse:
    """Every active campaign's predicted total against its pass line."""
    _require(request)
    return render(request, "indicators/readiness_overview.html", {"rows": overview()})


@login_required
@require_GET
def readiness_page(request: AuthedRequest, code: str) -> HttpResponse:
    """One campaign: summary, charts (gap by indicator, trend, by unit), gaps with causes, formula."""
    _require(request)
    campaign = get_object_or_404(Campaign, code=code)
    as_of = _as_of(request)
    readiness = compute_readiness(campaign, as_of=as_of)
    gaps = readiness.leaves_by_gap()
    show_all = request.GET.get("all") == "1"
    context = {
        "campaign": campaign,
        "r": readiness,
        "as_of": as_of,
        "gaps": gaps if show_all else gaps[:TABLE_GAPS],
        "gap_count": len(gaps),
        "gaps_cut": not show_all and len(gaps) > TABLE_GAPS,
        "charts": _charts(readiness, gaps),
        "formula": _formula(campaign),
        "field_nodes": readiness.field_nodes(),
        "field_points": _field_points(readiness),
        **map_context(),
    }
    return render(request, "indicators/readiness.html", context)


def _field_points(readiness: CampaignReadiness) -> dict[str, Any]:
    """The places where field checks failed a node's items, one point per place (GeoJSON for the map)."""
    places: dict[tuple[float, float], dict[str, Any]] = {}
    for node, failure in readiness.field_failures():
        if failure.lon is None or failure.lat is None:
            continue
        entry = places.setdefault(
            (failure.lon, failure.lat), {"place": failure.place, "url": failure.url, "failures": 0, "items": []}
        )
        entry["failures"] += failure.count
        entry["items"].append(f"{node.code} {failure.item}×{failure.count}")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "kind": "place",
                "name": e["place"],
                "label": f"{e['place']}：{'；'.join(e['items'][:4])}",
                "failures": e["failures"],
                "url": e["url"],
            },
        }
        for (lon, lat), e in places.items()
    ]
    return {"type": "FeatureCollection", "features": features}


def _as_of(request: AuthedRequest) -> dt.date | None:
    """``?as_of=YYYY-MM-DD`` looks back at a past day; a bad or future date is refused with a message."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("日期格式不正确（应为 年-月-日），已显示当前预测"))
        return None
    if day >= timezone.localdate():
        if day > timezone.localdate():
            messages.error(request, _("不能预测未来的日期，已显示当前预测"))
        return None
    return day


def _label(node: NodeReadiness) -> str:
    return f"{node.code} {node.name}"


def _charts(readiness: CampaignReadiness, gaps: list[NodeReadiness]) -> dict[str, Any]:
    top = gaps[:CHART_GAPS]
    snapshots = trend(readiness.campaign, today=readiness.as_of)
    units = [u for u in readiness.by_unit if u.gap > 0][:CHART_UNITS]
    return {
        "gaps": {
            "labels": [_label(n) for n in top],
            "gap": [float(points(n.gap)) for n in top],
            "predicted": [float(points(n.predicted)) for n in top],
        },
        "trend": {
            "dates": [s.taken_on.isoformat() for s in snapshots],
            "predicted": [float(s.predicted_total) for s in snapshots],
            "pass_score": float(readiness.pass_score),
            "max": float(points(readiness.max_total)),
        },
        "units": {
            "labels": [u.name for u in units],
            "task_gap": [float(points(u.task_gap)) for u in units],
            "case_gap": [float(points(u.case_gap)) for u in units],
        },
        "text": {
            "gap": _("差距"),
            "predicted": _("预测得分"),
            "pass": _("达标线"),
            "task_gap": _("任务差距"),
            "case_gap": _("问题差距"),
            "empty": _("暂无数据"),
        },
    }


def _formula(campaign: Campaign) -> dict[str, Any]:
    """The campaign's weights, ready to be printed in the formula explanation."""
    return {
        "w": campaign.task_weight,
        "one_minus_w": Decimal(1) - campaign.task_weight,
        "overdue_keep": Decimal(1) - campaign.overdue_task_penalty,
        "overdue_pct": _percent(campaign.overdue_task_penalty),
        "evidence_keep": Decimal(1) - campaign.missing_evidence_penalty,
        "evidence_pct": _percent(campaign.missing_evidence_penalty),
        "untasked": campaign.untasked_credit,
        "tolerance": campaign.case_tolerance,
        "factor": campaign.overdue_case_factor,
    }


def _percent(share: Decimal) -> str:
    """0.50 → "50", 0.125 → "12.5"."""
    value = share * 100
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
