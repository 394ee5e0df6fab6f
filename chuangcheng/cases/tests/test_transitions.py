"""Every transition of the case loop: who may make it, from which states, and what it leaves behind."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.http import Http404

from chuangcheng.cases import access, selectors, services
from chuangcheng.cases.choices import Action, ExtensionStatus, PhotoKind, Status
from chuangcheng.cases.models import Case, CaseEvent, CasePhoto, ExtensionRequest
from chuangcheng.conftest import World
from chuangcheng.core.errors import DomainError
from chuangcheng.notifications.models import Notification
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person
from chuangcheng.org.services import membership_grant

from .conftest import Maker, photo, snapshot

PERSONAS = [
    "office",
    "supervisor",
    "leader",
    "admin_a",
    "admin_b",
    "handler_a",
    "chief_a",
    "chief_b",
    "inspector",
    "volunteer",
]
OFFICE = {"office"}
HOLDERS = {"admin_a", "handler_a"}  # town_a's liaison, and the community handler named at dispatch
VERIFIERS = {"office", "supervisor"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _request_extension(case: Case, world: World) -> ExtensionRequest:
    return services.extension_request(
        case=case, by=world.admin_a, amount=Decimal("1"), time_unit="work_days", reason="需要协调环卫车辆"
    )


def _other_report(case: Case) -> Case:
    return Case.objects.filter(status=Status.REPORTED).exclude(pk=case.pk).latest("pk")


@dataclass(frozen=True)
class Transition:
    """One service call: the state it starts from, who may call it, the state it leads to."""

    start: str
    allowed: set[str]
    to: str
    action: str
    call: Callable[[Case, Person, World], object]
    prepare: Callable[[Case, World], object] | None = None


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(
        Status.REPORTED, OFFICE, Status.ACCEPTED, Action.ACCEPT, lambda c, p, w: services.case_accept(case=c, by=p)
    ),
    "reject": Transition(
        Status.REPORTED,
        OFFICE,
        Status.REJECTED,
        Action.REJECT,
        lambda c, p, w: services.case_reject(case=c, by=p, reason="属于私人物业，不予立案"),
    ),
    "merge": Transition(
        Status.REPORTED,
        OFFICE,
        Status.MERGED,
        Action.MERGE,
        lambda c, p, w: services.case_merge(case=c, by=p, into=_other_report(c)),
        prepare=lambda c, w: Maker(w, c.category).reported(),
    ),
    "dispatch": Transition(
        Status.ACCEPTED,
        OFFICE,
        Status.DISPATCHED,
        Action.DISPATCH,
        lambda c, p, w: services.case_dispatch(case=c, by=p, unit=w.town_a),
    ),
    "return": Transition(
        Status.DISPATCHED,
        HOLDERS,
        Status.RETURNED,
        Action.RETURN,
        lambda c, p, w: services.case_return(case=c, by=p, reason="该路段已移交开发区管理"),
    ),
    "handle": Transition(
        Status.DISPATCHED,
        HOLDERS,
        Status.HANDLED,
        Action.HANDLE,
        lambda c, p, w: services.case_handle(case=c, by=p, note="垃圾已清运", photos=[photo("green")]),
    ),
    "verify_pass": Transition(
        Status.HANDLED,
        VERIFIERS,
        Status.CLOSED,
        Action.VERIFY_PASS,
        lambda c, p, w: services.case_verify(case=c, by=p, passed=True, note="现场已整改"),
    ),
    "verify_fail": Transition(
        Status.HANDLED,
        VERIFIERS,
        Status.REWORK,
        Action.VERIFY_FAIL,
        lambda c, p, w: services.case_verify(case=c, by=p, passed=False, note="仍有残留垃圾"),
    ),
    "extension_request": Transition(
        Status.DISPATCHED,
        HOLDERS,
        Status.DISPATCHED,
        Action.EXTENSION_REQUEST,
        lambda c, p, w: services.extension_request(
            case=c, by=p, amount=Decimal("1"), time_unit="work_days", reason="需要协调环卫车辆"
        ),
    ),
    "extension_approve": Transition(
        Status.DISPATCHED,
        OFFICE,
        Status.DISPATCHED,
        Action.EXTENSION_APPROVE,
        lambda c, p, w: services.extension_decide(request=c.extensions.get(), by=p, approve=True),
        prepare=_request_extension,
    ),
    "extension_deny": Transition(
        Status.DISPATCHED,
        OFFICE,
        Status.DISPATCHED,
        Action.EXTENSION_DENY,
        lambda c, p, w: services.extension_decide(request=c.extensions.get(), by=p, approve=False, note="时限充足"),
        prepare=_request_extension,
    ),
    "suspend": Transition(
        Status.DISPATCHED,
        OFFICE,
        Status.SUSPENDED,
        Action.SUSPEND,
        lambda c, p, w: services.case_suspend(case=c, by=p, project="人民路提升改造", reason="需立项改造"),
    ),
    "resume": Transition(
        Status.SUSPENDED,
        OFFICE,
        Status.DISPATCHED,
        Action.RESUME,
        lambda c, p, w: services.case_resume(case=c, by=p, note="工程已完工"),
    ),
    "reopen": Transition(
        Status.CLOSED,
        OFFICE,
        Status.ACCEPTED,
        Action.REOPEN,
        lambda c, p, w: services.case_reopen(case=c, by=p, reason="群众反映问题复发"),
    ),
}

ALLOWED = [(name, who) for name, t in TRANSITIONS.items() for who in PERSONAS if who in t.allowed]
FORBIDDEN = [(name, who) for name, t in TRANSITIONS.items() for who in PERSONAS if who not in t.allowed]


def _ready(make: Maker, world: World, transition: Transition) -> Case:
    case = make.in_state(transition.start)
    if transition.prepare is not None:
        transition.prepare(case, world)
    return Case.objects.get(pk=case.pk)  # as a view would load it


# ---- who may do what -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "who"), ALLOWED)
def test_each_transition_succeeds_for_its_roles_and_writes_one_event(make, world, name, who):
    transition = TRANSITIONS[name]
    case = _ready(make, world, transition)
    person = getattr(world, who)
    status, version, events = snapshot(case)

    transition.call(case, person, world)

    case.refresh_from_db()
    assert case.status == transition.to
    assert case.version == version + 1
    assert case.events.count() == events + 1
    event = case.events.order_by("-pk").first()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        transition.action,
        person,
        status,
        transition.to,
    )


@pytest.mark.parametrize(("name", "who"), FORBIDDEN)
def test_each_transition_is_refused_for_every_other_role_and_changes_nothing(make, world, name, who):
    transition = TRANSITIONS[name]
    case = _ready(make, world, transition)
    before = snapshot(case)

    with pytest.raises(DomainError) as refused:
        transition.call(case, getattr(world, who), world)

    assert refused.value.code == "forbidden"
    assert CHINESE.search(refused.value.message)
    assert snapshot(case) == before


# ---- impossible transitions --------------------------------------------------------------------

STATES = [str(s) for s in Status]
# The states each transition may start from (extension decisions start from a pending request).
STARTS = {
    "accept": {Status.REPORTED},
    "reject": {Status.REPORTED},
    "merge": {Status.REPORTED, Status.ACCEPTED},
    "dispatch": {Status.ACCEPTED, Status.RETURNED},
    "return": {Status.DISPATCHED},
    "handle": {Status.DISPATCHED, Status.REWORK},
    "verify_pass": {Status.HANDLED},
    "verify_fail": {Status.HANDLED},
    "extension_request": {Status.DISPATCHED, Status.REWORK},
    "suspend": {Status.DISPATCHED, Status.REWORK},
    "resume": {Status.SUSPENDED},
    "reopen": {Status.CLOSED},
}
IMPOSSIBLE = [(name, state) for name, starts in STARTS.items() for state in STATES if state not in starts]


@pytest.mark.parametrize(("name", "state"), IMPOSSIBLE)
def test_an_impossible_transition_raises_a_chinese_message_and_changes_nothing(make, world, name, state):
    transition = TRANSITIONS[name]
    case = make.in_state(state)
    if transition.prepare is not None:
        transition.prepare(case, world)
    case = Case.objects.get(pk=case.pk)
    allowed = next(iter(sorted(transition.allowed)))
    before = snapshot(case)

    with pytest.raises(DomainError) as refused:
        transition.call(case, getattr(world, allowed), world)

    assert CHINESE.search(refused.value.message)
    assert snapshot(case) == before


def test_verifying_a_reported_case_says_it_is_not_handled_yet(make, world):
    case = make.reported()

    with pytest.raises(DomainError, match=r"待受理.*不能核查"):
        services.case_verify(case=case, by=world.supervisor, passed=True)


def test_dispatching_a_closed_case_is_refused(make, world):
    case = make.closed()
    before = snapshot(case)

    with pytest.raises(DomainError, match=r"已结案.*不能派遣"):
        services.case_dispatch(case=case, by=world.office, unit=world.town_b)

    assert snapshot(case) == before


@pytest.mark.parametrize(("note", "photos", "message"), [("", [True], "处置说明"), ("已清运", [], "处置后照片")])
def test_handling_needs_a_note_and_an_after_photo(make, world, note, photos, message):
    case = make.dispatched()
    before = snapshot(case)

    with pytest.raises(DomainError, match=message):
        services.case_handle(case=case, by=world.admin_a, note=note, photos=[photo() for _ in photos])

    assert snapshot(case) == before
    assert not CasePhoto.objects.filter(case=case, kind=PhotoKind.AFTER).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_returning_and_failing_need_a_reason(make, world, reason):
    reported, dispatched, handled = make.reported(), make.dispatched(), make.handled()
    before = [snapshot(c) for c in (reported, dispatched, handled)]

    with pytest.raises(DomainError, match="理由"):
        services.case_reject(case=reported, by=world.office, reason=reason)
    with pytest.raises(DomainError, match="理由"):
        services.case_return(case=dispatched, by=world.admin_a, reason=reason)
    with pytest.raises(DomainError, match="原因"):
        services.case_verify(case=handled, by=world.supervisor, passed=False, note=reason)

    assert [snapshot(c) for c in (reported, dispatched, handled)] == before


def test_an_extension_request_cannot_be_decided_twice(make, world):
    case = make.dispatched()
    request = _request_extension(case, world)
    services.extension_decide(request=request, by=world.office, approve=False)
    before = snapshot(case)

    with pytest.raises(DomainError, match="已审批过"):
        services.extension_decide(request=ExtensionRequest.objects.get(pk=request.pk), by=world.office, approve=True)

    assert snapshot(case) == before


def test_a_unit_may_have_only_one_pending_extension_request(make, world):
    case = make.dispatched()
    _request_extension(case, world)

    with pytest.raises(DomainError, match="待审批"):
        _request_extension(Case.objects.get(pk=case.pk), world)

    assert case.extensions.filter(status=ExtensionStatus.PENDING).count() == 1


def test_an_extension_request_with_an_unknown_time_unit_is_refused(make, world):
    case = make.dispatched()
    before = snapshot(case)

    with pytest.raises(DomainError, match="时限单位"):
        services.extension_request(case=case, by=world.admin_a, amount=Decimal("2"), time_unit="weeks", reason="雨天")

    assert snapshot(case) == before
    assert not case.extensions.exists()


# ---- units and independence -------------------------------------------------------------------


def test_a_unit_cannot_handle_another_units_case(make, world):
    case = make.dispatched()

    with pytest.raises(DomainError, match="不由您的单位办理"):
        services.case_handle(case=case, by=world.admin_b, note="已清运", photos=[photo()])

    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED


def test_a_street_liaison_may_handle_a_case_dispatched_to_one_of_its_communities(make, world):
    case = make.accepted()
    services.case_dispatch(case=case, by=world.office, unit=world.community_a1)

    services.case_handle(case=case, by=world.admin_a, note="街道组织清运", photos=[photo()])

    assert Case.objects.get(pk=case.pk).status == Status.HANDLED


def test_a_road_chief_who_handles_for_another_unit_cannot_handle_his_own_towns_case(make, world):
    """chief_a is 路长 in 城关街道 and a handler of 城南街道: only 城南街道's cases are his to handle."""
    membership_grant(person=world.chief_a, unit=world.town_b, role=Role.HANDLER)
    case = make.dispatched()  # 城关街道's

    with pytest.raises(DomainError, match="不由您的单位办理"):
        services.case_handle(case=case, by=Person.objects.get(pk=world.chief_a.pk), note="已清运", photos=[photo()])

    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED


