"""Residents' own suggestions on the public directory: no account, nothing stored, public things
only, reasons addressed to "you", a message naming the field for anything wrong, never a 500."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.tests.factories import OrganisationFactory
from common.free_times import CODES
from directory.tests.factories import LocationFactory
from matching import public_views
from matching.public_forms import MAX_PHRASES, SuggestionsForm, phrases_from
from matching.ranking import Candidate, Cost, Slot
from matching.selectors import SOURCES
from matching.sources import Found
from people.tests.factories import PersonFactory
from places.tests.factories import PostcodeFactory
from timebank import services as timebank_services
from timebank.tests.factories import make_member, make_timebank
from volunteering.models import Shift
from volunteering.tests.factories import make_opportunity

pytestmark = pytest.mark.django_db

URL = "/directory/suggestions/"
WORDS = "Growing vegetables and meeting people"


def next_weekday(weekday: int, at: time) -> datetime:
    day = timezone.localdate() + timedelta(days=2)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, at))


@pytest.fixture
def garden():
    """A community garden's volunteering, on Wednesday mornings, step-free, half a mile from M32 0TH."""
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    hall = LocationFactory(
        name="Longford Park glasshouse", latitude=53.4530, longitude=-2.3020, wheelchair_accessible=True
    )
    opportunity, _ = make_opportunity(
        organisation=OrganisationFactory(),
        title="Community garden volunteer",
        description="Growing vegetables and flowers in raised beds, with a cuppa and a chat.",
        skills_wanted="Gardening",
        venue=hall,
        place="",
    )
    starts = next_weekday(2, time(10))
    Shift.objects.create(
        opportunity=opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2), places=4
    )
    return opportunity


def post(client: Client, **data):
    return client.post(URL, {"likes": WORDS, "online": "on", **data})


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


# --- What it shows -------------------------------------------------------------------------------


def test_the_form_is_public_and_says_nothing_is_kept(client):
    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Find things near you that fit what you like" in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert "Nothing you tell us here is kept" in page


def test_a_resident_sees_suggestions_with_reasons_addressed_to_them(client, garden):
    response = post(client, postcode="M32 0TH", free=["wed_am"], needs=["step_free"])

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/volunteering/opportunities/{garden.pk}/"' in page
    assert "1 suggestion for you" in page
    assert "which you said" in page and "to you" in page
    assert "Wednesdays 10–12, when you are free" in page
    assert "0.5 miles" in page
    assert "step-free access" in page
    [suggestion] = response.context["suggestions"]
    assert suggestion.reasons[0].startswith("Growing vegetables")


def test_something_that_fits_nothing_said_is_not_shown(client, garden):
    response = client.post(URL, {"likes": "xyzzy qwerty"})

    assert response.status_code == 200
    assert response.context["suggestions"] == []
    assert "Nothing fits what you said yet" in response.content.decode()


def test_listings_are_suggested_once_the_listing_source_is_in(client):
    if "listing" not in SOURCES:
        pytest.skip("the listing source (matching/sources/listings.py) is not registered on this branch")
    from directory.tests.factories import ServiceFactory

    allotment = ServiceFactory(
        name="Stretford allotment society",
        description="Plots for growing vegetables, seeds and tools shared.",
    )

    response = post(client)

    assert f'href="/directory/listings/{allotment.pk}/"' in response.content.decode()


def test_only_public_kinds_ever_reach_the_page(client, garden, monkeypatch, team):
    """People and timebank offers that fit, even from a source that wrongly offers them, are never
    shown to the public; and the page asks only the public kinds' sources."""
    asked: list[str] = []
    person = PersonFactory(team=team, full_name="Pat Neighbour")

    def people_source(profile, context):
        asked.append("person")
        return Found([Candidate(f"person:{person.pk}", "person", person.full_name, WORDS)])

    def leaky_listing_source(profile, context):
        return Found([Candidate(f"person:{person.pk}", "person", person.full_name, WORDS)])

    monkeypatch.setitem(SOURCES, "person", people_source)
    monkeypatch.setitem(SOURCES, "listing", leaky_listing_source)
    timebank, broker = make_timebank()
    gardener = make_member(timebank, broker, full_name="Gary Grower")
    timebank_services.post_to_board(
        gardener, timebank, {"kind": "offer", "title": "Growing vegetables with you"}
    )

    response = post(client)

    page = response.content.decode()
    assert asked == []
    assert "Pat Neighbour" not in page
    assert "Gary Grower" not in page and "Growing vegetables with you" not in page
    assert [s.candidate.kind for s in response.context["suggestions"]] == ["opportunity"]


def test_free_only_leaves_out_what_costs(client, garden, monkeypatch):
    paid = Candidate("listing:paid", "listing", "Vegetable growing course", WORDS, url="/x/", cost=Cost.PAID)
    monkeypatch.setitem(SOURCES, "listing", lambda profile, context: Found([paid]))

    assert "Vegetable growing course" in post(client).content.decode()
    assert "Vegetable growing course" not in post(client, free_only="on").content.decode()


# --- Nothing stored, nothing in addresses or logs --------------------------------------------------


