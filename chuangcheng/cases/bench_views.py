"""The write floor for the intake benchmark: only mounted when ``settings.BENCH_ENDPOINTS``.

It inserts the same Case row and CaseEvent row as an intake through ``/api/cases/``, behind the
same middleware (session, CSRF), with none of the rest: no validation, routing, serial code,
idempotency or schema. ``bench/bench_cases.py`` compares the real intake against it.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chuangcheng.org.types import AuthedRequest

from .choices import Action, Status
from .models import Case, CaseEvent


@require_POST
@login_required
def bare_intake(request: AuthedRequest) -> JsonResponse:
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            code=f"BN{uuid.uuid4().hex[:18]}",
            source=request.POST["source"],
            category_id=int(request.POST["category"]),
            description=request.POST["description"],
            lon=float(request.POST["lon"]),
            lat=float(request.POST["lat"]),
            status=Status.REPORTED,
            reporter=request.user,
            reporter_name=request.user.real_name,
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        CaseEvent.objects.create(
            case=case, action=Action.REPORT, actor=request.user, at=now, from_status="", to_status=Status.REPORTED
        )
    return JsonResponse({"id": case.pk}, status=201)