def test_a_community_handler_may_not_handle_a_street_case_he_was_not_named_for(make, world):
    case = make.accepted()
    services.case_dispatch(case=case, by=world.office, unit=world.town_a)

    with pytest.raises(DomainError, match="不由您的单位办理"):
        services.case_handle(case=case, by=world.handler_a, note="已清运", photos=[photo()])


def test_the_handler_named_at_dispatch_may_handle_the_case_of_his_street(make, world):
    case = make.accepted()
    services.case_dispatch(case=case, by=world.office, unit=world.town_a, handler=world.handler_a)

    services.case_handle(case=case, by=world.handler_a, note="已清运", photos=[photo()])

    assert Case.objects.get(pk=case.pk).status == Status.HANDLED


def test_the_handler_named_at_dispatch_finds_the_case_in_his_todo_list_and_may_open_it(make, world):
    case = make.dispatched()

    assert list(selectors.todo_for_user(user=world.handler_a)) == [case]
    assert selectors.get_case_for_user(world.handler_a, case.pk) == case
    access.ensure_visible(world.handler_a, case)


def test_other_units_do_not_see_the_case_at_all(make, world):
    case = make.dispatched()

    assert not selectors.todo_for_user(user=world.admin_b).exists()
    with pytest.raises(Http404):
        selectors.get_case_for_user(world.admin_b, case.pk)


