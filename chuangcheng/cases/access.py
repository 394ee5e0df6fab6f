"""Who may act on a case: the case loop's rules on top of ``org.access.Scope``, scoped by the case's unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext

from chuangcheng.core.errors import DomainError
from chuangcheng.org.access import Scope, require_role, scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

from .choices import Action, ExtensionStatus, Status
from .models import Case


def holds_case(scope: Scope, case: Case) -> bool:
    """The actor is in the unit (or a parent unit) the case is dispatched to, or its named handler.

    The handler named at dispatch may sit in a sub-unit (a community handler for a street's
    case): he does the work on the ground, so he may act on it.
    """
    if case.unit is None or not scope.has_unit_role:
        return False
    if case.handler_id is not None and case.handler_id == scope.person_id:
        return True
    # Covered units are the unit-role memberships only: a road chief's or supervisor's own unit does not count.
    return scope.covers(case.unit)


def require_holder(person: Person, case: Case, *, action: str) -> None:
    scope = require_role(person, *Role.unit_scoped(), action=action)
    if not holds_case(scope, case):
        raise DomainError(f"该案卷不由您的单位办理，不能{action}", code="forbidden")


def require_independent_verifier(person: Person, case: Case) -> None:
    """核查 must be done by the office or supervision, and never by the unit that handled it."""
    scope = require_role(person, Role.OFFICE, Role.SUPERVISOR, action=pgettext("transition", "核查"))
    if scope.works_in(case.unit) or (case.handler_id is not None and case.handler_id == person.pk):
        raise DomainError("处置单位不能核查自己办理的案卷", code="forbidden")


def can_view(scope: Scope, case: Case, person: Person) -> bool:
    if scope.all_units or person.pk in (case.reporter_id, case.handler_id):
        return True
    return scope.sees(case.unit) or (scope.has(Role.ROAD_CHIEF) and _chief_of(case, person))


def _chief_of(case: Case, person: Person) -> bool:
    segment = case.segment
    return segment is not None and person.pk in (segment.chief_id, segment.section_chief_id)


def ensure_visible(person: Person, case: Case) -> None:
    if not can_view(scope_for(person), case, person):
        raise Http404("案卷不存在")


# ---- what the pages offer (buttons and form pages); the services check again ----------------

REPORTER_ROLES = (Role.INSPECTOR, Role.VOLUNTEER, Role.SUPERVISOR, Role.ROAD_CHIEF, Role.OFFICE)


def can_report(person: Person) -> bool:
    """Street roles, supervision and the office report problems from the report form."""
    return scope_for(person).acts_as(*REPORTER_ROLES)


def can_intake(person: Person) -> bool:
    """The intake queue (立案/不予立案/合并) and dispatching belong to the office."""
    return scope_for(person).acts_as(Role.OFFICE)


def _passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def role_actions(person: Person, case: Case) -> frozenset[str]:
    """Actions the person's roles and unit allow on this case, whatever its state."""
    found: set[str] = set()
    if can_intake(person):
        found |= {
            Action.ACCEPT,
            Action.REJECT,
            Action.MERGE,
            Action.DISPATCH,
            Action.SUSPEND,
            Action.RESUME,
            Action.REOPEN,
            Action.EXTENSION_APPROVE,
            Action.EXTENSION_DENY,
        }
    if _passes(lambda: require_holder(person, case, action="")):
        found |= {Action.HANDLE, Action.RETURN, Action.EXTENSION_REQUEST}
    if _passes(lambda: require_independent_verifier(person, case)):
        found |= {Action.VERIFY_PASS, Action.VERIFY_FAIL}
    return frozenset(found)


def _state_allows(case: Case, action: str, *, pending_extension: bool) -> bool:
    if action in {Action.EXTENSION_APPROVE, Action.EXTENSION_DENY}:
        return case.status in Status.with_unit() and pending_extension
    if action == Action.EXTENSION_REQUEST:
        return case.status in Status.with_unit() and not pending_extension
    if action == Action.REOPEN:
        window = dt.timedelta(days=settings.CASE_REOPEN_DAYS)
        return case.status == Status.CLOSED and (case.closed_at is None or timezone.now() - case.closed_at <= window)
    return case.status in STATES_FOR.get(action, ())


STATES_FOR: dict[str, tuple[str, ...]] = {
    Action.ACCEPT: (Status.REPORTED,),
    Action.REJECT: (Status.REPORTED,),
    Action.MERGE: (Status.REPORTED, Status.ACCEPTED),
    Action.DISPATCH: (Status.ACCEPTED, Status.RETURNED),
    Action.RETURN: (Status.DISPATCHED,),
    Action.HANDLE: (Status.DISPATCHED, Status.REWORK),
    Action.VERIFY_PASS: (Status.HANDLED,),
    Action.VERIFY_FAIL: (Status.HANDLED,),
    Action.SUSPEND: (Status.DISPATCHED, Status.REWORK),
    Action.RESUME: (Status.SUSPENDED,),
}


def available_actions(person: Person, case: Case) -> frozenset[str]:
    """The actions to offer on the case page: allowed by role and unit, and possible in its state."""
    allowed = role_actions(person, case)
    if not allowed:
        return frozenset()
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).exists()
    return frozenset(a for a in allowed if _state_allows(case, a, pending_extension=pending))
