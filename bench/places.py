"""Benchmark: postcode lookup and "within N miles" on the demo district's 11,264 postcodes.

Each query is timed through the ORM and as the same raw SQL on the same database (the floor).
Run with `make bench`; set DATABASE_URL to run on PostgreSQL.
"""

import random

from _setup import ROOT, django_with_scratch_database, machine, percentiles

django_with_scratch_database()

from django.db import connection  # noqa: E402

from places.geo import Point, bounding_box  # noqa: E402
from places.models import Postcode  # noqa: E402
from places.selectors import find_postcode, postcodes_within_miles  # noqa: E402
from places.services import import_postcodes  # noqa: E402

import_postcodes(ROOT / "data" / "postcodes" / "trafford_postcodes.csv")
codes = list(Postcode.objects.values_list("postcode", "latitude", "longitude"))
chooser = random.Random(1)
REPEATS = 300


def orm_lookup():
    code = chooser.choice(codes)[0]
    return find_postcode(code.lower().replace(" ", ""))


def raw_lookup():
    code = chooser.choice(codes)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.*, l.*, w.*, a.* FROM places_postcode p "
            "LEFT JOIN places_lsoa l ON l.code = p.lsoa_id LEFT JOIN places_ward w ON w.code = p.ward_id "
            "LEFT JOIN places_localauthority a ON a.code = p.local_authority_id WHERE p.postcode = %s",
            [code],
        )
        return cursor.fetchone()


def orm_within(miles):
    def run():
        _, lat, lon = chooser.choice(codes)
        return list(postcodes_within_miles(Point(lat, lon), miles)[:50])

    return run


def raw_within(miles):
    """The same query written by hand: box on the indexed columns, exact distance computed by the
    database, nearest first. The floor the ORM version is compared with."""
    if connection.vendor == "sqlite":
        trig = (
            "asin(min(1.0, sqrt(power(sin((radians(latitude) - %s) / 2), 2) + cos(%s) * "
            "cos(radians(latitude)) * power(sin((radians(longitude) - %s) / 2), 2))))"
        )
    else:
        trig = (
            "asin(least(1.0, sqrt(power(sin((radians(latitude) - %s) / 2), 2) + cos(%s) * "
            "cos(radians(latitude)) * power(sin((radians(longitude) - %s) / 2), 2))))"
        )
    sql = (
        f"SELECT postcode, 7917.5226 * {trig} AS d FROM places_postcode "
        "WHERE terminated_on IS NULL AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s "
        f"AND 7917.5226 * {trig} <= %s ORDER BY d LIMIT 50"
    )

    def run():
        import math

        _, lat, lon = chooser.choice(codes)
        box = bounding_box(Point(lat, lon), miles)
        r = [math.radians(lat), math.radians(lat), math.radians(lon)]
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [*r, box.min_latitude, box.max_latitude, box.min_longitude, box.max_longitude, *r, miles]
            )
            return cursor.fetchall()

    return run


def row(name, orm, raw):
    ratio = orm["p95"] / raw["p95"] if raw["p95"] else float("nan")
    print(
        f"{name:<34} {orm['p50']:>8.2f} {orm['p95']:>8.2f} {raw['p50']:>8.2f} {raw['p95']:>8.2f} "
        f"{ratio:>6.1f}x"
    )


print(f"places benchmark on {len(codes):,} postcodes; {machine()}; {REPEATS} queries each")
print(f"{'query':<34} {'ORM p50':>8} {'ORM p95':>8} {'SQL p50':>8} {'SQL p95':>8} {'p95 vs SQL':>7}")
row("postcode lookup", percentiles(orm_lookup, REPEATS), percentiles(raw_lookup, REPEATS))
for miles in (0.5, 1, 3):
    row(
        f"within {miles} miles (50 nearest)",
        percentiles(orm_within(miles), REPEATS),
        percentiles(raw_within(miles), REPEATS),
    )