def test_a_handler_from_outside_the_unit_cannot_be_named_at_dispatch(make, world):
    case = make.accepted()
    before = snapshot(case)

    with pytest.raises(DomainError, match="不属于所派遣的单位"):
        services.case_dispatch(case=case, by=world.office, unit=world.town_b, handler=world.handler_a)

    assert snapshot(case) == before


def test_the_handling_unit_cannot_verify_its_own_work_even_with_a_supervisor_role(make, world):
    membership_grant(person=world.admin_a, unit=world.supervision_unit, role=Role.SUPERVISOR)
    case = make.handled()
    before = snapshot(case)

    with pytest.raises(DomainError, match="不能核查自己办理的案卷"):
        services.case_verify(case=case, by=Person.objects.get(pk=world.admin_a.pk), passed=True)

    assert snapshot(case) == before


def test_the_named_handler_cannot_verify_his_own_work_even_with_a_supervisor_role(make, world):
    membership_grant(person=world.handler_a, unit=world.supervision_unit, role=Role.SUPERVISOR)
    case = make.handled()

    with pytest.raises(DomainError, match="不能核查自己办理的案卷"):
        services.case_verify(case=case, by=Person.objects.get(pk=world.handler_a.pk), passed=False, note="不行")


# ---- merging ---------------------------------------------------------------------------------------


