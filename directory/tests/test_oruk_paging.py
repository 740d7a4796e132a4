"""/oruk/services pages found by their first row (directory.oruk.paging) are the pages OFFSET gave:
every listing once, in order, across all pages, also when listings come and go between requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import ListingStatus
from directory.selectors import public_listings
from directory.tests.factories import ServiceFactory

PER_PAGE = 3


@pytest.fixture
def listings(db):
    # Names shared by several listings: their order is settled by id, across page boundaries too.
    names = ["Art class", "Book group", "Book group", "Book group", "Choir", "Choir", "Dance"]
    names += ["Football", "Football", "Garden club", "Lunch club"]
    made = [ServiceFactory(name=name) for name in names]
    ServiceFactory(name="Book group", listing_status=ListingStatus.DRAFT)  # never listed
    return made


def offset_pages(per_page=PER_PAGE, **filters):
    """What LIMIT/OFFSET over the public listings in name, id order gives, page by page."""
    ids = [
        str(pk)
        for pk in public_listings().filter(**filters).order_by("name", "pk").values_list("pk", flat=True)
    ]
    return [ids[i : i + per_page] for i in range(0, len(ids), per_page)]


def page(client, number, **asked):
    body = client.get("/oruk/services", {"per_page": PER_PAGE, "page": number, **asked}).json()
    return body, [item["id"] for item in body["contents"]]


def test_walking_every_page_gives_every_listing_once_in_order(client, listings):
    expected = offset_pages()
    served = []
    for number in range(1, len(expected) + 1):
        body, ids = page(client, number)
        assert (body["total_items"], body["total_pages"], body["page_number"]) == (11, 4, number)
        assert body["last_page"] is (number == 4)
        served.append(ids)
    assert served == expected
    assert sorted(sum(served, [])) == sorted(str(s.pk) for s in listings)


def test_a_page_past_the_last_is_empty(client, listings):
    body, ids = page(client, 5)
    assert ids == [] and body["empty"] is True and body["total_items"] == 11


def test_each_size_of_page_has_its_own_first_rows(client, listings):
    for per_page in (1, 2, 4, 11, 50):
        expected = offset_pages(per_page)
        served = [
            [
                i["id"]
                for i in client.get("/oruk/services", {"per_page": per_page, "page": n}).json()["contents"]
            ]
            for n in range(1, len(expected) + 1)
        ]
        assert served == expected


def test_a_listing_added_between_requests_is_paged_as_offset_would_page_it(client, listings):
    page(client, 1)
    ServiceFactory(name="Book group")  # sorts within the first page: everything after moves on one
    for number, expected in enumerate(offset_pages(), start=1):
        assert page(client, number)[1] == expected
    assert page(client, 1)[0]["total_items"] == 12


def test_a_listing_removed_between_requests_is_paged_as_offset_would_page_it(client, listings):
    page(client, 2)
    listings[1].delete()
    listings[5].listing_status = ListingStatus.DRAFT  # and one taken down
    listings[5].save()
    for number, expected in enumerate(offset_pages(), start=1):
        assert page(client, number)[1] == expected
    assert page(client, 1)[0]["total_items"] == len(sum(offset_pages(), []))


def test_a_later_page_seeks_by_its_first_row_rather_than_counting_past_rows(client, listings):
    page(client, 1)  # the pages' first rows are now kept
    with CaptureQueriesContext(connection) as queries:
        assert page(client, 4)[1] == offset_pages()[3]
    listing_queries = [q["sql"] for q in queries if 'FROM "directory_service"' in q["sql"]]
    assert listing_queries, "the page was not read from the database"
    assert not any("OFFSET" in sql.upper() for sql in listing_queries)


def test_filtered_and_searched_lists_page_as_offset_would(client, listings):
    provider = listings[2].provider
    listings[3].provider = provider
    listings[3].save()
    expected = offset_pages(provider=provider)
    assert [
        page(client, n, organization_id=str(provider.pk))[1] for n in range(1, len(expected) + 1)
    ] == expected
    # A search by words is ordered by rank: paged with OFFSET, still every match once.
    matched = [page(client, n, search="club")[1] for n in (1, 2)]
    assert sorted(sum(matched, [])) == sorted(str(s.pk) for s in listings if "club" in s.name.lower())


def test_pages_too_small_for_each_first_row_to_be_kept_are_counted_from_a_kept_one(
    client, listings, monkeypatch
):
    monkeypatch.setattr("directory.oruk.paging.MOST_STARTS_KEPT", 2)  # every other page's first row
    for per_page in (1, 2, 3):
        expected = offset_pages(per_page)
        served = [
            [
                i["id"]
                for i in client.get("/oruk/services", {"per_page": per_page, "page": n}).json()["contents"]
            ]
            for n in range(1, len(expected) + 2)
        ]
        assert served == [*expected, []]
