import pytest

from chuangcheng.core.geo import gcj02_to_wgs84, haversine_m, in_china, looks_swapped, wgs84_to_gcj02

# Reference pair from the gcoord library's test suite: GCJ-02 (123, 45) is WGS84
# (122.99395597, 44.99804071). The offset there is about 500 m, so 1 m is a real check.
REF_GCJ = (123.0, 45.0)
REF_WGS = (122.99395597, 44.99804071)


def test_gcj02_forward_matches_published_reference_point():
    lon, lat = wgs84_to_gcj02(*REF_WGS)
    assert haversine_m(lon, lat, *REF_GCJ) < 1.0


def test_gcj02_to_wgs84_is_within_a_metre_of_the_reference():
    lon, lat = gcj02_to_wgs84(*REF_GCJ)
    assert haversine_m(lon, lat, *REF_WGS) < 1.0
    assert haversine_m(*REF_GCJ, *REF_WGS) > 400


@pytest.mark.parametrize("lon,lat", [(114.30, 34.80), (121.47, 31.23), (87.6, 43.8)])
def test_gcj02_round_trip_is_millimetric(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert haversine_m(back[0], back[1], lon, lat) < 0.01


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_swapped_coordinates_are_detected():
    assert in_china(114.3, 34.8)
    assert looks_swapped(34.8, 114.3)
    assert not looks_swapped(114.3, 34.8)