def test_a_case_cannot_be_merged_into_itself_or_into_a_closed_case(make, world):
    case, closed = make.reported(), make.closed()
    before = snapshot(case)

    with pytest.raises(DomainError, match="它自己"):
        services.case_merge(case=case, by=world.office, into=case)
    with pytest.raises(DomainError, match="已结束"):
        services.case_merge(case=case, by=world.office, into=closed)

    assert snapshot(case) == before


def test_two_reports_cannot_be_merged_into_each_other(make, world):
    """Two office clerks work from pages loaded before either merge: the second merge must see the first."""
    first, second = make.reported(), make.reported()
    first_as_loaded, second_as_loaded = Case.objects.get(pk=first.pk), Case.objects.get(pk=second.pk)
    services.case_merge(case=Case.objects.get(pk=first.pk), by=world.office, into=Case.objects.get(pk=second.pk))
    before = snapshot(second)

    with pytest.raises(DomainError, match="已结束"):
        services.case_merge(case=second_as_loaded, by=world.office, into=first_as_loaded)

    assert snapshot(second) == before


def test_a_merged_case_points_at_the_case_it_joined(make, world):
    target, duplicate = make.reported(), make.reported()

    services.case_merge(case=duplicate, by=world.office, into=target, note="同一堆垃圾")

    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    assert duplicate.closed_at is not None
    assert duplicate.events.last().data == {"into": target.code}


