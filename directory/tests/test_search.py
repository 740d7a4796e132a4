"""Search gives the right listings for distance, day, time, cost, access and words."""

from datetime import time

import pytest

from directory.models import Service
from directory.selectors import ListingSearch, search_listings
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory, TaxonomyTermFactory
from places.geo import Point

CENTRE = Point(53.0, -2.0)
# Hand-worked distances from CENTRE (see places/tests/test_distance.py): 0.01 degree of latitude is
# 0.691 miles; 0.1 degree of longitude at 53 degrees north is 4.158 miles.


@pytest.fixture
def district(db):
    """Five listings at known places and times."""
    near = LocationFactory(name="Near hall", latitude=53.01, longitude=-2.0, wheelchair_accessible=True)
    middle = LocationFactory(name="Middle hall", latitude=53.04, longitude=-2.0)  # 2.76 miles
    east = LocationFactory(name="East hall", latitude=53.0, longitude=-1.9)  # 4.16 miles
    far = LocationFactory(name="Far hall", latitude=53.1, longitude=-2.0)  # 6.91 miles
    singing = TaxonomyTermFactory(name="Singing")
    listings = {
        "lunch": ServiceFactory(
            name="Lunch club",
            description="A hot meal and company",
            at=[near],
            cost=Service.Cost.PAY_WHAT_YOU_CAN,
        ),
        "choir": ServiceFactory(
            name="Community choir", description="Sing together", at=[middle, far], categories=[singing]
        ),
        "walk": ServiceFactory(name="Health walk", description="A gentle walk", at=[east]),
        "quiz": ServiceFactory(name="Pub quiz", description="Evening quiz", at=[far], cost=Service.Cost.PAID),
        "phone": ServiceFactory(name="Telephone befriending", description="A weekly call"),
    }
    ScheduleFactory(service=listings["lunch"], byday="TU,TH", opens_at=time(12), closes_at=time(14))
    ScheduleFactory(service=listings["choir"], byday="MO", opens_at=time(19), closes_at=time(21))
    ScheduleFactory(service=listings["walk"], byday="TU", opens_at=time(10), closes_at=time(11, 30))
    ScheduleFactory(service=listings["quiz"], byday="TU", opens_at=time(20), closes_at=time(22))
    ScheduleFactory(
        service=listings["phone"], freq="MONTHLY", byday="1WE", opens_at=time(9), closes_at=time(17)
    )
    return listings


def names(**criteria):
    return [s.name for s in search_listings(ListingSearch(**criteria))]


def test_within_three_miles_nearest_first_with_distances(district):
    found = list(search_listings(ListingSearch(near=CENTRE, miles=3, order="distance")))
    assert [s.name for s in found] == ["Lunch club", "Community choir"]
    assert [round(s.distance_miles, 2) for s in found] == [0.69, 2.76]


def test_distance_is_to_the_nearest_venue_of_a_listing(district):
    found = {s.name: s.distance_miles for s in search_listings(ListingSearch(near=CENTRE, miles=10))}
    assert found["Community choir"] == pytest.approx(0.04 * 69.0934, abs=0.01)  # not its far venue
    assert "Telephone befriending" not in found  # no venue, so no distance


def test_within_five_miles_leaves_out_the_far_listing(district):
    assert names(near=CENTRE, miles=5, order="distance") == ["Lunch club", "Community choir", "Health walk"]


def test_a_listing_covering_the_area_is_found_near_it_after_those_with_distances(district):
    district["phone"].service_areas.create(name="Trafford", area_code="E08000009")
    found = list(
        search_listings(
            ListingSearch(near=CENTRE, miles=3, covering=("E05000001", "E08000009"), order="distance")
        )
    )
    assert [s.name for s in found] == ["Lunch club", "Community choir", "Telephone befriending"]
    assert found[-1].distance_miles is None
    elsewhere = names(near=CENTRE, miles=3, covering=("E08000003",))
    assert "Telephone befriending" not in elsewhere
    assert names(text="befriending", near=CENTRE, miles=3, covering=("E08000009",)) == [
        "Telephone befriending"
    ]


def test_tuesday_finds_only_tuesday_listings(district):
    assert names(day=1) == ["Health walk", "Lunch club", "Pub quiz"]


def test_monthly_first_wednesday_counts_as_a_wednesday(district):
    assert names(day=2) == ["Telephone befriending"]


def test_tuesday_evening(district):
    assert names(day=1, starts_after=time(17)) == ["Pub quiz"]


def test_mornings_only(district):
    assert names(ends_before=time(12)) == ["Health walk"]


def test_free_only_leaves_out_pay_what_you_can_and_paid(district):
    assert names(free_only=True) == ["Community choir", "Health walk", "Telephone befriending"]


def test_wheelchair_accessible_venues_only(district):
    assert names(wheelchair_accessible=True) == ["Lunch club"]


def test_filters_combine(district):
    assert names(near=CENTRE, miles=5, day=1, free_only=True) == ["Health walk"]


@pytest.mark.parametrize("order", ["relevance", "distance", "name"])
def test_words_and_distance_combine_in_every_order(district, order):
    ServiceFactory(
        name="Lunch and learn",
        description="A talk with lunch",
        at=[LocationFactory(latitude=53.02, longitude=-2.0)],
    )  # 1.38 miles
    found = list(search_listings(ListingSearch(text="lunch", near=CENTRE, miles=3, order=order)))
    assert sorted(s.name for s in found) == ["Lunch and learn", "Lunch club"]
    assert all(s.distance_miles <= 3 for s in found)
    if order == "distance":
        assert [s.name for s in found] == ["Lunch club", "Lunch and learn"]


