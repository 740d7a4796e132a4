"""A person's suggestions page, the panel on their page, introducing from a suggestion, the
introduction picker, and the facts on a person's record that suggestions use."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from common.testing import sign_in
from directory import fulltext
from directory.tests.factories import LocationFactory, ServiceFactory
from matching import selectors
from matching.ranking import DEFAULT_WEIGHTS
from people import services as people_services
from people.models import Introduction, Person
from people.tests.factories import PersonFactory

from .helpers import FAR, NEAR, listing, sam, use_listing_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user, team):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(team, coordinator):
    return sam(team, coordinator, needs_free=True, access_needs=["step_free"])


@pytest.fixture
def listings(monkeypatch):
    use_listing_source(monkeypatch)
    return {
        "garden": listing(
            "Old Trafford community garden",
            "A friendly garden club for meeting people: gardening, meeting people and making friends.",
            NEAR,
            venue="Old Trafford Methodist Hall",
            wednesday_mornings=True,
        ),
        "chess": listing(
            "Chess club", "Chess and draughts for all abilities.", FAR, venue="Stretford library"
        ),
    }


def _score(user, person, listing) -> float:
    found = selectors.suggestions_for(user, Person.objects.get(pk=person.pk), limit=None)
    return next(s.score for s in found if s.candidate.key == f"listing:{listing.pk}")


def _page(client, person):
    return client.get(reverse("matching:person", args=[person.pk]))


def test_coordinator_sees_every_suggestion_with_its_reasons(client, coordinator, person, listings):
    sign_in(client, coordinator)
    response = _page(client, person)
    assert response.status_code == 200
    text = response.content.decode()
    garden = text.index("Old Trafford community garden")
    assert garden < text.index("Chess club")  # what fits what Sam said comes first
    assert "Old Trafford Methodist Hall, 0.4 miles" in text
    reasons = (
        "Gardening and meeting people, which Sam said matter · 0.4 miles · Wednesdays 10–12, when Sam is free"
    )
    assert f"{reasons} · free" in text
    assert "Introduce" in text and "Not for them" in text


def test_the_page_read_is_audited_as_a_read_of_the_person(client, coordinator, person, listings):
    sign_in(client, coordinator)
    assert _page(client, person).status_code == 200
    assert AuditEvent.objects.filter(
        actor=coordinator,
        action=AuditEvent.Action.VIEW,
        target_id=str(person.pk),
        path__startswith="/suggestions/",
    ).exists()


def test_another_teams_person_is_not_found_as_on_their_page(client, make_user, person, listings):
    stranger = make_user(Role.COORDINATOR, teams=[PersonFactory().team])
    sign_in(client, stranger)
    assert client.get(reverse("people:person", args=[person.pk])).status_code == 404
    assert _page(client, person).status_code == 404
    posted = client.post(
        reverse("matching:introduce", args=[person.pk]), {"key": f"listing:{listings['garden'].pk}"}
    )
    assert posted.status_code == 404
    assert not Introduction.objects.exists()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.COMMISSIONER, Role.ORGANISATION_EDITOR])
def test_a_role_that_reads_no_records_is_refused(client, make_user, team, person, role):
    sign_in(client, make_user(role, teams=[team]))
    assert _page(client, person).status_code == 403
    assert client.get(reverse("matching:weights")).status_code == 403


def test_signed_out_is_sent_to_sign_in(client, person):
    response = _page(client, person)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_person_page_shows_the_top_three_and_links_to_all(client, coordinator, person, listings):
    for n in range(3):
        listing(f"Garden group {n}", "Gardening and growing vegetables together.", NEAR)
    sign_in(client, coordinator)
    text = client.get(reverse("people:person", args=[person.pk])).content.decode()
    panel = text[text.index('<h2 class="govuk-heading-l">Suggestions</h2>') : text.index(">Goals</h2>")]
    assert panel.count("ck-suggestion") == 3
    assert "Chess club" not in panel
    assert reverse("matching:person", args=[person.pk]) in panel


def test_introducing_from_a_suggestion_records_it_and_it_is_not_suggested_again_until_it_fails(
    client, coordinator, person, listings
):
    garden = listings["garden"]
    before = _score(coordinator, person, garden)
    sign_in(client, coordinator)
    response = client.post(
        reverse("matching:introduce", args=[person.pk]), {"key": f"listing:{garden.pk}", "title": garden.name}
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:person", args=[person.pk])
    made = Introduction.objects.get(person=person)
    assert (
        made.listing == garden
        and made.status == Introduction.Status.SUGGESTED
        and made.made_by == coordinator
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, target_id=str(person.pk), note=f"introduction {made.pk} made"
    ).exists()
    shown = client.get(response["Location"]).content.decode()
    assert "is introduced to Old Trafford community garden" in shown  # the success banner
    assert "Old Trafford community garden" not in _page(client, person).content.decode()

    people_services.update_introduction(coordinator, made, Introduction.Status.DID_NOT_WORK_OUT, made.made_on)
    assert "Old Trafford community garden" in _page(client, person).content.decode()  # back
    after = _score(coordinator, person, garden)
    assert after == pytest.approx(before - DEFAULT_WEIGHTS.tried)  # and lower: it did not work out


def test_introducing_to_something_not_on_record_writes_its_title(client, coordinator, person):
    sign_in(client, coordinator)
    client.post(
        reverse("matching:introduce", args=[person.pk]),
        {"key": "opportunity:42", "title": "Litter pick at Longford Park"},
    )
    assert Introduction.objects.get(person=person).elsewhere == "Litter pick at Longford Park"


@pytest.mark.parametrize(
    "key", ["", "nonsense", "listing:not-a-uuid", "listing:00000000-0000-0000-0000-000000000000"]
)
def test_a_bad_or_unknown_suggestion_is_refused_with_a_message(client, coordinator, person, key):
    sign_in(client, coordinator)
    response = client.post(
        reverse("matching:introduce", args=[person.pk]), {"key": key, "title": ""}, follow=True
    )
    assert response.status_code == 200
    assert not Introduction.objects.exists()
    assert "govuk-notification-banner" in response.content.decode() or "error" in response.content.decode()


def test_the_introduction_picker_offers_each_listing_once_with_venue_and_miles(
    client, coordinator, person, listings
):
    lunch = ServiceFactory(name="Altrincham Lunch Club", description="A hot lunch and company.")
    for name in ("Altrincham Methodist Hall", "Altrincham Methodist Hall annexe", "Bowdon church rooms"):
        lunch.locations.add(LocationFactory(name=name, latitude=NEAR[0], longitude=NEAR[1] + 0.0001))
    lunch.locations.add(LocationFactory(name="Far hall", latitude=FAR[0], longitude=FAR[1]))
    fulltext.index_services([lunch])
    sign_in(client, coordinator)
    url = reverse("people:add_introduction", args=[person.pk])
    typed = client.get(url, {"listing_q": "lunch"}).content.decode()
    assert typed.count(f'value="{lunch.pk}"') == 1
    assert "Altrincham Lunch Club — Altrincham Methodist Hall, 0.4 miles" in typed

    suggested = client.get(url).content.decode()  # no words: their suggested listings, best first
    assert suggested.index("Old Trafford community garden — Old Trafford Methodist Hall, 0.4 miles") < (
        suggested.index("Chess club — Stretford library, 3.0 miles")
    )


def test_with_no_suggester_the_picker_offers_listings_within_a_mile(client, coordinator, person, monkeypatch):
    from people import registries

    monkeypatch.setattr(registries, "listing_suggesters", [])
    listing("Near group", "Something near.", NEAR)
    listing("Far group", "Something far.", FAR)
    sign_in(client, coordinator)
    text = client.get(reverse("people:add_introduction", args=[person.pk])).content.decode()
    assert "Near group — Near group hall, 0.4 miles" in text and "Far group" not in text


def test_the_person_form_keeps_the_facts_suggestions_use_and_shows_them(client, coordinator, person):
    sign_in(client, coordinator)
    url = reverse("people:change_person", args=[person.pk])
    data = {
        "full_name": "Samuel Okafor",
        "team": person.team.pk,
        "introduced_by": "self",
        "free_times": ["mon_am", "wed_pm"],
        "access_needs": ["hearing_loop"],
        "needs_free": "on",
        "travel": "bus",
        "online_ok": "no",
    }
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.free_times == ["mon_am", "wed_pm"] and person.access_needs == ["hearing_loop"]
    assert person.needs_free and person.travel == "bus" and person.online_ok == "no"
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Monday morning, Wednesday afternoon" in page and "A hearing loop" in page
    assert "By bus or lift, about 5 miles" in page


def test_the_person_form_refuses_unknown_codes_naming_the_field(client, coordinator, person):
    sign_in(client, coordinator)
    url = reverse("people:change_person", args=[person.pk])
    base = {"full_name": "Samuel Okafor", "team": person.team.pk, "introduced_by": "self"}
    text = client.post(
        url, {**base, "free_times": ["wed_am", "someday"], "access_needs": ["lift"]}
    ).content.decode()
    assert "someday is not one of them" in text and "lift is not one of them" in text
    person.refresh_from_db()
    assert person.free_times == ["wed_am"] and person.access_needs == ["step_free"]  # nothing half-saved


def test_the_service_refuses_unknown_codes_naming_the_field(coordinator, person):
    fresh = Person.objects.get(pk=person.pk)
    with pytest.raises(ValidationError) as refused:
        people_services.update_person(
            coordinator, fresh, {"free_times": ["wed_am", "friday"], "access_needs": "x"}
        )
    assert set(refused.value.message_dict) == {"free_times", "access_needs"}
    assert "friday is not one of them" in refused.value.message_dict["free_times"][0]
    assert Person.objects.get(pk=person.pk).free_times == ["wed_am"]


def test_erasure_blanks_what_suggestions_knew(client, team, make_user, person):
    from accounts.tests.factories import TeamMembershipFactory

    lead = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=lead, is_lead=True)
    people_services.erase_person(lead, Person.objects.get(pk=person.pk))
    erased = Person.objects.get(pk=person.pk)
    assert (erased.free_times, erased.access_needs, erased.needs_free, erased.travel, erased.online_ok) == (
        [],
        [],
        False,
        "",
        "",
    )