def test_nothing_is_stored_and_no_session_is_made(client, garden):
    before = row_counts()

    response = post(client, postcode="M32 0TH", free=["wed_am", "sat_pm"], needs=["hearing_loop"])

    assert response.status_code == 200
    assert response.context["suggestions"]
    assert row_counts() == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_the_words_are_posted_never_put_in_an_address(client, garden):
    response = post(client)

    assert response.status_code == 200  # drawn in reply: no redirect to an address holding them
    assert "Location" not in response.headers
    assert client.get(URL, {"likes": WORDS}).context["suggestions"] is None  # a GET never searches


def test_the_words_are_never_logged(client, garden, caplog):
    words = "Secret hobby of beekeeping, and naming pigeons"
    with caplog.at_level(logging.DEBUG):
        client.post(URL, {"likes": words, "postcode": "ZZ99 9ZZ"})  # an error too, to log if anything does
        client.post(URL, {"likes": words})

    logged = " ".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records).lower()
    for word in ("beekeeping", "pigeons", "zz99"):
        assert word not in logged


def test_the_form_needs_its_csrf_token(garden):
    response = Client(enforce_csrf_checks=True).post(URL, {"likes": WORDS})

    assert response.status_code == 403


# --- Bad input: a message naming the field, never a 500 ------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"likes": ""}, "likes", "Enter what you like doing or would like to try"),
        ({"likes": "   \n\t "}, "likes", "Enter what you like doing or would like to try"),
        ({"likes": ", and ,\n&"}, "likes", "Enter what you like doing or would like to try, in words"),
        ({"likes": "a" * 501}, "likes", "What you like doing must be 500 characters or fewer (it has 501)"),
        ({"likes": "walking", "postcode": "nowhere"}, "postcode", "is not a UK postcode"),
        ({"likes": "walking", "postcode": "SW1A 1AA"}, "postcode", "We do not know the postcode SW1A 1AA"),
        ({"likes": "walking", "free": ["fri_night"]}, "free", "Choose times from the list"),
        ({"likes": "walking", "needs": ["lift"]}, "needs", "Choose what you need from the list"),
    ],
)
def test_bad_input_is_said_beside_its_field(client, data, field, message):
    response = client.post(URL, data)

    assert response.status_code == 200
    assert response.context["suggestions"] is None
    assert any(message in error for error in response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()


def test_null_characters_are_dropped_not_refused(client, garden):
    response = post(client, likes="grow\x00ing vegetables", postcode="M32\x00 0TH")

    assert response.status_code == 200
    assert response.context["form"].errors == {}


TEXT = st.text(st.characters(codec="utf-8"), max_size=600)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    likes=TEXT,
    postcode=st.one_of(st.text(max_size=20), st.sampled_from(["M32 0TH", "m320th", "SW1A 1AA", ""])),
    free=st.lists(st.one_of(st.sampled_from(sorted(CODES)), st.text(max_size=10)), max_size=5),
    needs=st.lists(
        st.one_of(st.sampled_from(["step_free", "hearing_loop"]), st.text(max_size=10)), max_size=3
    ),
    free_only=st.sampled_from(["", "on", "yes", "\x00"]),
)
def test_no_input_makes_a_server_error(client, garden, likes, postcode, free, needs, free_only):
    response = client.post(
        URL, {"likes": likes, "postcode": postcode, "free": free, "needs": needs, "free_only": free_only}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors or response.context["suggestions"] is not None


# --- Too often -------------------------------------------------------------------------------------


def test_too_many_searches_from_one_address_are_refused_for_the_hour(client, garden, monkeypatch):
    monkeypatch.setattr(public_views, "SEARCHES_PER_HOUR", 2)
    assert post(client).status_code == 200
    assert post(client).status_code == 200

    response = post(client)

    assert response.status_code == 429
    assert public_views.TOO_OFTEN in response.content.decode()
    assert response.context["suggestions"] is None
    assert client.post(URL, {"likes": WORDS}, REMOTE_ADDR="192.0.2.7").status_code == 200


# --- What was said, as a profile -----------------------------------------------------------------


def test_phrases_are_split_on_commas_and_new_lines_and_and():
    assert phrases_from("Gardening, singing and meeting people\nwalking the dog; baking & cake") == (
        "gardening",
        "singing",
        "meeting people",
        "walking the dog",
        "baking",
        "cake",
    )


def test_phrases_are_tidied_once_each_and_bounded():
    assert phrases_from("Knitting, knitting!\n  and  , BSL club  , handmade   things") == (
        "knitting",
        "BSL club",
        "handmade things",
    )
    assert phrases_from("Android phones and sandwiches") == ("android phones", "sandwiches")
    assert len(phrases_from(", ".join(f"thing {n}" for n in range(40)))) == MAX_PHRASES


def test_the_profile_is_named_you_with_its_free_times_and_needs(garden):
    form = SuggestionsForm(
        {
            "likes": WORDS,
            "postcode": "m320th",
            "free": ["wed_am"],
            "needs": ["hearing_loop"],
            "free_only": "on",
        }
    )
    assert form.is_valid(), form.errors

    profile = form.profile()

    assert profile.name == "you"
    assert profile.phrases == ("growing vegetables", "meeting people")
    assert profile.home == (53.4465, -2.3076)
    assert profile.free == (Slot(2, time(9), time(12)),)
    assert (profile.needs_step_free, profile.needs_hearing_loop, profile.needs_free) == (False, True, True)
    assert profile.online_ok is False
