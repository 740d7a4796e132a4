"""The people API keeps the pages' rules: other teams get 404 and no data, other roles 403,
bad input 400 naming the field with nothing saved, and every person returned is audited."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from people.models import Conversation, Introduction, Person
from people.tests.factories import ConversationFactory, IntroductionFactory, PersonFactory
from places.tests.factories import PostcodeFactory


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(team, coordinator):
    person = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    ConversationFactory(person=person, notes="Spoke about the allotment")
    IntroductionFactory(person=person)
    return person


def endpoints(person):
    intro = person.introductions.get()
    return [
        ("get", reverse("api_person", args=[person.pk]), None),
        ("patch", reverse("api_person", args=[person.pk]), {"full_name": "Changed"}),
        ("get", reverse("api_conversations", args=[person.pk]), None),
        (
            "post",
            reverse("api_conversations", args=[person.pk]),
            {"happened_on": "2026-11-20", "kind": "call", "notes": "x"},
        ),
        ("get", reverse("api_introductions", args=[person.pk]), None),
        (
            "post",
            reverse("api_introductions", args=[person.pk]),
            {"elsewhere": "Bowls", "made_on": "2026-11-20"},
        ),
        (
            "post",
            reverse("api_introduction_steps", args=[intro.pk]),
            {"status": "introduced", "on": "2026-11-20"},
        ),
    ]


def call(client, method, url, data):
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data, content_type="application/json")


def unchanged(person):
    return (
        Person.objects.get(pk=person.pk).full_name == "Ada Whitfield"
        and Conversation.objects.count() == 1
        and Introduction.objects.count() == 1
        and Introduction.objects.get().status == "suggested"
    )


def test_other_team_gets_not_found_and_no_data(client, person, make_user):
    outsider = make_user(Role.COORDINATOR, teams=[TeamFactory()])
    sign_in(client, outsider)
    for method, url, data in endpoints(person):
        response = call(client, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"Whitfield" not in response.content and b"allotment" not in response.content
    listed = client.get(reverse("api_people"), {"scope": "team"}).json()
    assert listed["count"] == 0
    assert unchanged(person)
    assert not AuditEvent.objects.filter(actor=outsider, action="view").exists()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER])
def test_roles_that_never_read_person_records_are_refused(client, person, make_user, role):
    sign_in(client, make_user(role, teams=[person.team]))
    for method, url, data in [*endpoints(person), ("get", reverse("api_people"), None)]:
        assert call(client, method, url, data).status_code == 403, (method, url)
    assert unchanged(person)


def test_signed_out_requests_are_refused(client, person):
    for method, url, data in [*endpoints(person), ("get", reverse("api_people"), None)]:
        assert call(client, method, url, data).status_code == 403, (method, url)
    assert unchanged(person)


def test_listing_and_reading_people_is_audited(client, person, coordinator):
    sign_in(client, coordinator)
    body = client.get(reverse("api_people")).json()
    assert [p["full_name"] for p in body["results"]] == ["Ada Whitfield"]
    assert AuditEvent.objects.filter(
        actor=coordinator, action="view", note="listed", target_id=str(person.pk)
    ).exists()
    assert client.get(reverse("api_person", args=[person.pk])).json()["vision"] == person.vision
    assert AuditEvent.objects.filter(
        actor=coordinator, action="view", note="", target_id=str(person.pk)
    ).exists()


def test_start_a_record_through_the_api(client, coordinator, team):
    PostcodeFactory(postcode="M32 0TH")
    sign_in(client, coordinator)
    data = {
        "full_name": "Cyril Ashworth",
        "postcode": "m320th",
        "team": team.pk,
        "consent_method": "spoken",
        "consent_given_on": "2026-11-20",
    }
    response = client.post(reverse("api_people"), data, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["postcode"] == "M32 0TH" and response.json()["imd_decile"] == 5
    assert Person.objects.get().consents.get().given_on.isoformat() == "2026-11-20"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode": "M99 9ZZ"}, "postcode"),
        ({"consent_given_on": "yesterday"}, "consent_given_on"),
        ({"consent_method": None}, "consent_method"),
        ({"team": 999999}, "team"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth"),
    ],
)
def test_bad_input_starting_a_record_is_refused_naming_the_field(client, coordinator, team, changes, field):
    sign_in(client, coordinator)
    data = {
        "full_name": "Cyril",
        "team": team.pk,
        "consent_method": "spoken",
        "consent_given_on": "2026-11-20",
    }
    data = {k: v for k, v in (data | changes).items() if v is not None}
    response = client.post(reverse("api_people"), data, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Person.objects.exists()


def test_another_teams_team_is_refused(client, coordinator):
    sign_in(client, coordinator)
    data = {
        "full_name": "Cyril",
        "team": TeamFactory().pk,
        "consent_method": "spoken",
        "consent_given_on": "2026-11-20",
    }
    response = client.post(reverse("api_people"), data, content_type="application/json")
    # the same answer as a team that does not exist: an id outside one's choices is no choice
    assert response.status_code == 400 and response.json()["team"] == [
        f'Invalid pk "{data["team"]}" - object does not exist.'
    ]


def test_conversation_follow_up_before_it_is_refused(client, person, coordinator):
    sign_in(client, coordinator)
    data = {"happened_on": "2026-11-20", "kind": "call", "notes": "Rang", "follow_up_on": "2026-11-19"}
    response = client.post(
        reverse("api_conversations", args=[person.pk]), data, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"follow_up_on": ["The follow-up date must be on or after the conversation."]}
    assert Conversation.objects.count() == 1


def test_withdrawn_consent_refuses_new_conversations(client, person, coordinator):
    consent = person.consents.get()
    consent.withdrawn_on = consent.given_on
    consent.save()
    sign_in(client, coordinator)
    data = {"happened_on": "2026-11-20", "kind": "call", "notes": "Rang"}
    response = client.post(
        reverse("api_conversations", args=[person.pk]), data, content_type="application/json"
    )
    assert response.status_code == 400 and "no longer agrees" in response.json()["non_field_errors"][0]
    assert Conversation.objects.count() == 1


def test_introduction_lifecycle_through_the_api(client, person, coordinator):
    listing = ServiceFactory(name="Sale bowls club")
    sign_in(client, coordinator)
    response = client.post(
        reverse("api_introductions", args=[person.pk]),
        {"listing": str(listing.pk), "made_on": "2026-11-02", "status": "introduced"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    intro_id = response.json()["id"]
    steps = reverse("api_introduction_steps", args=[intro_id])
    bad = client.post(steps, {"status": "suggested", "on": "2026-11-03"}, content_type="application/json")
    assert bad.status_code == 400 and "can only go to" in bad.json()["status"][0]
    for status, on in [("went_along", "2026-11-09"), ("still_connected", "2026-11-20")]:
        response = client.post(steps, {"status": status, "on": on}, content_type="application/json")
        assert response.status_code == 201, response.json()
    assert [s["status"] for s in response.json()["steps"]] == ["introduced", "went_along", "still_connected"]


def test_cannot_introduce_to_someone_from_another_team(client, person, coordinator):
    stranger = PersonFactory(team=TeamFactory())
    sign_in(client, coordinator)
    response = client.post(
        reverse("api_introductions", args=[person.pk]),
        {"other_person": str(stranger.pk), "made_on": "2026-11-02"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "other_person" in response.json()
    assert Introduction.objects.count() == 1


def test_openapi_documents_the_people_api(client):
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    for path in (
        "/api/people/",
        "/api/people/{id}/",
        "/api/people/{id}/conversations/",
        "/api/introductions/{id}/steps/",
    ):
        assert path in schema["paths"], path


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/people/" in (tmp_path / "schema.yml").read_text()


def test_coordinator_must_be_from_the_persons_team(client, person, coordinator, make_user):
    second_team = TeamFactory()
    coordinator.teams.add(second_team)
    colleague = make_user(Role.COORDINATOR, teams=[second_team])  # a choice, but not on Ada's team
    outsider = make_user(Role.COORDINATOR, teams=[TeamFactory()])  # not a choice at all
    sign_in(client, coordinator)
    url = reverse("api_person", args=[person.pk])
    response = client.patch(url, {"coordinator": colleague.pk}, content_type="application/json")
    assert response.status_code == 400 and response.json()["coordinator"] == [
        "Choose a coordinator from the person's team."
    ]
    response = client.patch(url, {"coordinator": outsider.pk}, content_type="application/json")
    assert response.status_code == 400 and response.json()["coordinator"] == [
        f'Invalid pk "{outsider.pk}" - object does not exist.'
    ]
    assert Person.objects.get(pk=person.pk).coordinator == coordinator
