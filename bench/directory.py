"""Benchmark: directory search over 100,000 listings at 20,000 venues.

Times the search API (/api/directory/listings/, in-process: middleware, form, query, JSON)
for queries that combine words, distance from a postcode and a day, and beside it the
floor: the very SQL those requests run (the count and the page of results), executed
directly on the same database. Run with `make bench`; BENCH_SERVICES scales it down.

Then the Open Referral UK services list, /oruk/services, paged 50 at a time: the first, the middle
and the last page, each asked afresh (its kept answer dropped first, so the database is asked),
beside the floor of counting the listings. BENCH_PART=oruk times only that (no searches).
"""

import os
import random
import sys
import time

from _setup import ROOT, django_with_scratch_database, machine, percentiles

SERVICES = int(os.environ.get("BENCH_SERVICES", "100000"))
# "trafford": every venue at one of Trafford's real postcodes (41 square miles: far denser than any
# real directory). "region": venues at 4,000 invented postcodes spread over North West England
# (about 100 by 60 miles), the spread a directory of this size would have. "england": a national
# directory: an invented postcode for each of England's 32,844 LSOAs, grouped around its local
# authority (cities tight, the countryside spread out), with venues where the people are (each LSOA
# by its real population: IoD2019 File 6, data/imd2019). For 1,000,000 listings:
# BENCH_SPREAD=england BENCH_SERVICES=1000000.
SPREAD = os.environ.get("BENCH_SPREAD", "trafford")
LOCATIONS = SERVICES // 5
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
PART = os.environ.get("BENCH_PART", "all")
ORUK_PER_PAGE = 50
ORUK_REPEATS = int(os.environ.get("BENCH_ORUK_REPEATS", "30"))

django_with_scratch_database()

from datetime import time as clock  # noqa: E402

from django.core.exceptions import EmptyResultSet  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from directory import fulltext, kept  # noqa: E402
from directory.forms import ListingSearchForm  # noqa: E402
from directory.models import (  # noqa: E402
    ListingStatus,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    weekday_mask,
)
from directory.selectors import search_listings  # noqa: E402
from places.models import Postcode  # noqa: E402
from places.services import import_postcodes  # noqa: E402

