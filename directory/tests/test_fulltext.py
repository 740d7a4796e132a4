"""PostgreSQL indexes listings in SQL (directory.fulltext.POSTGRES_FACTS and POSTGRES_WORDS): the
facts and words it writes are the ones the Python description of a listing gives."""

from datetime import time

import pytest
from django.db import connection

from directory import fulltext
from directory.models import SearchKey, Service
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory, TaxonomyTermFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite indexes from the Python description itself"
)


def _lexemes(cursor, sql, params):
    """(lexeme, weights) pairs of a tsvector: positions aside, which ranking does not use."""
    cursor.execute(f"SELECT lexeme, weights FROM unnest(({sql}))", params)  # noqa: S608 - the tests' own SQL
    return sorted((lexeme, tuple(sorted(weights))) for lexeme, weights in cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.parametrize("venues", [0, 1, 3])
def test_sql_indexing_writes_the_facts_and_words_python_describes(venues):
    halls = [
        LocationFactory(
            name=f"St Hilda's Hall {n}", city="Stretford", latitude=53.44 + n / 100, longitude=-2.3 - n / 50
        )
        for n in range(venues)
    ]
    # A venue with a latitude and no longitude (a feed can send one) places nothing.
    halls.append(LocationFactory(name="Half placed", city="Sale", latitude=53.5, longitude=None))
    listing = ServiceFactory(
        name="Knit and natter",
        description="Bring your needles; tea and company",
        how_to_join="Just turn up",
        eligibility="Adults",
        at=halls,
        categories=[TaxonomyTermFactory(name="Crafts"), TaxonomyTermFactory(name="Meeting people")],
    )
    ScheduleFactory(service=listing, byday="TU,TH", opens_at=time(10), closes_at=time(12))
    ScheduleFactory(service=listing, byday="SA", opens_at=time(14), closes_at=time(16))
    fulltext.index_services([listing])

    listing = Service.objects.prefetch_related("terms", "locations", "schedules").get(pk=listing.pk)
    described = fulltext._with_facts(SearchKey(service_id=listing.pk), listing)
    written = SearchKey.objects.get(service=listing)
    assert [getattr(written, fact) for fact in fulltext.FACTS] == [
        getattr(described, fact) for fact in fulltext.FACTS
    ]
    assert written.venues == venues and written.days_mask == 0b0010_1010  # Tuesday, Thursday, Saturday

    name, body = fulltext._document(listing)
    with connection.cursor() as cursor:
        expected = _lexemes(
            cursor,
            "setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B')",
            [name, body],
        )
        written_words = f"SELECT document FROM {fulltext.KEYS} WHERE service_id = %s"  # noqa: S608
        actual = _lexemes(cursor, written_words, [listing.pk])
    assert actual == expected
    weights = dict(actual)
    assert ("hilda" in weights) == bool(venues)  # the venues' names
    assert set(weights["natter"]) == {"A"} and set(weights["craft"]) == {"B"}


@pytest.mark.django_db
def test_a_listing_changed_is_indexed_again_and_a_listing_deleted_leaves_nothing():
    listing = ServiceFactory(name="Lunch club", description="A hot meal")
    assert Service.objects.filter(pk__in=fulltext.ids_matching("lunch")).get() == listing
    listing.name = "Supper club"
    listing.save()
    fulltext.index_services([listing])
    assert not Service.objects.filter(pk__in=fulltext.ids_matching("lunch")).exists()
    assert Service.objects.filter(pk__in=fulltext.ids_matching("supper")).get() == listing
    listing.delete()
    assert not SearchKey.objects.exists()


@pytest.mark.django_db
def test_rebuilding_everything_writes_what_indexing_each_listing_wrote():
    hall = LocationFactory(name="Sale Moor Hall", city="Sale", latitude=53.42, longitude=-2.31)
    listings = [
        ServiceFactory(name="Lunch club", description="A hot meal", at=[hall]),
        ServiceFactory(name="Choir", description="Sing", categories=[TaxonomyTermFactory(name="Music")]),
        ServiceFactory(name="Telephone befriending", description="A weekly call"),
    ]
    ScheduleFactory(service=listings[0], byday="MO", opens_at=time(12), closes_at=time(14))
    fulltext.index_services(listings)
    with connection.cursor() as cursor:
        each = {
            key.service_id: ([getattr(key, fact) for fact in fulltext.FACTS], _lexemes(cursor, sql, [key.pk]))
            for key in SearchKey.objects.all()
            for sql in [f"SELECT document FROM {fulltext.KEYS} WHERE id = %s"]  # noqa: S608
        }
        SearchKey.objects.update(days_mask=0, venues=0)  # stale facts the rebuild must replace
        assert fulltext.rebuild_all() == 3
        rebuilt = {
            key.service_id: ([getattr(key, fact) for fact in fulltext.FACTS], _lexemes(cursor, sql, [key.pk]))
            for key in SearchKey.objects.all()
            for sql in [f"SELECT document FROM {fulltext.KEYS} WHERE id = %s"]  # noqa: S608
        }
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [fulltext.KEYS])
        indexes = {row[0] for row in cursor.fetchall()}
        # The keys were rewritten in the order of the box index, and PostgreSQL remembers it for
        # the next `CLUSTER directory_searchkey` (docs/operations.md).
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND i.indisclustered",
            [fulltext.KEYS],
        )
        clustered_on = [row[0] for row in cursor.fetchall()]
    assert rebuilt == each and len(each) == 3
    assert {f"{fulltext.KEYS}_document", f"{fulltext.KEYS}_area"} <= indexes
    assert clustered_on == [f"{fulltext.KEYS}_area"]
    assert Service.objects.filter(pk__in=fulltext.ids_matching("music")).get() == listings[1]


@pytest.mark.django_db
def test_a_search_by_words_and_place_checks_the_words_of_the_listings_in_the_place():
    """The words are checked on each listing the place's box reaches, never offered to the planner
    as an index to combine (a broad word's index scan read a third of a national directory), and
    the nearby listings are not fetched first as a list of ids."""
    from django.test.utils import CaptureQueriesContext

    from directory.forms import ListingSearchForm
    from directory.selectors import search_listings
    from places.tests.factories import PostcodeFactory

    PostcodeFactory(postcode="M33 7ZZ", latitude=53.42, longitude=-2.31)
    hall = LocationFactory(name="Sale Moor Hall", city="Sale", latitude=53.421, longitude=-2.311)
    far = LocationFactory(name="Far Hall", city="Carlisle", latitude=54.89, longitude=-2.93)
    near_club = ServiceFactory(name="Lunch club", description="A hot meal", at=[hall])
    ServiceFactory(name="Lunch club far away", description="A hot meal", at=[far])
    ServiceFactory(name="Choir", description="Sing", at=[hall])
    fulltext.index_services(Service.objects.all())

    placed = ListingSearchForm({"q": "lunch", "postcode": "M33 7ZZ", "miles": "3"})
    assert placed.is_valid(), placed.errors
    with CaptureQueriesContext(connection) as queries:
        found = list(search_listings(placed.search()))
    assert found == [near_club]
    search_sql = queries.captured_queries[-1]["sql"]
    assert "ts_match_vq(" in search_sql and " @@ " not in search_sql
    assert '"directory_service"."id" IN (' not in search_sql  # no list of nearby ids fetched first
    # Words alone still use the words' index.
    words_only = ListingSearchForm({"q": "lunch"})
    assert words_only.is_valid(), words_only.errors
    sql = str(search_listings(words_only.search()).query)
    assert " @@ " in sql and "ts_match_vq" not in sql
