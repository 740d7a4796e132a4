import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from places.geo import Point, bounding_box, great_circle_miles
from places.models import Postcode
from places.selectors import postcodes_within_miles, within_miles
from places.tests.factories import PostcodeFactory

# Hand-worked values on a sphere of radius R = 3958.7613 miles (the Earth's mean radius):
# 1. One degree along a meridian is R x (pi / 180) = 3958.7613 x 0.01745329 = 69.0934 miles.
# 2. One degree of longitude at 53 degrees north, by haversine:
#    d = 2R asin(cos 53 x sin 0.5) = 2 x 3958.7613 x asin(0.601815 x 0.00872654)
#      = 7917.5226 x asin(0.00525183) = 7917.5226 x 0.00525185 = 41.5816 miles.
ONE_DEGREE_OF_LATITUDE = 69.0934
ONE_DEGREE_OF_LONGITUDE_AT_53N = 41.5816


def test_one_degree_of_latitude_matches_hand_worked_value():
    miles = great_circle_miles(Point(53.0, -2.0), Point(54.0, -2.0))
    assert miles == pytest.approx(ONE_DEGREE_OF_LATITUDE, abs=0.001)


def test_one_degree_of_longitude_at_53_north_matches_hand_worked_value():
    miles = great_circle_miles(Point(53.0, -2.5), Point(53.0, -1.5))
    assert miles == pytest.approx(ONE_DEGREE_OF_LONGITUDE_AT_53N, abs=0.001)


def test_distance_is_symmetric_and_zero_to_itself():
    a, b = Point(53.4465, -2.3076), Point(53.3872, -2.3496)
    assert great_circle_miles(a, b) == pytest.approx(great_circle_miles(b, a))
    assert great_circle_miles(a, a) == 0


def _destination(centre: Point, miles: float, bearing_degrees: float) -> Point:
    """The point ``miles`` from ``centre`` on a bearing (the standard spherical formula)."""
    angular = miles / 3958.7613
    lat1, lon1, bearing = map(math.radians, (centre.latitude, centre.longitude, bearing_degrees))
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1),
        math.cos(angular) - math.sin(lat1) * math.sin(lat2),
    )
    return Point(math.degrees(lat2), math.degrees(lon2))


@given(
    st.floats(min_value=49.8, max_value=60.9),
    st.floats(min_value=-8.2, max_value=1.8),
    st.floats(min_value=0.01, max_value=50),
    st.floats(min_value=0, max_value=360),
    st.floats(min_value=0, max_value=1),
)
def test_bounding_box_holds_every_point_within_the_distance(lat, lon, miles, bearing, fraction):
    centre = Point(lat, lon)
    inside = _destination(centre, miles * fraction, bearing)
    box = bounding_box(centre, miles)
    assert box.min_latitude <= inside.latitude <= box.max_latitude
    assert box.min_longitude <= inside.longitude <= box.max_longitude
    assert great_circle_miles(centre, inside) == pytest.approx(miles * fraction, rel=1e-6, abs=1e-6)


@pytest.fixture
def places_around_centre(db):
    """Postcodes at known offsets from (53.0, -2.0)."""
    offsets = {
        "M1 1AA": (0.01, 0.0),  # 0.69 miles north
        "M1 1AB": (0.05, 0.0),  # 3.45 miles north
        "M1 1AD": (0.0, 0.1),  # 4.16 miles east
        "M1 1AE": (0.1, 0.0),  # 6.91 miles north: outside 5 miles
        "M1 1AF": (0.06, 0.1),  # 5.87 miles north-east: inside the box, outside the circle
        "M1 1AG": (-0.07, 0.0),  # 4.84 miles south
    }
    for code, (dlat, dlon) in offsets.items():
        PostcodeFactory(postcode=code, latitude=53.0 + dlat, longitude=-2.0 + dlon)


def test_within_five_miles_is_right_against_hand_computed_distances(places_around_centre):
    found = list(postcodes_within_miles(Point(53.0, -2.0), 5))
    assert [p.postcode for p in found] == ["M1 1AA", "M1 1AB", "M1 1AD", "M1 1AG"]
    expected = [
        0.01 * ONE_DEGREE_OF_LATITUDE,
        0.05 * ONE_DEGREE_OF_LATITUDE,
        0.1 * ONE_DEGREE_OF_LONGITUDE_AT_53N,
        0.07 * ONE_DEGREE_OF_LATITUDE,
    ]
    assert [p.distance_miles for p in found] == pytest.approx(expected, abs=0.01)


def test_corner_of_the_box_beyond_the_radius_is_left_out(places_around_centre):
    box = bounding_box(Point(53.0, -2.0), 5)
    corner = Postcode.objects.get(postcode="M1 1AF")
    assert box.min_latitude <= corner.latitude <= box.max_latitude
    assert box.min_longitude <= corner.longitude <= box.max_longitude
    assert "M1 1AF" not in [p.postcode for p in postcodes_within_miles(Point(53.0, -2.0), 5)]


def test_query_prefilters_on_the_indexed_coordinate_columns(places_around_centre):
    with CaptureQueriesContext(connection) as queries:
        list(postcodes_within_miles(Point(53.0, -2.0), 5))
    sql = queries.captured_queries[0]["sql"]
    assert '"places_postcode"."latitude" >=' in sql and '"places_postcode"."longitude" <=' in sql
    indexes = connection.introspection.get_constraints(connection.cursor(), "places_postcode")
    assert any(info["index"] and info["columns"] == ["latitude", "longitude"] for info in indexes.values())


def test_terminated_postcodes_are_not_near_anything(places_around_centre):
    Postcode.objects.filter(postcode="M1 1AA").update(terminated_on="2020-01-01")
    found = [p.postcode for p in postcodes_within_miles(Point(53.0, -2.0), 5)]
    assert "M1 1AA" not in found


def test_negative_distance_is_refused(db):
    with pytest.raises(ValueError, match="cannot be negative"):
        within_miles(Postcode.objects.all(), Point(53.0, -2.0), -1)
