"""SQLite's full-text index holds where each listing is as words of its own (directory.fulltext:
grid squares and service areas), so a search by words and place is one intersection in the index.
The squares a search names must hold every venue in its box; the answers must be the ones the
words alone give, checked for the place; and the words still rank a name above a description."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from directory import fulltext
from directory.models import Service
from directory.selectors import ListingSearch, search_listings
from directory.tests.factories import LocationFactory, ServiceFactory
from places.geo import BoundingBox, Point, bounding_box

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL finds the place by its GiST index on the box"
)

latitudes = st.floats(min_value=49.0, max_value=61.0)
longitudes = st.floats(min_value=-8.5, max_value=2.0)


@settings(max_examples=300, deadline=None)
@given(
    latitude=latitudes,
    longitude=longitudes,
    miles=st.sampled_from([0.5, 1, 2, 3, 5, 10]),
    north=st.floats(min_value=-1, max_value=1),
    east=st.floats(min_value=-1, max_value=1),
)
def test_the_squares_a_search_names_hold_every_venue_in_its_box(latitude, longitude, miles, north, east):
    box = bounding_box(Point(latitude, longitude), miles)
    # A venue anywhere in the box, its edges included.
    venue = (
        box.min_latitude + (box.max_latitude - box.min_latitude) * (north + 1) / 2,
        box.min_longitude + (box.max_longitude - box.min_longitude) * (east + 1) / 2,
    )
    cells = fulltext._cells_of(box, ())
    assert cells is not None and len(cells) <= fulltext.MOST_CELLS
    assert set(fulltext.place_words([venue], ()).split()) & set(cells)


def test_a_box_too_big_for_the_largest_squares_names_none():
    assert fulltext._cells_of(BoundingBox(50.0, 55.0, -5.0, 1.0), ()) is None


def test_place_words_are_single_words_the_index_keeps_as_they_are():
    words = fulltext.place_words([(53.4465, -2.3076)], ["E08000009", "e05 000-820", ""])
    assert words.split() == sorted(set(words.split()))
    assert "ckae08000009" in words.split() and "ckae05000820" in words.split()
    assert len([w for w in words.split() if w.startswith("ckg")]) == len(fulltext.CELL_DEGREES)
    assert all(w.isalnum() and w[-1].isdigit() for w in words.split())  # the porter stemmer leaves them


@pytest.fixture
def crowded(db):
    """A town centre with two dozen venues (more than PLACE_FIRST_VENUES is lowered to below), a
    village outside its 1-mile box but in the same large squares, and a listing serving the area."""
    listings = {}
    for n in range(24):
        hall = LocationFactory(name=f"Hall {n}", city="Sale", latitude=53.42 + n * 0.0004, longitude=-2.31)
        listings[f"hall{n}"] = ServiceFactory(
            name=f"Club {n}", description="community lunch" if n % 2 else "choir", at=[hall]
        )
    village = LocationFactory(name="Village hall", city="Warburton", latitude=53.40, longitude=-2.45)
    listings["village"] = ServiceFactory(name="Village lunch", description="community", at=[village])
    phone = ServiceFactory(name="Phone lunch friends", description="community calls", at=[])
    phone.service_areas.create(name="Trafford", area_code="E08000009")
    listings["phone"] = phone
    fulltext.index_services(Service.objects.all())
    return listings


@sqlite_only
def test_a_search_in_a_crowded_place_asks_the_index_for_the_place_too_and_finds_what_the_words_alone_find(
    crowded, monkeypatch
):
    import directory.selectors as selectors

    monkeypatch.setattr(selectors, "PLACE_FIRST_VENUES", 5)
    search = ListingSearch(
        text="community lunch", near=Point(53.425, -2.31), miles=1, covering=("E08000009",), order="distance"
    )
    with CaptureQueriesContext(connection) as queries:
        found = [s.name for s in search_listings(search)]
    assert "cells : (ckg" in " ".join(q["sql"] for q in queries.captured_queries)
    # The odd halls (the words), not the village (a mile and more away), and the phone line by its area.
    assert sorted(found) == sorted([*(f"Club {n}" for n in range(1, 24, 2)), "Phone lunch friends"])
    # The same as the words alone, each then checked for its place.
    monkeypatch.setattr(fulltext, "MOST_CELLS", 0)
    with CaptureQueriesContext(connection) as queries:
        alone = [s.name for s in search_listings(search)]
    assert "cells :" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert alone == found


@sqlite_only
def test_indexing_a_listing_again_after_its_venue_moved_rewrites_its_place_words(crowded, monkeypatch):
    import directory.selectors as selectors

    monkeypatch.setattr(selectors, "PLACE_FIRST_VENUES", 5)
    village = crowded["village"]
    hall = village.locations.get()
    search = ListingSearch(text="village", near=Point(53.425, -2.31), miles=1)
    assert list(search_listings(search)) == []
    hall.latitude, hall.longitude = 53.421, -2.311
    hall.save()
    fulltext.index_services([village])
    assert list(search_listings(search)) == [village]


@pytest.mark.django_db
def test_a_name_ranks_above_the_same_word_in_a_description():
    # The description says it twice, the name once: the name still comes first.
    ServiceFactory(name="Wednesday club", description="A garden to grow vegetables in, a garden together")
    ServiceFactory(name="Garden club", description="Wednesday afternoons growing vegetables, all together")
    fulltext.index_services(Service.objects.all())
    found = [s.name for s in search_listings(ListingSearch(text="garden", order="relevance"))]
    assert found == ["Garden club", "Wednesday club"]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_that_adds_place_words_indexes_every_listing_again(monkeypatch):
    from django.core.management import call_command

    import directory.selectors as selectors

    def columns():
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA table_info({fulltext.TABLE})")
            return [row[1] for row in cursor.fetchall()]

    hall = LocationFactory(name="Sale Moor Hall", latitude=53.42, longitude=-2.31)
    lunch = ServiceFactory(name="Lunch club", at=[hall])
    call_command("migrate", "directory", "0008", verbosity=0)
    try:
        assert "cells" not in columns()
    finally:
        call_command("migrate", verbosity=0)
    assert "cells" in columns()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cells FROM {fulltext.TABLE}")  # noqa: S608 - a constant table name
        assert [row[0] for row in cursor.fetchall()] == [fulltext.place_words([(53.42, -2.31)], ())]
    monkeypatch.setattr(selectors, "PLACE_FIRST_VENUES", 0)
    assert list(search_listings(ListingSearch(text="lunch", near=Point(53.42, -2.31), miles=1))) == [lunch]


@sqlite_only
@pytest.mark.django_db
def test_sqlite_indexes_the_words_facts_and_place_words_the_model_describes():
    """SQLite reads each listing as plain rows (directory.fulltext._described); what it writes is
    what the Python description of the listing from its model gives."""
    from datetime import time

    from directory.models import SearchKey
    from directory.tests.factories import ScheduleFactory, TaxonomyTermFactory

    halls = [
        LocationFactory(name="St Hilda's Hall", city="Stretford", latitude=53.44, longitude=-2.3),
        LocationFactory(name="Old Trafford Library", city="Manchester", latitude=53.46, longitude=-2.28),
        LocationFactory(name="Online", city="", latitude=None, longitude=None),
        # A feed can send a latitude without a longitude: such a venue places nothing.
        LocationFactory(name="Half placed", city="Sale", latitude=53.5, longitude=None),
    ]
    listing = ServiceFactory(
        name="Knit and natter",
        description="Bring wool",
        how_to_join="Just come",
        eligibility="Adults",
        at=halls,
        categories=[TaxonomyTermFactory(name="Crafts"), TaxonomyTermFactory(name="Social")],
    )
    ScheduleFactory(service=listing, byday="MO", opens_at=time(10), closes_at=time(11))
    ScheduleFactory(service=listing, byday="TH", opens_at=time(10), closes_at=time(11))
    listing.service_areas.create(name="Trafford", area_code="E08000009")
    listing.service_areas.create(name="Nowhere in particular", area_code="")
    fulltext.index_services([listing])

    listing = Service.objects.get(pk=listing.pk)
    name, body = fulltext._document(listing)
    expected = fulltext._with_facts(SearchKey(), listing)
    key = SearchKey.objects.get(service=listing)
    assert [getattr(key, fact) for fact in fulltext.FACTS] == [
        getattr(expected, fact) for fact in fulltext.FACTS
    ]
    assert key.venues == 2 and key.days_mask == expected.days_mask != 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, body, cells FROM {fulltext.TABLE} WHERE rowid = %s",  # noqa: S608 - a constant name
            [key.pk],
        )
        written = cursor.fetchone()
    assert written[0] == name
    assert sorted(written[1].split()) == sorted(body.split())
    assert written[2] == fulltext.place_words([(53.44, -2.3), (53.46, -2.28)], ["E08000009"])


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["latitude", "longitude"])
def test_a_venue_is_placed_by_both_coordinates_or_neither(missing):
    from django.core.exceptions import ValidationError

    from directory.models import Location

    venue = Location(name="Hall", latitude=53.4, longitude=-2.3)
    setattr(venue, missing, None)
    with pytest.raises(ValidationError) as refused:
        venue.full_clean()
    assert refused.value.message_dict[missing] == ["Give both the latitude and the longitude, or neither."]
    Location(name="Online", latitude=None, longitude=None).full_clean()
