"""The public directory pages ask the database a fixed number of questions, however many listings a
page shows: no query per listing, venue, session or category (bench/pages.py measures these pages
under load; a query per result would multiply their cost by the page size)."""

import re
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from places.tests.factories import PostcodeFactory

# A visitor who is not signed in: search (words and a postcode), a listing, the ORUK list.
SEARCH = {"q": "walking", "postcode": "M32 0TH"}


def make_listings(count: int) -> list:
    """``count`` walking groups near M32 0TH, each with two venues, two sessions and a category."""
    term = TaxonomyTermFactory(name="Walking")
    listings = []
    for n in range(count):
        venues = [
            LocationFactory(latitude=53.4465 + n / 10000, longitude=-2.3076),
            LocationFactory(latitude=53.4470, longitude=-2.3076 + n / 10000),
        ]
        listing = ServiceFactory(
            name=f"Walking group {n}", description="A walking group", at=venues, categories=[term]
        )
        ScheduleFactory(service=listing, byday="TU", opens_at=time(10), closes_at=time(11))
        ScheduleFactory(service=listing, byday="TH", opens_at=time(14), closes_at=time(15))
        listings.append(listing)
    return listings


def queries_for(client, path: str, data=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def postcode(db):
    return PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)


@pytest.mark.parametrize(
    ("path", "data", "shows"),
    [
        ("/directory/", SEARCH, "Walking group"),
        ("/oruk/services", None, "Walking group"),
    ],
)
def test_a_list_page_asks_as_many_questions_for_twenty_listings_as_for_one(
    client, postcode, path, data, shows
):
    make_listings(1)
    few, page = queries_for(client, path, data)
    assert page.count(shows) >= 1
    make_listings(19)
    many, page = queries_for(client, path, data)
    assert page.count(shows) >= 20
    assert many == few
    assert many <= 12


def test_a_listing_page_asks_a_fixed_number_of_questions(client, postcode):
    listing = make_listings(1)[0]
    count, page = queries_for(client, f"/directory/listings/{listing.pk}/")
    assert "Walking group 0" in page
    # The listing, then one query each for its categories (with their taxonomy), sessions, venues
    # (with postcode and local authority), costs, languages, contacts and areas served; and for the
    # Open Referral UK form of it, its venues' accessibility entries, its organisation's identifiers
    # and its funding; and the funds that gave it a grant ("Funded by", directory.funders).
    assert count <= 12
    more = make_listings(1)[0]
    for n in range(3):
        ScheduleFactory(service=more, byday="MO", opens_at=time(9 + n), closes_at=time(10 + n))
    more.service_at_locations.create(location=LocationFactory())
    assert queries_for(client, f"/directory/listings/{more.pk}/")[0] == count


def test_a_visitor_who_is_not_signed_in_gets_no_session_or_cookie(client, postcode):
    """Each public page costs no session row and sets no cookie: nothing is written per visit."""
    listing = make_listings(1)[0]
    for path, data in (
        ("/directory/", SEARCH),
        (f"/directory/listings/{listing.pk}/", None),
        ("/oruk/services", None),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, data)
        assert response.status_code == 200
        assert not response.cookies, path
        # A read on PostgreSQL may come as a server-side cursor (DECLARE … CURSOR FOR SELECT).
        writes = [
            q["sql"]
            for q in queries
            if not re.match(r"(DECLARE .* CURSOR FOR )?SELECT", q["sql"].lstrip(), re.I)
        ]
        assert writes == [], path
