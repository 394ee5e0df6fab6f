"""Things that must happen once: a retried intake, an escalation run twice; and where a report is."""

from __future__ import annotations

import pytest
from PIL import Image

from chuangcheng.cases import services
from chuangcheng.cases.choices import Action, Escalation, Source, Status
from chuangcheng.cases.models import Case, CaseEvent, CasePhoto
from chuangcheng.core.errors import DomainError
from chuangcheng.notifications.models import Notification

from .conftest import SPOT, photo


def report(world, category, *, key=None, lon=SPOT[0], lat=SPOT[1], photos=None, by="inspector"):
    return services.case_report(
        by=getattr(world, by) if by else None,
        source=Source.PATROL,
        category=category,
        description="路边有一堆暴露垃圾",
        lon=lon,
        lat=lat,
        photos=[photo()] if photos is None else photos,
        idempotency_key=key,
    )


# ---- idempotent intake ----------------------------------------------------------------------


def test_a_retried_report_with_the_same_key_returns_the_first_case(make, world, garbage):
    first, created = report(world, garbage, key="6f1c2a9e-retry")

    again, created_again = report(world, garbage, key="6f1c2a9e-retry")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1
    assert CasePhoto.objects.count() == 1


def test_a_retry_after_the_case_moved_on_still_returns_it_unchanged(make, world, garbage):
    first, _ = report(world, garbage, key="k-moved-on")
    services.case_accept(case=first, by=world.office)

    again, created = report(world, garbage, key="k-moved-on")

    assert (again.pk, again.status, created) == (first.pk, Status.ACCEPTED, False)
    assert again.events.count() == 2


def test_another_reporter_using_the_same_key_gets_a_case_of_their_own(make, world, garbage):
    first, created = report(world, garbage, key="1")
    theirs, theirs_created = report(world, garbage, key="1", by="volunteer")
    again, created_again = report(world, garbage, key="1", by="volunteer")

    assert (created, theirs_created, created_again) == (True, True, False)
    assert theirs.pk != first.pk and again.pk == theirs.pk
    assert (first.reporter, theirs.reporter) == (world.inspector, world.volunteer)
    assert Case.objects.count() == 2


def test_anonymous_reports_share_one_space_of_keys(make, world, garbage):
    first, created = report(world, garbage, key="public-1", by=None)
    again, created_again = report(world, garbage, key="public-1", by=None)
    signed_in, signed_in_created = report(world, garbage, key="public-1")

    assert (created, created_again, signed_in_created) == (True, False, True)
    assert again.pk == first.pk != signed_in.pk
    assert Case.objects.count() == 2


def test_different_keys_or_no_key_make_different_cases(make, world, garbage):
    report(world, garbage, key="k-1")
    report(world, garbage, key="k-2")
    report(world, garbage)
    report(world, garbage)

    assert Case.objects.count() == 4
    assert len(set(Case.objects.values_list("code", flat=True))) == 4


# ---- where the problem is -----------------------------------------------------------------------


def dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), (value - degrees - minutes / 60) * 3600


def gps_exif(lon: float, lat: float) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", dms(lat), "E", dms(lon)
    return exif


def test_a_report_without_a_location_takes_it_from_the_photos_gps(make, world, garbage, road):
    case, _ = report(world, garbage, lon=None, lat=None, photos=[photo(), photo("blue", gps_exif(*SPOT))])

    assert (case.lon, case.lat) == (pytest.approx(SPOT[0], abs=1e-6), pytest.approx(SPOT[1], abs=1e-6))
    assert case.segment == road


def test_the_location_given_in_the_form_wins_over_the_photos_gps(make, world, garbage):
    case, _ = report(world, garbage, photos=[photo("blue", gps_exif(114.2, 34.7))])

    assert (case.lon, case.lat) == (pytest.approx(SPOT[0]), pytest.approx(SPOT[1]))


def test_a_report_without_a_location_or_a_gps_photo_is_refused(make, world, garbage):
    with pytest.raises(DomainError, match="请在地图上标出问题位置"):
        report(world, garbage, lon=None, lat=None)

    assert not Case.objects.exists()


# ---- escalation ---------------------------------------------------------------------------------


def test_escalation_raises_the_level_once(make, world):
    case = make.dispatched()
    stale = Case.objects.get(pk=case.pk)  # what a second, overlapping run of the job read

    assert services.case_escalate(case=case, level=Escalation.YELLOW) is True
    assert services.case_escalate(case=case, level=Escalation.YELLOW) is False
    assert services.case_escalate(case=stale, level=Escalation.YELLOW) is False

    assert Case.objects.get(pk=case.pk).escalation == Escalation.YELLOW
    assert case.events.filter(action=Action.ESCALATE).count() == 1
    escalated = Notification.objects.filter(kind="case.escalated")
    assert sorted(escalated.values_list("recipient__username", flat=True)) == ["admin_a", "handler_a"]


def test_escalation_never_lowers_the_level_and_each_rise_is_one_event(make, world):
    case = make.dispatched()
    services.case_escalate(case=case, level=Escalation.ORANGE)

    assert services.case_escalate(case=case, level=Escalation.YELLOW) is False
    assert services.case_escalate(case=case, level=Escalation.RED) is True

    levels = [e.data["level"] for e in case.events.filter(action=Action.ESCALATE)]
    assert levels == [Escalation.ORANGE, Escalation.RED]
    assert Notification.objects.filter(recipient=world.admin_a, kind="case.escalated").count() == 2


@pytest.mark.parametrize("state", [Status.SUSPENDED, Status.HANDLED, Status.CLOSED])
def test_a_case_no_unit_is_working_on_is_not_escalated(make, state):
    case = make.in_state(state)

    assert services.case_escalate(case=case, level=Escalation.RED) is False
    assert not case.events.filter(action=Action.ESCALATE).exists()
