"""The passengers' register for a scheme's coordinators: the list with eligibility and search,
registering someone (from a record, or new), a passenger's page with "assess again" and the
coordinator's decision; every read audited, everyone else answered 404."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.testing import sign_in
from people.models import Consent, Person
from people.tests.factories import PersonFactory
from places.tests.factories import PostcodeFactory
from transport.models import MobilityAid, Passenger, SchemeEligibility
from transport.tests.factories import coming, make_passenger, make_scheme, make_trip


@pytest.fixture
def scheme_and_coordinator(db):
    return make_scheme(minimum_age=60)


def _client(client, user):
    sign_in(client, user)
    return client


def _views_of(passenger):
    return AuditEvent.objects.filter(
        action="view",
        target_type=ContentType.objects.get_for_model(Passenger),
        target_id=str(passenger.pk),
    )


def test_the_list_shows_each_passengers_eligibility_with_the_reasons(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    old = make_passenger(scheme, coordinator, name="Alf Brown", date_of_birth=date(1940, 2, 1))
    young = make_passenger(scheme, coordinator, name="Jo Young", date_of_birth=date(1990, 2, 1))
    response = _client(client, coordinator).get(reverse("transport:passengers", args=[scheme.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Alf Brown" in text and "Jo Young" in text
    assert "Not eligible" in text and "aged 60 or over" in text
    assert _views_of(old).exists() and _views_of(young).exists()


def test_the_list_is_searchable_by_name(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    make_passenger(scheme, coordinator, name="Alf Brown")
    make_passenger(scheme, coordinator, name="Jo Young")
    response = _client(client, coordinator).get(
        reverse("transport:passengers", args=[scheme.pk]), {"q": "brow"}
    )
    assert "Alf Brown" in response.content.decode()
    assert "Jo Young" not in response.content.decode()


def test_another_teams_coordinator_a_resident_and_a_visitor_get_404(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    passenger = make_passenger(scheme, coordinator, name="Alf Brown")
    urls = [
        reverse("transport:passengers", args=[scheme.pk]),
        reverse("transport:register_passenger", args=[scheme.pk]),
        reverse("transport:register_new_passenger", args=[scheme.pk]),
        reverse("transport:passenger", args=[passenger.pk]),
        reverse("transport:decide_eligibility", args=[passenger.pk, scheme.pk]),
    ]
    others = [
        UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
        UserFactory(role=Role.RESIDENT, teams=[scheme.team]),
        UserFactory(role=Role.ORGANISATION_EDITOR, teams=[scheme.team]),
    ]
    for user in others:
        signed_in = _client(client, user)
        for url in urls:
            assert signed_in.get(url).status_code == 404, (user.role, url)
            assert signed_in.post(
                url, {"person": str(passenger.person.pk), "mobility_aid": "none"}
            ).status_code in (
                404,
                405,
            )
        client.logout()
    for url in urls:
        assert client.get(url).status_code == 302  # sign in first
    assert not _views_of(passenger).exclude(actor=coordinator).exists()


def test_registering_someone_on_the_records_notes_their_needs_and_assesses_them(
    client, scheme_and_coordinator
):
    scheme, coordinator = scheme_and_coordinator
    person = PersonFactory(team=scheme.team, full_name="Edna Marsh", date_of_birth=date(1938, 5, 1))
    url = reverse("transport:register_passenger", args=[scheme.pk])
    signed_in = _client(client, coordinator)
    page = signed_in.get(url, {"q": "marsh"})
    assert "Edna Marsh" in page.content.decode()
    response = signed_in.post(
        f"{url}?q=marsh",
        {
            "person": str(person.pk),
            "mobility_aid": MobilityAid.WALKER,
            "escort_allowed": "on",
            "notes_for_driver": "Ring the bell twice.",
        },
    )
    passenger = Passenger.objects.get(person=person)
    assert response.status_code == 302 and response.url == reverse("transport:passenger", args=[passenger.pk])
    assert passenger.mobility_aid == MobilityAid.WALKER and passenger.escort_allowed
    assert SchemeEligibility.objects.get(passenger=passenger, scheme=scheme).is_eligible


def test_someone_another_team_keeps_cannot_be_chosen(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    elsewhere = PersonFactory(team=TeamFactory(), full_name="Bert Elsewhere")
    url = reverse("transport:register_passenger", args=[scheme.pk])
    signed_in = _client(client, coordinator)
    assert "Bert Elsewhere" not in signed_in.get(url, {"q": "bert"}).content.decode()
    response = signed_in.post(f"{url}?q=bert", {"person": str(elsewhere.pk), "mobility_aid": "none"})
    assert response.status_code == 200
    assert "Choose someone from the list" in response.content.decode()
    assert not Passenger.objects.exists()


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({}, "person", "Choose who to register"),
        ({"person": "not-an-id"}, "person", "Choose someone from the list"),
        ({"mobility_aid": "jetpack"}, "mobility_aid", "Choose a mobility aid from the list"),
        ({"date_of_birth": "31/02/1950"}, "date_of_birth", "must be a real date"),
        ({"notes_for_driver": "x" * 2001}, "notes_for_driver", "2,000 characters or fewer"),
    ],
)
def test_bad_input_to_register_names_the_field_and_saves_nothing(
    client, scheme_and_coordinator, posted, field, message
):
    scheme, coordinator = scheme_and_coordinator
    person = PersonFactory(team=scheme.team, full_name="Edna Marsh")
    data = {"person": str(person.pk), "mobility_aid": "none"} | posted
    if field == "person" and not posted:
        data.pop("person")
    url = reverse("transport:register_passenger", args=[scheme.pk])
    response = _client(client, coordinator).post(f"{url}?q=edna", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Passenger.objects.exists()


def test_registering_someone_new_starts_their_record_with_their_consent(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    PostcodeFactory(postcode="M33 5AB")
    response = _client(client, coordinator).post(
        reverse("transport:register_new_passenger", args=[scheme.pk]),
        {
            "full_name": "Winnie Hart",
            "postcode": "m335ab",
            "consent_method": "spoken",
            "mobility_aid": "wheelchair_seated",
            "date_of_birth": "3/7/1941",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="Winnie Hart")
    assert person.team == scheme.team and person.postcode_id == "M33 5AB"
    assert Consent.objects.filter(person=person, purpose="keep_record", method="spoken").exists()
    passenger = person.passenger
    assert passenger.mobility_aid == "wheelchair_seated" and passenger.date_of_birth == date(1941, 7, 3)
    assert SchemeEligibility.objects.get(passenger=passenger, scheme=scheme).is_eligible


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"full_name": ""}, "Enter their full name"),
        ({"postcode": "ZZ1 1ZZ"}, "postcode"),
        ({"consent_method": ""}, "Say how they agreed"),
        ({"date_of_birth": "3/7/2090"}, "Date of birth"),
    ],
)
def test_bad_input_when_registering_someone_new_saves_nothing(
    client, scheme_and_coordinator, posted, message
):
    scheme, coordinator = scheme_and_coordinator
    data = {"full_name": "Winnie Hart", "consent_method": "spoken", "mobility_aid": "none"} | posted
    response = _client(client, coordinator).post(
        reverse("transport:register_new_passenger", args=[scheme.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.filter(full_name="Winnie Hart").exists()


def test_the_passenger_page_is_audited_and_shows_their_trips(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    passenger = make_passenger(
        scheme, coordinator, date_of_birth=date(1940, 1, 1), notes_for_driver="Side door"
    )
    make_trip(coordinator, passenger, scheme, coming())
    response = _client(client, coordinator).get(reverse("transport:passenger", args=[passenger.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Edna Marsh" in text and "Side door" in text and "Friendship lunch club" in text
    assert _views_of(passenger).filter(actor=coordinator).exists()


def test_assess_again_follows_a_change_in_the_rules(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    passenger = make_passenger(scheme, coordinator, date_of_birth=date(1990, 1, 1))
    scheme.minimum_age = None
    scheme.save()
    response = _client(client, coordinator).post(
        reverse("transport:assess_passenger", args=[passenger.pk, scheme.pk])
    )
    assert response.status_code == 302
    assert SchemeEligibility.objects.get(passenger=passenger, scheme=scheme).is_eligible


def test_a_coordinator_saying_no_must_say_why(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    passenger = make_passenger(scheme, coordinator, date_of_birth=date(1940, 1, 1))
    url = reverse("transport:decide_eligibility", args=[passenger.pk, scheme.pk])
    signed_in = _client(client, coordinator)
    refused = signed_in.post(url, {"is_eligible": "no"})
    assert refused.status_code == 200 and "Say why they may not use the scheme" in refused.content.decode()
    assert SchemeEligibility.objects.get(passenger=passenger, scheme=scheme).is_eligible
    assert "Say whether they may use" in signed_in.post(url, {}).content.decode()
    decided = signed_in.post(url, {"is_eligible": "no", "reason": "Lives on a bus route they can use."})
    assert decided.status_code == 302
    eligibility = SchemeEligibility.objects.get(passenger=passenger, scheme=scheme)
    assert not eligibility.is_eligible and eligibility.reason == "Lives on a bus route they can use."


def test_another_teams_scheme_id_on_a_passengers_action_is_404(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    passenger = make_passenger(scheme, coordinator)
    other_scheme, _ = make_scheme(name="Elsewhere minibus")
    signed_in = _client(client, coordinator)
    assert (
        signed_in.post(
            reverse("transport:assess_passenger", args=[passenger.pk, other_scheme.pk])
        ).status_code
        == 404
    )
    assert (
        signed_in.get(
            reverse("transport:decide_eligibility", args=[passenger.pk, other_scheme.pk])
        ).status_code
        == 404
    )
    assert not SchemeEligibility.objects.filter(scheme=other_scheme).exists()