KINDS = [
    "lunch club",
    "walking group",
    "community choir",
    "knit and natter",
    "men's shed",
    "health walk",
    "carers café",
    "youth club",
    "stay and play",
    "money advice",
    "digital drop-in",
    "chair exercise",
    "gardening club",
    "book group",
    "art class",
    "tai chi",
    "dementia café",
    "parkrun",
    "timebank",
    "peer support",
    "repair café",
    "language café",
    "bereavement group",
    "food club",
    "dance class",
    "football",
    "bowls club",
    "coffee morning",
    "film club",
    "quiz night",
]
WORDS = [
    "friendly",
    "free",
    "welcome",
    "local",
    "weekly",
    "company",
    "tea",
    "meet",
    "people",
    "support",
    "fun",
    "gentle",
    "beginners",
    "everyone",
    "volunteers",
    "community",
    "together",
    "health",
    "wellbeing",
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


# England's extent, roughly, as boxes of (south, north, west, east) that keep the invented places on
# land: the South West peninsula, the South, the Midlands and East, the North, the far North.
ENGLAND = [
    (50.1, 51.2, -5.6, -2.0),
    (50.7, 51.6, -2.0, 1.3),
    (51.6, 53.0, -3.0, 1.6),
    (53.0, 54.5, -3.2, -0.2),
    (54.5, 55.7, -3.3, -1.6),
]
MILE_LATITUDE = 1 / 69.0  # degrees of latitude in a mile


def england_postcodes(rng):
    """An invented postcode for every LSOA in England and each one's population. Each local authority
    gets a centre somewhere in England and a spread (a city's LSOAs packed within a couple of miles,
    a rural district's over a dozen or more); its LSOAs are scattered around the centre."""
    import csv
    import gzip
    import math

    lsoas: dict[str, list[int]] = {}
    path = ROOT / "data" / "imd2019" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig") as rows:
        for row in csv.DictReader(rows):
            population = int(row["Total population: mid 2015 (excluding prisoners)"].replace(",", ""))
            lsoas.setdefault(row["Local Authority District code (2019)"], []).append(population)
    areas = [(n - s) * (e - w) * math.cos(math.radians((n + s) / 2)) for s, n, w, e in ENGLAND]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcodes, populations, n = [], [], 0
    for district in sorted(lsoas):
        south, north, west, east = rng.choices(ENGLAND, weights=areas)[0]
        centre = (rng.uniform(south, north), rng.uniform(west, east))
        spread = 1.0 + 14 * rng.random() ** 3  # miles: most districts compact, some very spread out
        for population in lsoas[district]:
            latitude = centre[0] + rng.gauss(0, spread) * MILE_LATITUDE
            longitude = centre[1] + rng.gauss(0, spread) * MILE_LATITUDE / math.cos(math.radians(latitude))
            code = f"ZZ{n // 400 + 1} {n % 10}{letters[n // 10 % 20]}{letters[n // 200 % 20]}"
            postcodes.append(Postcode(postcode=code, latitude=latitude, longitude=longitude))
            populations.append(population)
            n += 1
    return postcodes, populations


def build(rng):
    started = time.perf_counter()
    weights = None
    if SPREAD == "england":
        made, weights = england_postcodes(rng)
        Postcode.objects.bulk_create(made, batch_size=5000)
    elif SPREAD == "region":
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        Postcode.objects.bulk_create(
            [
                Postcode(
                    postcode=f"ZZ{n // 400 + 1} {n % 10}{letters[n // 10 % 20]}{letters[n // 200 % 20]}",
                    latitude=rng.uniform(53.0, 54.4),
                    longitude=rng.uniform(-3.1, -2.0),
                )
                for n in range(4000)
            ],
            batch_size=2000,
        )
    else:
        import_postcodes(ROOT / "data" / "postcodes" / "trafford_postcodes.csv")
    postcodes = list(Postcode.objects.values_list("postcode", "latitude", "longitude"))
    if weights is not None:  # England: each venue in an LSOA chosen by its population
        postcodes = [(p.postcode, p.latitude, p.longitude) for p in made]
        venue_places = iter(rng.choices(postcodes, weights=weights, k=LOCATIONS))
    with transaction.atomic():
        providers = Provider.objects.bulk_create(
            [Provider(name=f"Group {n}", description="A local group.") for n in range(SERVICES // 20)],
            batch_size=2000,
        )
        locations = []
        for n in range(LOCATIONS):
            code, lat, lon = next(venue_places) if weights is not None else rng.choice(postcodes)
            locations.append(
                Location(
                    name=f"Venue {n}",
                    postal_code=code,
                    latitude=lat + rng.uniform(-0.003, 0.003),
                    longitude=lon + rng.uniform(-0.003, 0.003),
                    wheelchair_accessible=rng.random() < 0.7,
                )
            )
        Location.objects.bulk_create(locations, batch_size=2000)
        services, links, schedules = [], [], []
        for n in range(SERVICES):
            kind = rng.choice(KINDS)
            services.append(
                Service(
                    provider=rng.choice(providers),
                    name=f"{kind.title()} {n}",
                    listing_status=ListingStatus.PUBLISHED,
                    description=" ".join(rng.sample(WORDS, 6)) + f" {kind}",
                    cost=rng.choice(["free", "paid"]),
                )
            )
        Service.objects.bulk_create(services, batch_size=2000)
        for service in services:
            links.append(ServiceAtLocation(service=service, location=rng.choice(locations)))
            days = ",".join(sorted(rng.sample(DAYS, rng.choice([1, 1, 2])), key=DAYS.index))
            opens = rng.choice([9, 10, 12, 14, 18])
            # bulk_create skips save(), so the day mask is set here as save() would.
            schedules.append(
                Schedule(
                    service=service,
                    byday=days,
                    days_mask=weekday_mask(days),
                    opens_at=clock(opens),
                    closes_at=clock(opens + 2),
                )
            )
        ServiceAtLocation.objects.bulk_create(links, batch_size=2000)
        Schedule.objects.bulk_create(schedules, batch_size=2000)
    built = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        fulltext.rebuild_all()
    indexed = time.perf_counter() - started
    return postcodes, built, indexed


def oruk_paging(client):
    """Milliseconds (p50, p95) for the first, middle and last page of /oruk/services, each answer
    dropped from the cache before it is asked for, and the floor: counting the public listings."""
    from django.core.cache import cache

    from directory.selectors import public_listings

    pages = -(-public_listings().count() // ORUK_PER_PAGE)
    figures = {}
    for label, page in [("first", 1), ("middle", (pages + 1) // 2), ("last", pages)]:
        asked = {"page": str(page), "per_page": str(ORUK_PER_PAGE)}
        key = kept.key("oruk-services", *sorted((k, [v]) for k, v in asked.items()))

        def ask(asked=asked, key=key):
            cache.delete(key)
            response = client.get("/oruk/services", asked)
            assert response.status_code == 200, response.content[:300]

        figures[f"{label} page ({page})"] = percentiles(ask, ORUK_REPEATS)
    figures["floor: count the listings"] = percentiles(lambda: public_listings().count(), ORUK_REPEATS)
    print(f"/oruk/services, {ORUK_PER_PAGE} a page, {pages:,} pages; each asked afresh, ms:")
    for label, times in figures.items():
        print(f"  {label:30} p50 {times['p50']:7.2f}   p95 {times['p95']:7.2f}")


def main():
    rng = random.Random(7)
    postcodes, built, indexed = build(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    print(f"directory benchmark: {SERVICES:,} listings at {LOCATIONS:,} venues ({SPREAD}); {machine()}")
    if PART == "oruk":
        oruk_paging(client)
        return 0
    queries = []
    for _ in range(QUERIES):
        code = rng.choice(postcodes)[0]
        queries.append(
            {
                "q": rng.choice(KINDS).split()[0],
                "postcode": code,
                "miles": rng.choice(["1", "3"]),
                "day": str(rng.randrange(7)),
                "order": rng.choice(["relevance", "distance"]),
            }
        )
    cycle = iter(queries * 3)

    def api():
        response = client.get("/api/directory/listings/", next(cycle))
        assert response.status_code == 200, response.content[:300]

    floor_cycle = iter(queries * 3)

    def floor():
        """The SQL the search runs, executed directly: every match in order, then one page."""
        form = ListingSearchForm(next(floor_cycle))
        assert form.is_valid(), form.errors
        matches = search_listings(form.search()).values_list("pk", "distance_miles")
        try:
            sql, params = matches.query.sql_with_params()
        except EmptyResultSet:  # nothing near (in the sparse countryside): the API runs no query either
            return
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()[:20]]
            if ids:  # no matches: the API makes no page query either
                page_sql, page_params = Service.objects.filter(pk__in=ids).query.sql_with_params()
                cursor.execute(page_sql, page_params)
                cursor.fetchall()

    sample = client.get("/api/directory/listings/", queries[0]).json()
    api_times = percentiles(api, QUERIES)
    floor_times = percentiles(floor, QUERIES)
    print(
        f"built in {built:.1f} s; full-text indexed in {indexed:.1f} s "
        f"({SERVICES / indexed:,.0f} listings a second)"
    )
    print(f"example query {queries[0]} -> {sample['count']} results")
    print(f"{QUERIES} queries of words + distance (1 or 3 miles) + day, ms:")
    print(f"  search API   p50 {api_times['p50']:7.2f}   p95 {api_times['p95']:7.2f}")
    print(f"  SQL floor    p50 {floor_times['p50']:7.2f}   p95 {floor_times['p95']:7.2f}")
    ratio = api_times["p95"] / floor_times["p95"]
    print(
        f"  API p95 is {ratio:.1f}x the SQL floor (target under 3x); target p95 under 50 ms: "
        f"{'met' if api_times['p95'] < 50 else 'NOT met'}"
    )
    oruk_paging(client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