# ---- history -----------------------------------------------------------------------------------


def test_a_full_loop_with_rework_leaves_its_whole_history(make, world):
    case = make.dispatched()
    services.case_handle(case=case, by=world.handler_a, note="已清运", photos=[photo("green")])
    services.case_verify(case=case, by=world.supervisor, passed=False, note="仍有残留")
    services.case_handle(case=case, by=world.admin_a, note="再次清运", photos=[photo("blue")])
    services.case_verify(case=case, by=world.supervisor, passed=True, note="已整改到位")

    history = list(case.events.values_list("action", "from_status", "to_status", "actor__username", "note"))
    assert history == [
        (Action.REPORT, "", Status.REPORTED, "inspector", ""),
        (Action.ACCEPT, Status.REPORTED, Status.ACCEPTED, "office", ""),
        (Action.DISPATCH, Status.ACCEPTED, Status.DISPATCHED, "office", ""),
        (Action.HANDLE, Status.DISPATCHED, Status.HANDLED, "handler_a", "已清运"),
        (Action.VERIFY_FAIL, Status.HANDLED, Status.REWORK, "supervisor", "仍有残留"),
        (Action.HANDLE, Status.REWORK, Status.HANDLED, "admin_a", "再次清运"),
        (Action.VERIFY_PASS, Status.HANDLED, Status.CLOSED, "supervisor", "已整改到位"),
    ]
    case.refresh_from_db()
    assert (case.status, case.rework_count) == (Status.CLOSED, 1)
    assert case.photos.filter(kind=PhotoKind.BEFORE).count() == 1
    assert case.photos.filter(kind=PhotoKind.AFTER).count() == 2
    assert all(p.event.action in {Action.REPORT, Action.HANDLE} for p in case.photos.all())


def test_a_return_takes_the_case_back_from_the_unit_for_redispatch(make, world):
    case = make.dispatched()

    services.case_return(case=case, by=world.admin_a, reason="该路段归城南街道")
    services.case_dispatch(case=case, by=world.office, unit=world.town_b)

    case.refresh_from_db()
    assert (case.status, case.unit) == (Status.DISPATCHED, world.town_b)
    returned = case.events.get(action=Action.RETURN)
    assert (returned.unit, returned.note) == (world.town_a, "该路段归城南街道")


def test_case_events_are_append_only(make):
    case = make.reported()
    event = case.events.get()
    event.note = "改写历史"

    with pytest.raises(ValueError, match="append-only"):
        event.save()

    assert CaseEvent.objects.get(pk=event.pk).note == ""


# ---- notifications ------------------------------------------------------------------------------


def test_dispatch_notifies_the_units_admins_and_the_named_handler(make, world):
    case = make.dispatched()

    notified = set(Notification.objects.filter(kind="case.dispatched").values_list("recipient__username", flat=True))
    assert notified == {"admin_a", "handler_a"}
    assert case.code in Notification.objects.filter(recipient=world.admin_a).get().title


def test_dispatch_does_not_notify_other_units(make, world):
    make.dispatched()

    assert not Notification.objects.filter(recipient__in=[world.admin_b, world.office, world.chief_b]).exists()


def test_rework_notifies_the_unit_again(make, world):
    case = make.rework()

    rework = Notification.objects.filter(kind="case.rework")
    assert set(rework.values_list("recipient__username", flat=True)) == {"admin_a", "handler_a"}
    assert case.code in rework.first().title
