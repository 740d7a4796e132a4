"""Walking alongside a person: starting their record, conversations, introductions and their
follow-up. Bad input gets a message naming the field, and nothing is saved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from people.models import Consent, Conversation, Introduction, Person
from people.tests.factories import ConversationFactory, IntroductionFactory, PersonFactory
from places.tests.factories import NeighbourhoodFactory, PostcodeFactory


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(coordinator, team):
    return PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")


def new_person(own_team, coordinator, **changes):
    data = {
        "full_name": "Cyril Ashworth",
        "preferred_name": "Cy",
        "postcode": "m32 0th",
        "team": own_team.pk,
        "coordinator": coordinator.pk,
        "introduced_by": "gp_practice",
        "vision": "Back to the bowls club by summer",
        "consent-agreed": "on",
        "consent-method": "spoken",
        "consent-given_on": "2026-11-20",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def test_coordinator_starts_a_record_with_consent_and_the_area_comes_from_the_postcode(
    client, coordinator, team
):
    postcode = PostcodeFactory(postcode="M32 0TH")
    NeighbourhoodFactory(name="Stretford").wards.add(postcode.ward)
    NeighbourhoodFactory(name="Sale")
    sign_in(client, coordinator)
    response = client.post(reverse("people:add_person"), new_person(team, coordinator))
    person = Person.objects.get(full_name="Cyril Ashworth")
    assert response.status_code == 302 and response["Location"] == reverse("people:person", args=[person.pk])
    assert person.postcode == postcode and person.ward == postcode.ward and person.imd_decile == 5
    assert person.neighbourhoods == ["Stretford"]
    assert "Stretford" in client.get(response["Location"]).content.decode()
    consent = person.consents.get()
    assert (consent.purpose, consent.given_on, consent.recorded_by) == (
        "keep_record",
        date(2026, 11, 20),
        coordinator,
    )
    assert AuditEvent.objects.filter(actor=coordinator, action="create", target_id=str(person.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postcode": "M99 9ZZ"}, "postcode", "We do not know the postcode"),
        ({"postcode": "not a postcode"}, "postcode", "is not a UK postcode"),
        ({"full_name": ""}, "full_name", "Enter their full name"),
        ({"consent-agreed": None}, "consent-agreed", "only be kept if they agree"),
        ({"consent-given_on": "31/02/2026"}, "consent-given_on", "must be a real date"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "cannot be in the future"),
    ],
)
def test_bad_input_on_a_new_record_names_the_field_and_saves_nothing(
    client, coordinator, team, changes, field, message
):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, coordinator)
    response = client.post(reverse("people:add_person"), new_person(team, coordinator, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert f'href="#id_{field}' in page
    assert not Person.objects.exists() and not Consent.objects.exists()


def test_a_person_cannot_be_put_in_another_teams_care(client, coordinator, team):
    from accounts.tests.factories import TeamFactory

    sign_in(client, coordinator)
    response = client.post(reverse("people:add_person"), new_person(team, coordinator, team=TeamFactory().pk))
    assert "Choose one of your own teams" in response.content.decode()
    assert not Person.objects.exists()


def test_conversation_with_a_follow_up_before_it_is_refused(client, person, coordinator):
    sign_in(client, coordinator)
    response = client.post(
        reverse("people:add_conversation", args=[person.pk]),
        {
            "happened_on": "2026-11-20",
            "kind": "call",
            "notes": "Rang about Tuesday",
            "follow_up_on": "2026-11-19",
        },
    )
    assert "The follow-up date must be on or after the conversation" in response.content.decode()
    assert not Conversation.objects.exists()


def test_after_consent_is_withdrawn_nothing_new_can_be_recorded(client, person, coordinator):
    sign_in(client, coordinator)
    consent = person.consents.get()
    response = client.post(
        reverse("people:withdraw_consent", args=[consent.pk]), {"withdrawn_on": "2026-11-21"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 11, 21) and consent.withdrawal_recorded_by == coordinator
    for url, data in [
        (
            reverse("people:add_conversation", args=[person.pk]),
            {"happened_on": "2026-11-22", "kind": "call", "notes": "x"},
        ),
        (
            reverse("people:add_introduction", args=[person.pk]),
            {"elsewhere": "Bowls", "status": "suggested", "made_on": "2026-11-22"},
        ),
        (reverse("people:add_goal", args=[person.pk]), {"description": "Bowls"}),
    ]:
        page = client.post(url, data).content.decode()
        assert "no longer agrees, to us keeping a record" in page
    assert (
        not person.conversations.exists() and not person.introductions.exists() and not person.goals.exists()
    )
    assert "no longer agrees" in client.get(reverse("people:person", args=[person.pk])).content.decode()


def test_consent_cannot_be_withdrawn_before_it_was_given(client, person, coordinator):
    sign_in(client, coordinator)
    consent = person.consents.get()
    page = client.post(reverse("people:withdraw_consent", args=[consent.pk]), {"withdrawn_on": "2025-01-01"})
    assert "cannot be before they agreed" in page.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_full_lifecycle_of_an_introduction_to_a_listing(client, person, coordinator):
    listing = ServiceFactory(name="Sale bowls club")
    sign_in(client, coordinator)
    response = client.post(
        reverse("people:add_introduction", args=[person.pk]),
        {"listing": listing.pk, "status": "suggested", "made_on": "2026-11-02", "follow_up_on": "2026-11-09"},
    )
    assert response.status_code == 302, response.content.decode()
    introduction = person.introductions.get()
    assert (introduction.listing, introduction.status) == (listing, "suggested")
    url = reverse("people:update_introduction", args=[introduction.pk])
    for status, on in [
        ("introduced", "2026-11-05"),
        ("went_along", "2026-11-10"),
        ("still_connected", "2026-11-20"),
        ("did_not_work_out", "2026-11-23"),
    ]:
        response = client.post(url, {"status": status, "on": on, "note": f"Now {status}"})
        assert response.status_code == 302, response.content.decode()
    introduction.refresh_from_db()
    assert introduction.status == "did_not_work_out" and introduction.follow_up_on is None
    assert [(s.status, s.on.isoformat()) for s in introduction.steps.all()] == [
        ("suggested", "2026-11-02"),
        ("introduced", "2026-11-05"),
        ("went_along", "2026-11-10"),
        ("still_connected", "2026-11-20"),
        ("did_not_work_out", "2026-11-23"),
    ]
    assert "nothing more to record" in client.get(url).content.decode()


def test_an_introduction_cannot_skip_a_step_or_go_back_in_time(client, person, coordinator):
    introduction = IntroductionFactory(person=person, made_on=date(2026, 11, 2))
    sign_in(client, coordinator)
    url = reverse("people:update_introduction", args=[introduction.pk])
    page = client.post(url, {"status": "still_connected", "on": "2026-11-10"}).content.decode()
    assert "an introduction cannot skip a step" in page
    from django.core.exceptions import ValidationError

    from people.services import update_introduction

    with pytest.raises(ValidationError, match="can only go to"):
        update_introduction(coordinator, introduction, "still_connected", date(2026, 11, 10))
    page = client.post(url, {"status": "introduced", "on": "2026-11-01"}).content.decode()
    assert "cannot be before the last step" in page
    introduction.refresh_from_db()
    assert introduction.status == "suggested" and introduction.steps.count() == 1


def test_two_neighbours_with_a_shared_interest_are_introduced(client, person, coordinator):
    neighbour = PersonFactory(team=person.team, full_name="Betty Marsh")
    sign_in(client, coordinator)
    response = client.post(
        reverse("people:add_introduction", args=[person.pk]),
        {"other_person": neighbour.pk, "status": "introduced", "made_on": "2026-11-20"},
    )
    assert response.status_code == 302
    assert person.introductions.get().other_person == neighbour


def test_an_introduction_needs_exactly_one_who_or_what(client, person, coordinator):
    listing = ServiceFactory()
    sign_in(client, coordinator)
    url = reverse("people:add_introduction", args=[person.pk])
    for data in [{}, {"listing": listing.pk, "elsewhere": "Bowls"}]:
        page = client.post(url, data | {"status": "suggested", "made_on": "2026-11-20"}).content.decode()
        assert "Choose one listing, one person, or describe who or what" in page
    assert not Introduction.objects.exists()


def test_follow_ups_due_today_are_one_click_from_home(client, person, coordinator):
    today = timezone.localdate()
    ConversationFactory(
        person=person,
        happened_on=today - timedelta(days=7),
        follow_up_on=today,
        next_step="Ring about the bus",
    )
    ConversationFactory(person=person, happened_on=today, follow_up_on=today + timedelta(days=3))
    IntroductionFactory(
        person=person, made_on=today - timedelta(days=7), follow_up_on=today - timedelta(days=1)
    )
    sign_in(client, coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "2 follow-ups due today or earlier" in home and reverse("people:follow_ups") in home
    page = client.get(reverse("people:follow_ups")).content.decode()
    assert "Ring about the bus" in page and "A neighbour who gardens" in page
    done = person.conversations.get(follow_up_on=today)
    client.post(reverse("people:followed_up", args=[done.pk]))
    assert "1 follow-up due today or earlier" in client.get(reverse("home")).content.decode()


def test_caseload_search_by_postcode(client, person, coordinator):
    person.postcode = PostcodeFactory(postcode="M33 7XZ")
    person.save()
    PersonFactory(team=person.team, coordinator=coordinator, full_name="Dot Hargreaves")
    sign_in(client, coordinator)
    page = client.get(reverse("people:caseload"), {"q": "m337xz"}).content.decode()
    assert "Ada Whitfield" in page and "Dot Hargreaves" not in page


def test_referral_dates_must_run_in_order(client, person, coordinator):
    sign_in(client, coordinator)
    url = reverse("people:add_referral", args=[person.pk])
    data = {
        "received_on": "2026-11-10",
        "referring_organisation": "Sale Moor Surgery",
        "reasons": ["loneliness"],
    }
    page = client.post(url, data | {"first_contact_on": "2026-11-01"}).content.decode()
    assert "cannot be before the referral was received" in page
    page = client.post(url, data | {"closed_on": "2026-11-20"}).content.decode()
    assert "Give both the date it closed and why" in page
    assert not person.referrals.exists()
    assert client.post(url, data | {"first_contact_on": "2026-11-12"}).status_code == 302
    referral = person.referrals.get()
    assert referral.reason_labels() == ["Loneliness or isolation"]
    ConversationFactory(person=person, happened_on=date(2026, 11, 9))  # before the referral
    ConversationFactory(person=person, happened_on=date(2026, 11, 12))
    ConversationFactory(person=person, happened_on=date(2026, 11, 19))
    assert referral.contacts == 2
    referral.closed_on, referral.closure_reason = date(2026, 11, 15), "connected"
    referral.save()
    assert referral.contacts == 1
    assert "1 contact since" in client.get(reverse("people:person", args=[person.pk])).content.decode()


def test_goal_is_achieved(client, person, coordinator):
    sign_in(client, coordinator)
    client.post(reverse("people:add_goal", args=[person.pk]), {"description": "Join a choir"})
    goal = person.goals.get()
    client.post(reverse("people:finish_goal", args=[goal.pk]), {"status": "achieved"})
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.finished_on == timezone.localdate()


def test_listings_to_introduce_to_are_found_by_a_search_or_are_near_home(client, person, coordinator):
    from directory.tests.factories import LocationFactory

    person.postcode = PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    person.save()
    ServiceFactory(name="Stretford lunch club", at=[LocationFactory(latitude=53.447, longitude=-2.308)])
    far = ServiceFactory(name="Altrincham bowls club", at=[LocationFactory(latitude=53.387, longitude=-2.35)])
    sign_in(client, coordinator)
    url = reverse("people:add_introduction", args=[person.pk])
    # With no words, the person's suggestions, best first: the club on their doorstep before the one
    # 4.5 miles away, and none beyond how far they can get once that is known.
    page = client.get(url).content.decode()
    assert page.index("Stretford lunch club") < page.index("Altrincham bowls club")
    person.travel = "walks"
    person.save()
    page = client.get(url).content.decode()
    assert "Stretford lunch club" in page and "Altrincham bowls club" not in page
    page = client.get(url, {"listing_q": "bowls"}).content.decode()
    assert "Altrincham bowls club" in page and "Stretford lunch club" not in page
    # Chosen after a search, the listing is accepted even though the plain page does not list it.
    response = client.post(url, {"listing": far.pk, "status": "suggested", "made_on": "2026-11-20"})
    assert response.status_code == 302 and person.introductions.get().listing == far
