"""Searches and result cards are kept in the cache (directory.kept), and every change to what they
are made from is seen by the next search: a listing renamed, added, unpublished or deleted, a
session changed, a venue moved, an organisation renamed, a category added."""

from datetime import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import fulltext
from directory.models import ListingStatus, Service
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory, TaxonomyTermFactory
from directory.tests.test_page_queries import SEARCH, make_listings
from places.tests.factories import PostcodeFactory


@pytest.fixture
def postcode(db):
    return PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)


def search(client, data=SEARCH) -> str:
    response = client.get("/directory/", data)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, data=SEARCH) -> int:
    with CaptureQueriesContext(connection) as asked:
        search(client, data)
    return len(asked)


def test_the_same_search_again_asks_the_database_only_about_the_postcode_and_categories(client, postcode):
    make_listings(20)
    first = queries(client)
    again = queries(client)
    # The postcode's place, the categories for the form's list, the session; nothing about listings.
    assert again <= 4 < first


def test_a_search_reading_a_replica_just_after_a_change_keeps_nothing(client, postcode, monkeypatch):
    """A replica may not have replayed a change yet: the search, its cards and its form are worked
    out afresh (nothing kept from the replica's rows) until the change is older than the pin."""
    make_listings(5)  # each save is a change: the generation is seconds old
    monkeypatch.setattr("common.kept.reads_go_to_replicas", lambda: True)
    first = queries(client)
    assert queries(client) == first  # the same questions again: nothing was kept
    assert not [key for key in cache._cache if ":card:" in key]  # nor any result card's HTML
    monkeypatch.setattr("common.kept.reads_go_to_replicas", lambda: False)  # the primary's reads
    queries(client)
    monkeypatch.setattr("common.kept.reads_go_to_replicas", lambda: True)
    assert queries(client) <= 4 < first  # what a request reading the primary kept is read by all


def test_a_renamed_listing_shows_its_new_name_at_once(client, postcode):
    listing = make_listings(1)[0]
    assert "Walking group 0" in search(client)
    listing.name = "Walking group of Stretford"
    listing.save()
    fulltext.index_services([listing])
    page = search(client)
    assert "Walking group of Stretford" in page
    assert "Walking group 0" not in page


def test_a_new_listing_is_found_and_an_unpublished_or_deleted_one_is_not(client, postcode):
    first, second = make_listings(2)
    assert "2 results" in search(client)
    make_listings(1)  # "Walking group 0" again: three now
    assert "3 results" in search(client)
    first.listing_status = ListingStatus.DRAFT
    first.save()
    assert "2 results" in search(client)
    Service.objects.filter(pk=second.pk).delete()
    assert "1 result" in search(client)


def test_a_changed_session_shows_on_the_card(client, postcode):
    listing = make_listings(1)[0]
    assert "Every Tuesday" in search(client)
    schedule = listing.schedules.get(byday="TU")
    schedule.byday = "FR"
    schedule.save()
    page = search(client)
    assert "Every Friday" in page
    assert "Every Tuesday" not in page


def test_a_venue_moved_out_of_reach_takes_its_listing_out_of_the_search(client, postcode):
    far_away = LocationFactory(name="Far hall", latitude=54.5, longitude=-2.3076)
    listing = ServiceFactory(name="Walking far", description="A walking group", at=[far_away])
    ScheduleFactory(service=listing, byday="MO", opens_at=time(9), closes_at=time(10))
    assert "Walking far" not in search(client)
    far_away.latitude = 53.4466
    far_away.save()
    fulltext.index_services([listing])
    assert "Walking far" in search(client)


def test_an_organisation_renamed_and_a_category_added_show_at_once(client, postcode):
    listing = make_listings(1)[0]
    hiking = TaxonomyTermFactory(name="Hiking")
    by_category = {**SEARCH, "category": hiking.slug}
    assert "0 results" in search(client, by_category)
    provider = listing.provider
    provider.name = "Stretford Ramblers"
    provider.save()
    assert "Stretford Ramblers" in search(client)
    listing.terms.add(hiking)
    assert "1 result" in search(client, by_category)


def test_what_is_kept_is_the_same_as_what_is_worked_out(client, postcode):
    make_listings(3)
    fresh = search(client)
    kept = search(client)
    # Only the CSRF token and the CSP nonce (none on a GET form) could differ; the results do not.
    assert fresh.split('id="results-heading"')[1] == kept.split('id="results-heading"')[1]


def test_a_card_kept_for_one_search_shows_the_distance_of_another(client, db):
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    PostcodeFactory(postcode="M32 9AA", latitude=53.4755, longitude=-2.3076)  # 2 miles north
    make_listings(1)
    assert "0.0 miles away" in search(client)
    page = search(client, {**SEARCH, "postcode": "M32 9AA"})
    assert "2.0 miles away" in page
    assert "0.0 miles away" not in page


