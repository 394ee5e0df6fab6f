"""Possible duplicates at intake: open cases of the same 小类 nearby."""

from __future__ import annotations

import pytest

from chuangcheng.cases import selectors
from chuangcheng.cases.choices import Status
from chuangcheng.org.models import Person

from .conftest import SPOT

METRES_PER_DEGREE = 111_195  # of latitude, on the sphere core.geo.haversine_m uses


def north_of(metres: float) -> tuple[float, float]:
    return SPOT[0], SPOT[1] + metres / METRES_PER_DEGREE


def candidates(category, metres: float, **kwargs):
    """As the office searches (it sees every case; scoping is tested in test_scope_reads)."""
    lon, lat = north_of(metres)
    office = Person.objects.get(username="office")
    return selectors.duplicate_candidates_for_user(user=office, category=category, lon=lon, lat=lat, **kwargs)


def test_an_open_case_of_the_same_kind_40_m_away_is_offered(make, garbage):
    case = make.reported()

    found = candidates(garbage, 40)

    assert [c for c, _ in found] == [case]
    assert found[0][1] == pytest.approx(40, abs=0.5)


def test_a_case_60_m_away_is_not_offered(make, garbage):
    make.reported()

    assert candidates(garbage, 60) == []


def test_the_radius_is_configurable(make, garbage, settings):
    settings.CASE_DUPLICATE_RADIUS_METERS = 100
    make.reported()

    assert len(candidates(garbage, 60)) == 1


def test_a_case_of_another_category_at_the_same_spot_is_not_offered(make, garbage, categories):
    make.reported(category=categories["乱堆乱放"])

    assert candidates(garbage, 0) == []


@pytest.mark.parametrize("state", [Status.CLOSED, Status.REJECTED])
def test_a_finished_case_is_not_offered(make, garbage, state):
    make.in_state(state)

    assert candidates(garbage, 0) == []


def test_a_merged_report_is_not_offered_but_the_case_it_joined_is(make, garbage):
    merged = make.merged()

    assert [c.pk for c, _ in candidates(garbage, 0)] == [merged.merged_into_id]


@pytest.mark.parametrize("state", [Status.DISPATCHED, Status.HANDLED, Status.SUSPENDED, Status.REWORK])
def test_a_case_still_in_the_loop_is_offered(make, garbage, state):
    case = make.in_state(state)

    assert [c for c, _ in candidates(garbage, 10)] == [case]


def test_nearest_first_and_never_the_case_itself(make, garbage):
    near = make.reported(lat=north_of(10)[1])
    far = make.reported(lat=north_of(30)[1])

    assert [c for c, _ in candidates(garbage, 0)] == [near, far]
    assert [c for c, _ in candidates(garbage, 10, exclude=near.pk)] == [far]