def test_every_filter_at_once(district):
    singing = district["choir"].terms.get()
    found = names(
        text="sing",
        terms=(singing,),
        near=CENTRE,
        miles=3,
        day=0,
        starts_after=time(17),
        free_only=True,
        order="distance",
    )
    assert found == ["Community choir"]


def test_words_match_name_and_description_by_prefix(district):
    assert names(text="walk") == ["Health walk"]
    assert names(text="sing") == ["Community choir"]  # "Sing together", and the Singing category
    assert names(text="meal compan") == ["Lunch club"]
    assert names(text="meal quiz") == []  # every word must match


def test_a_single_letter_is_a_whole_word_not_a_prefix(district):
    ServiceFactory(name="Men's shed", description="Woodwork and a cuppa")
    assert names(text="men's") == ["Men's shed"]  # "men" and the "s" after the apostrophe
    assert names(text="lunch c") == []  # "c" alone does not stand for "club" or "company"


def test_category_includes_its_narrower_categories(district):
    singing = district["choir"].terms.get()
    choirs = TaxonomyTermFactory(name="Choirs", parent=singing)
    ServiceFactory(name="Gospel choir", categories=[choirs])
    assert names(terms=(singing,)) == ["Community choir", "Gospel choir"]


def test_relevance_puts_a_name_match_first(district):
    ServiceFactory(name="Walking football", description="Football at walking pace")
    ServiceFactory(name="Knit and natter", description="Bring knitting; we sometimes walk to the park")
    assert names(text="walk")[-1] == "Knit and natter"


def test_typed_punctuation_cannot_break_the_search(district):
    for text in ['"', "walk*", "AND OR NOT", "-", "NEAR(", "'; drop table x; --", "ü"]:
        search_listings(ListingSearch(text=text)).count()  # no error on either database


def test_drafts_and_closed_listings_are_not_found(district):
    district["walk"].listing_status = "draft"
    district["walk"].save()
    district["quiz"].status = Service.Status.DEFUNCT
    district["quiz"].save()
    assert "Health walk" not in names() and "Pub quiz" not in names()


@pytest.mark.parametrize(
    "criteria",
    [
        {"text": "lunch"},
        {"near": CENTRE, "miles": 10, "order": "distance"},
        {"text": "walk", "near": CENTRE, "miles": 10},
        {},
    ],
)
def test_a_page_of_results_matches_the_full_search_in_order(district, criteria):
    from directory.selectors import search_page

    everything = list(search_listings(ListingSearch(**criteria)))
    page = search_page(ListingSearch(**criteria), 1, per_page=3)
    assert page.paginator.count == len(everything)
    assert [s.pk for s in page] == [s.pk for s in everything[:3]]
    for shown, full in zip(page, everything, strict=False):
        assert getattr(shown, "distance_miles", None) == getattr(full, "distance_miles", None)


@pytest.mark.parametrize("place_first_venues", [0, 300], ids=["words-first", "place-first"])
def test_both_ways_of_starting_a_search_give_the_same_answer(district, monkeypatch, place_first_venues):
    import directory.selectors as selectors

    monkeypatch.setattr(selectors, "PLACE_FIRST_VENUES", place_first_venues)
    district["phone"].service_areas.create(name="Trafford", area_code="E08000009")
    for key in ("lunch", "walk", "phone"):
        district[key].description += ", friendly"
        district[key].save()
    from directory import fulltext

    fulltext.index_services(district.values())
    search = ListingSearch(text="friendly", near=CENTRE, miles=5, covering=("E08000009",), order="distance")
    found = [
        (s.name, None if s.distance_miles is None else round(s.distance_miles, 2))
        for s in search_listings(search)
    ]
    # The choir is near but not "friendly"; the befriending call has no venue but covers Trafford.
    assert found == [("Lunch club", 0.69), ("Health walk", 4.16), ("Telephone befriending", None)]


@pytest.mark.parametrize("day", range(7))
def test_searching_by_words_agrees_with_browsing_on_days_and_distances(district, day):
    """A search by words rules listings in or out from each listing's search facts (its days and
    venues, copied when it is indexed); browsing reads its sessions and venues. Both must agree,
    for a listing with two venues and one with two sessions too."""
    from directory import fulltext

    ScheduleFactory(service=district["choir"], byday="FR", opens_at=time(10), closes_at=time(11))
    for listing in district.values():
        listing.description += " together"
        listing.save()
    fulltext.index_services(district.values())

    def found(**words):
        search = ListingSearch(near=CENTRE, miles=5, day=day, **words)
        return sorted((s.name, round(s.distance_miles, 6)) for s in search_listings(search))

    assert found(text="together") == found()
    if day == 4:  # the choir's second session, at its nearer venue
        [(name, miles)] = found(text="together")
        assert name == "Community choir" and miles == pytest.approx(0.04 * 69.0934, abs=0.01)


def test_a_listing_with_two_venues_is_found_by_words_near_either(district):
    found = search_listings(ListingSearch(text="sing", near=Point(53.1, -2.0), miles=1))
    assert [(s.name, s.distance_miles) for s in found] == [("Community choir", 0.0)]  # at its far venue
    assert names(text="sing", near=Point(53.07, -2.0), miles=1) == []  # 2.07 miles from each venue


def test_migrate_indexes_listings_left_without_a_search_key(district):
    from django.core.management import call_command

    from directory.models import SearchKey

    SearchKey.objects.all().delete()  # as a migration that changes the index leaves them
    call_command("migrate", verbosity=0)
    assert names(text="choir") == ["Community choir"]
    assert SearchKey.objects.count() == Service.objects.count()