def test_every_part_of_a_search_is_part_of_what_it_is_kept_under():
    """Two searches that differ in any one part are never answered from each other's kept matches
    (a part added to ListingSearch later is in the key without anyone remembering to add it)."""
    import dataclasses

    from directory.models import TaxonomyTerm
    from directory.selectors import ListingSearch, _search_key
    from places.geo import Point

    different = {
        "text": "walk",
        "terms": (TaxonomyTerm(pk=7),),
        "near": Point(53.4, -2.3),
        "miles": 5.0,
        "covering": ("E05000001",),
        "whole_district": ("E08000009",),
        "day": 2,
        "starts_after": time(9),
        "ends_before": time(17),
        "free_only": True,
        "wheelchair_accessible": True,
        "minimum_age": 18,
        "maximum_age": 65,
        "provider_id": "abc",
        "order": "name",
    }
    plain = _search_key(ListingSearch())
    for part in dataclasses.fields(ListingSearch):
        assert part.name in different, f"test_kept does not try a search differing in {part.name}"
        assert _search_key(ListingSearch(**{part.name: different[part.name]})) != plain, part.name


def test_a_listing_page_kept_for_its_editor_is_still_refused_to_a_visitor(client, make_user):
    from accounts.models import Role
    from accounts.tests.factories import OrganisationFactory
    from common.testing import sign_in

    organisation = OrganisationFactory(name="Stretford Neighbours")
    draft = ServiceFactory(
        name="Stretford draft",
        provider__owner=organisation,
        owner=organisation,
        listing_status=ListingStatus.DRAFT,
    )
    path = f"/directory/listings/{draft.pk}/"
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=organisation)
    sign_in(client, editor)
    assert "Stretford draft" in client.get(path).content.decode()  # now kept in the cache
    client.logout()
    assert client.get(path).status_code == 404


def test_a_listing_page_shows_a_change_to_its_contacts_costs_and_publishing_at_once(client, db):
    from directory.models import Contact, CostOption

    listing = ServiceFactory(name="Stretford lunch club")
    path = f"/directory/listings/{listing.pk}/"
    assert client.get(path).status_code == 200
    contact = Contact.objects.create(service=listing, title="Organiser", phone="0161 000 0001")
    assert "0161 000 0001" in client.get(path).content.decode()
    contact.phone = "0161 000 0002"
    contact.save()
    page = client.get(path).content.decode()
    assert "0161 000 0002" in page and "0161 000 0001" not in page
    CostOption.objects.create(service=listing, option="Lunch", amount="3.50")
    assert "3.50" in client.get(path).content.decode()
    listing.listing_status = ListingStatus.ARCHIVED
    listing.save()
    assert client.get(path).status_code == 404


def test_the_open_referral_list_shows_a_change_at_once_and_keeps_refusing_a_bad_parameter(client, db):
    listing = ServiceFactory(name="Stretford lunch club")
    assert client.get("/oruk/services").json()["contents"][0]["name"] == "Stretford lunch club"
    listing.name = "Stretford supper club"
    listing.save()
    assert client.get("/oruk/services").json()["contents"][0]["name"] == "Stretford supper club"
    ServiceFactory(name="Another")
    assert client.get("/oruk/services").json()["total_items"] == 2
    assert client.get("/oruk/services", {"per_page": 1}).json()["size"] == 1
    for _ in range(2):
        refused = client.get("/oruk/services", {"per_page": "lots"})
        assert refused.status_code == 400 and refused.json()["parameter"] == "per_page"


def test_the_search_form_kept_for_one_search_shows_another_searchs_words_and_a_new_category(client, postcode):
    make_listings(1)
    assert 'value="walking"' in search(client)
    page = search(client, {**SEARCH, "q": "walk"})
    assert 'value="walk"' in page and 'value="walking"' not in page
    TaxonomyTermFactory(name="Allotments")
    assert "Allotments" in search(client, {**SEARCH, "q": "walk"})
    refused = search(client, {**SEARCH, "miles": "far"})
    assert "govuk-error-message" in refused and 'value="walk"' not in refused


def test_a_results_page_asks_the_cache_for_its_cards_in_one_go(client, postcode, monkeypatch):
    make_listings(3)
    search(client)  # the cards are kept
    asked_together: list[list[str]] = []
    asked_alone: list[str] = []
    get, get_many = cache.get, cache.get_many
    inside_get_many = []  # the memory cache's get_many asks get for each key

    def recording_get(key, *args, **kwargs):
        if not inside_get_many:
            asked_alone.append(key)
        return get(key, *args, **kwargs)

    def recording_get_many(keys, *args, **kwargs):
        asked_together.append([key for key in keys if ":card:" in key])
        inside_get_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(cache, "get", recording_get)
    monkeypatch.setattr(cache, "get_many", recording_get_many)
    page = search(client)
    assert [len(keys) for keys in asked_together if keys] == [3]
    assert not [key for key in asked_alone if ":card:" in key]
    assert page.count("Walking group") >= 3
