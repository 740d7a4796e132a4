"""Great-circle distance, in Python and as a database expression.

Distances are in miles because that is how people in the UK say how far
something is. The haversine formula on a sphere of the Earth's mean radius is
accurate to within about 0.5% - far better than a postcode centroid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_MILES = 3958.7613
MILES_PER_DEGREE_LATITUDE = EARTH_RADIUS_MILES * math.pi / 180
# About a centimetre: keeps a point exactly on the radius inside the box despite float rounding.
_BOX_MARGIN_DEGREES = 1e-7


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def great_circle_miles(a: Point, b: Point) -> float:
    """Distance in miles between two points over the Earth's surface (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(b.longitude - a.longitude) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, miles: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within ``miles`` of ``centre``.

    Used to prefilter on indexed columns before the exact distance is computed.
    """
    dlat = miles / MILES_PER_DEGREE_LATITUDE + _BOX_MARGIN_DEGREES
    # Longitude degrees shrink towards the poles; widen at the box's most polar edge.
    polar_edge = min(89.9, abs(centre.latitude) + dlat)
    dlon = min(180.0, dlat / math.cos(math.radians(polar_edge)))
    return BoundingBox(
        min_latitude=centre.latitude - dlat,
        max_latitude=centre.latitude + dlat,
        min_longitude=centre.longitude - dlon,
        max_longitude=centre.longitude + dlon,
    )


def distance_expression(
    centre: Point, latitude_field: str = "latitude", longitude_field: str = "longitude"
) -> CombinedExpression:
    """The haversine distance in miles from ``centre`` to a row's coordinates, in SQL."""
    lat1 = Value(math.radians(centre.latitude), output_field=FloatField())
    lon1 = Value(math.radians(centre.longitude), output_field=FloatField())
    lat2 = Radians(F(latitude_field))
    lon2 = Radians(F(longitude_field))
    h = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(Sin((lon2 - lon1) / 2), 2)
    return Value(2 * EARTH_RADIUS_MILES, output_field=FloatField()) * ASin(
        Least(Sqrt(h), Value(1.0, output_field=FloatField()))
    )
