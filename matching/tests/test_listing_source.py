"""Directory listings as suggestions (matching.sources.listings): public ones only, each once, with the
venue nearest the person, their weekly sessions, cost and access; found by meaning with the real
model, and by words without it; in a fixed number of queries."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Accessibility, ListingStatus, Location, Schedule, Service
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory
from matching import index, vectors
from matching.models import ListingVector
from matching.ranking import Cost, Profile, Slot, miles_between
from matching.selectors import SOURCES, suggest
from matching.services import refresh_listing_vectors
from matching.sources import Context
from matching.sources.listings import find, hearing_loop, step_free, weekly_slots

pytestmark = pytest.mark.django_db

# Real places in Trafford.
STRETFORD = (53.4465, -2.3076)
SALE = (53.4246, -2.3220)  # about 1.6 miles south of Stretford
ALTRINCHAM = (53.3876, -2.3490)  # about 4.3 miles south
URMSTON = (53.4487, -2.3541)  # about 1.9 miles west
ALLOTMENT = "Allotment society. Plots for gardeners, with seeds, compost and tools shared."
CHOIR = "Community choir. Sing together every week, no auditions."


@pytest.fixture(autouse=True)
def fresh_index():
    index.forget()
    vectors.forget_loaded_model()
    yield
    index.forget()
    vectors.forget_loaded_model()


def venue(name: str, where: tuple[float, float], **fields) -> Location:
    return LocationFactory(name=name, latitude=where[0], longitude=where[1], **fields)


def listings_found(profile: Profile, limit: int = 300) -> dict[str, object]:
    return {c.key: c for c in find(profile, Context(limit=limit)).candidates}


def test_the_listing_source_is_registered():
    assert SOURCES["listing"] is find


def test_a_listing_at_three_venues_appears_once_at_the_venue_nearest_home():
    club = ServiceFactory(
        name="Lunch club",
        description="A hot lunch and company.",
        at=[venue("Altrincham hall", ALTRINCHAM), venue("Sale hall", SALE), venue("Urmston hall", URMSTON)],
    )
    refresh_listing_vectors()
    for home, nearest, where in ((STRETFORD, "Sale hall", SALE), (ALTRINCHAM, "Altrincham hall", ALTRINCHAM)):
        profile = Profile(name="Sam", phrases=("a hot meal with others",), home=home)
        (found,) = find(profile, Context()).candidates
        assert found.key == f"listing:{club.pk}" and found.kind == "listing"
        assert found.venue == nearest and found.where == where
        suggestions = suggest(profile, Context(), kinds=["listing"])
        assert [s.candidate.key for s in suggestions] == [found.key]  # once, whatever its venues
        assert suggestions[0].miles == pytest.approx(miles_between(home, where))
        assert f"{suggestions[0].miles:.1f} miles" in suggestions[0].reasons
    assert miles_between(STRETFORD, SALE) == pytest.approx(1.6, abs=0.1)


def test_with_no_home_the_venue_is_the_listing_first():
    sale, urmston = venue("Sale hall", SALE), venue("Urmston hall", URMSTON)
    club = ServiceFactory(name="Lunch club", at=[sale, urmston])
    first = club.service_at_locations.order_by("pk").first().location
    (found,) = find(Profile(name="Sam"), Context()).candidates
    assert found.venue == first.name and found.where == (first.latitude, first.longitude)


def test_the_candidate_carries_title_text_url_cost_and_sessions():
    club = ServiceFactory(
        name="Gardening club",
        description="Grow food together.",
        how_to_join="Just turn up.",
        cost=Service.Cost.PAY_WHAT_YOU_CAN,
        at=[venue("Stretford allotments", STRETFORD)],
    )
    ScheduleFactory(service=club, byday="MO,WE", opens_at=time(10), closes_at=time(12))
    ScheduleFactory(service=club, byday="SA", opens_at=time(9, 30), closes_at=time(12, 30))
    (found,) = find(Profile(name="Sam"), Context()).candidates
    assert found.title == "Gardening club"
    assert (
        found.text
        == vectors.listing_text(club)
        == "Gardening club Grow food together. How to join: Just turn up."
    )
    assert found.url == f"/directory/listings/{club.pk}/"
    assert found.cost == Cost.PAY_WHAT_YOU_CAN
    assert found.sessions == (
        Slot(0, time(10), time(12)),
        Slot(2, time(10), time(12)),
        Slot(5, time(9, 30), time(12, 30)),
    )
    assert not found.online


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        (Service.Cost.FREE, Cost.FREE),
        (Service.Cost.PAY_WHAT_YOU_CAN, Cost.PAY_WHAT_YOU_CAN),
        (Service.Cost.PAID, Cost.PAID),
    ],
)
def test_cost_maps_to_the_ranking_cost(cost, expected):
    ServiceFactory(cost=cost)
    (found,) = find(Profile(name="Sam"), Context()).candidates
    assert found.cost == expected


def test_only_weekly_sessions_with_times_become_slots():
    listing = ServiceFactory()
    kept = [
        Schedule(service=listing, freq="WEEKLY", byday="mo, WE", opens_at=time(10), closes_at=time(12)),
        Schedule(service=listing, freq="WEEKLY", byday="WE", opens_at=time(10), closes_at=time(12)),  # again
        Schedule(
            service=listing,
            freq="WEEKLY",
            byday="SU",
            opens_at=time(14),
            closes_at=time(16),
            valid_to=date(2026, 12, 3),
        ),  # still running that day
    ]
    left_out = [
        Schedule(service=listing, freq="MONTHLY", byday="1TU", opens_at=time(10), closes_at=time(12)),
        Schedule(service=listing, freq="WEEKLY", byday="1TU", opens_at=time(10), closes_at=time(12)),
        Schedule(
            service=listing, freq="WEEKLY", interval=2, byday="TH", opens_at=time(10), closes_at=time(12)
        ),
        Schedule(service=listing, freq="WEEKLY", byday="FR", opens_at=None, closes_at=time(12)),
        Schedule(service=listing, freq="WEEKLY", byday="FR", opens_at=time(10), closes_at=None),
        Schedule(service=listing, freq="WEEKLY", byday="", opens_at=time(10), closes_at=time(12)),
        Schedule(
            service=listing,
            freq="WEEKLY",
            byday="SA",
            opens_at=time(10),
            closes_at=time(12),
            valid_to=date(2026, 12, 2),
        ),  # finished
    ]
    slots = weekly_slots(kept + left_out, today=date(2026, 12, 3))
    assert slots == (Slot(0, time(10), time(12)), Slot(2, time(10), time(12)), Slot(6, time(14), time(16)))
    assert slots[0].label() == "Mondays 10–12"


def test_step_free_true_when_ticked_not_known_when_unticked_false_when_the_notes_say_so():
    assert step_free(True) is True
    assert step_free(False) is None
    assert step_free(False, ["Two steps at the door; no step-free access."]) is False
    assert step_free(False, ["No steps anywhere."]) is None  # not a "no"


def test_hearing_loop_from_the_venue_notes():
    assert hearing_loop(["Hearing loop in the main hall."]) is True
    assert hearing_loop(["Level access.", "An induction loop at the counter."]) is True
    assert hearing_loop(["Level access, accessible toilet."]) is None
    assert hearing_loop(["Sorry, no hearing loop yet."]) is False


def test_a_hearing_loop_in_the_venue_accessibility_entries_counts():
    entered = venue("Sale hall", SALE, accessibility="")
    Accessibility.objects.create(location=entered, description="Loop", details="A portable induction loop.")
    plain = venue("Urmston hall", URMSTON, accessibility="Step-free.", wheelchair_accessible=True)
    first, second = ServiceFactory(at=[entered]), ServiceFactory(at=[plain])
    found = listings_found(Profile(name="Sam"))
    assert (found[f"listing:{first.pk}"].hearing_loop, found[f"listing:{first.pk}"].step_free) == (True, None)
    assert (found[f"listing:{second.pk}"].hearing_loop, found[f"listing:{second.pk}"].step_free) == (
        None,
        True,
    )


def test_access_facts_are_those_of_the_venue_shown():
    near = venue("Sale hall", SALE, wheelchair_accessible=False, accessibility="Hearing loop fitted.")
    far = venue("Altrincham hall", ALTRINCHAM, wheelchair_accessible=True)
    ServiceFactory(at=[near, far])
    (found,) = find(Profile(name="Sam", home=STRETFORD), Context()).candidates
    assert (found.venue, found.step_free, found.hearing_loop) == ("Sale hall", None, True)
    (found,) = find(Profile(name="Sam", home=ALTRINCHAM), Context()).candidates
    assert (found.venue, found.step_free, found.hearing_loop) == ("Altrincham hall", True, None)


def test_online_only_when_a_virtual_location_and_no_physical_one():
    online = ServiceFactory(name="Online choir", at=[LocationFactory(location_type=Location.Type.VIRTUAL)])
    both = ServiceFactory(
        name="Hybrid choir",
        at=[LocationFactory(location_type=Location.Type.VIRTUAL), venue("Sale hall", SALE)],
    )
    found = listings_found(Profile(name="Sam", home=STRETFORD))
    assert found[f"listing:{online.pk}"].online and found[f"listing:{online.pk}"].where is None
    assert found[f"listing:{online.pk}"].venue == ""
    assert not found[f"listing:{both.pk}"].online and found[f"listing:{both.pk}"].venue == "Sale hall"


def test_unpublished_or_closed_listings_never_appear():
    shown = ServiceFactory(name="Choir", description=CHOIR)
    hidden = [
        ServiceFactory(name="Choir draft", description=CHOIR, listing_status=ListingStatus.DRAFT),
        ServiceFactory(name="Choir archived", description=CHOIR, listing_status=ListingStatus.ARCHIVED),
        ServiceFactory(name="Choir closed", description=CHOIR, status=Service.Status.DEFUNCT),
    ]
    refresh_listing_vectors()
    profile = Profile(name="Sam", phrases=("singing in a choir",))
    assert set(listings_found(profile)) == {f"listing:{shown.pk}"}
    # Unpublished after the index was loaded (in another process, say: no change seen here): still
    # left out, since what is shown is read afresh.
    Service.objects.filter(pk=shown.pk).update(listing_status=ListingStatus.ARCHIVED)
    assert listings_found(profile) == {}
    assert all(s.candidate.key != f"listing:{h.pk}" for h in hidden for s in suggest(profile, Context()))


def test_meaning_finds_the_allotment_for_growing_vegetables_among_many():
    allotment = ServiceFactory(name="Allotment society", description=ALLOTMENT)
    ServiceFactory.create_batch(12, name="Community choir", description=CHOIR)
    refresh_listing_vectors()
    found = find(Profile(name="Sam", phrases=("growing vegetables",)), Context(limit=3)).candidates
    assert found[0].key == f"listing:{allotment.pk}" and len(found) == 3


def test_stored_vectors_are_passed_on_and_only_when_current_for_the_text():
    current = ServiceFactory(name="Allotment society", description=ALLOTMENT)
    changed = ServiceFactory(name="Community choir", description=CHOIR)
    refresh_listing_vectors()
    Service.objects.filter(pk=changed.pk).update(description="Now a walking group.")  # not refreshed yet
    found = find(Profile(name="Sam", phrases=("growing vegetables",)), Context())
    assert set(found.vectors) == {f"listing:{current.pk}"}
    stored = vectors.from_bytes(ListingVector.objects.get(service=current).vector, 256)
    assert (found.vectors[f"listing:{current.pk}"] == stored).all()


def test_a_listing_without_a_vector_is_still_found_and_nothing_is_written():
    refreshed = ServiceFactory(name="Community choir", description=CHOIR)
    refresh_listing_vectors()
    new = ServiceFactory(name="Allotment society", description=ALLOTMENT)  # after the refresh
    found = find(Profile(name="Sam", phrases=("growing vegetables",)), Context(limit=1)).candidates
    assert [c.key for c in found] == [f"listing:{new.pk}"]
    assert not ListingVector.objects.filter(service=new).exists()  # reads never write
    assert ListingVector.objects.filter(service=refreshed).exists()


def test_listings_past_those_embedded_on_load_are_found_by_their_words(monkeypatch):
    monkeypatch.setattr(index, "EMBED_ON_LOAD", 0)
    ServiceFactory.create_batch(3, name="Community choir", description=CHOIR)
    refresh_listing_vectors()
    new = ServiceFactory(name="Allotment society", description=ALLOTMENT)
    assert index.current().unembedded == 1
    found = find(Profile(name="Sam", phrases=("allotment plots",)), Context(limit=1)).candidates
    assert [c.key for c in found] == [f"listing:{new.pk}"]


def test_without_the_model_words_and_nearness_find_listings(settings):
    settings.MATCHING_EMBEDDINGS = False
    allotment = ServiceFactory(name="Allotment society", description=ALLOTMENT, at=[venue("Far", ALTRINCHAM)])
    choir = ServiceFactory(name="Community choir", description=CHOIR, at=[venue("Far too", ALTRINCHAM)])
    near = ServiceFactory(name="Coffee morning", description="Tea and a chat.", at=[venue("Near", STRETFORD)])
    assert index.current().matrix is None
    profile = Profile(name="Sam", phrases=("gardeners", "singing choir"), home=STRETFORD)
    found = find(profile, Context(limit=2))
    assert not found.vectors
    assert {c.key for c in found.candidates} == {f"listing:{allotment.pk}", f"listing:{choir.pk}"}
    # With room for more, the nearest come too, though no word fits.
    found = find(profile, Context(limit=3)).candidates
    assert found[-1].key == f"listing:{near.pk}"
    # And the whole suggestion works, by keyword similarity.
    top = suggest(profile, Context(), kinds=["listing"])
    assert top[0].candidate.key in {f"listing:{allotment.pk}", f"listing:{choir.pk}"}


def test_too_far_for_the_person_is_left_out_but_online_is_not():
    near = ServiceFactory(name="Choir near", description=CHOIR, at=[venue("Near", SALE)])
    ServiceFactory(name="Choir far", description=CHOIR, at=[venue("Far", ALTRINCHAM)])
    online = ServiceFactory(
        name="Choir online", description=CHOIR, at=[LocationFactory(location_type="virtual")]
    )
    nowhere = ServiceFactory(name="Choir unplaced", description=CHOIR)  # no venue: distance not known
    profile = Profile(name="Sam", phrases=("singing",), home=STRETFORD, max_miles=2.0)
    assert set(listings_found(profile)) == {f"listing:{x.pk}" for x in (near, online, nowhere)}


def test_worked_or_dismissed_listings_are_not_chosen():
    worked, dismissed, other = ServiceFactory.create_batch(3)
    profile = Profile(
        name="Sam",
        tried={f"listing:{worked.pk}": True, f"listing:{other.pk}": False, "listing:not-an-id": True},
        dismissed=frozenset({f"listing:{dismissed.pk}", "person:1"}),
    )
    assert set(listings_found(profile)) == {f"listing:{other.pk}"}


def test_the_nearest_and_best_fitting_come_first_when_there_are_more_than_the_limit():
    for n in range(6):
        ServiceFactory(name=f"Choir {n}", description=CHOIR, at=[venue(f"Hall {n}", ALTRINCHAM)])
    near = ServiceFactory(name="Choir near", description=CHOIR, at=[venue("Near", STRETFORD)])
    refresh_listing_vectors()
    found = find(Profile(name="Sam", phrases=("singing",), home=STRETFORD), Context(limit=1)).candidates
    assert [c.key for c in found] == [f"listing:{near.pk}"]


def queries_for_one_suggestion(profile: Profile) -> int:
    suggest(profile, Context(), kinds=["listing"])  # the index loaded, the model too
    with CaptureQueriesContext(connection) as queries:
        suggest(profile, Context(), kinds=["listing"])
    return len(queries)


def make_listings(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        listing = ServiceFactory(
            name=f"Choir {n}",
            description=CHOIR,
            at=[venue(f"Hall {n}", SALE, accessibility="Hearing loop."), venue(f"Annexe {n}", URMSTON)],
        )
        ScheduleFactory(service=listing)
        Accessibility.objects.create(location=listing.locations.first(), description="Ramp")


@pytest.mark.parametrize("embeddings", [True, False])
def test_queries_are_few_and_do_not_grow_with_the_listings(settings, embeddings):
    settings.MATCHING_EMBEDDINGS = embeddings
    profile = Profile(name="Sam", phrases=("singing in a choir", "meeting people"), home=STRETFORD)
    make_listings(3)
    refresh_listing_vectors()
    few = queries_for_one_suggestion(profile)
    make_listings(30, start=3)
    refresh_listing_vectors()
    many = queries_for_one_suggestion(profile)
    assert many == few
    # Read the listings, their categories, sessions, venues, access entries (and stored vectors);
    # without the model, a full-text search for each phrase and each of its words ("singing choir",
    # "singing", "choir", "meeting people", "meeting", "people").
    assert many <= (6 if embeddings else 5 + 6)
    # Loading the index is a handful of queries too, whatever the number of listings.
    index.forget()
    with CaptureQueriesContext(connection) as loading:
        index.current()
    assert len(loading) <= 10


def test_the_index_is_loaded_again_when_a_listing_vector_changes_in_this_process(
    django_capture_on_commit_callbacks,
):
    listing = ServiceFactory(name="Community choir", description=CHOIR)
    refresh_listing_vectors()
    profile = Profile(name="Sam", phrases=("growing vegetables",))
    before = find(profile, Context())
    loaded = index.current()
    Service.objects.filter(pk=listing.pk).update(description=ALLOTMENT)  # no save: no directory change
    assert index.current() is loaded  # nothing said the vectors changed yet
    with django_capture_on_commit_callbacks(execute=True):
        refresh_listing_vectors()
    reloaded = index.current()
    assert reloaded is not loaded
    row = reloaded.row_of(listing.pk)
    stored = vectors.from_bytes(ListingVector.objects.get(service=listing).vector, 256)
    assert (reloaded.matrix[row] == stored).all() and not (loaded.matrix[row] == stored).all()
    assert (find(profile, Context()).vectors[f"listing:{listing.pk}"] == stored).all()
    assert not (before.vectors[f"listing:{listing.pk}"] == stored).all()
