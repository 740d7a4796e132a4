"""A person seen at a drop-in has it on their record: as a contact on their referral, and with
whom they spoke and the listings they were introduced to there."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from people.models import DropInSession, Referral
from people.tests.factories import ConversationFactory, PersonFactory


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team], full_name="Cora Ordway")


@pytest.fixture
def person(team, coordinator):
    return PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")


def _drop_in(team, days_ago=0, title="Partington community drop-in"):
    return DropInSession.objects.create(
        team=team,
        title=title,
        place="Partington library",
        on=timezone.localdate() - timedelta(days=days_ago),
        starts_at=time(10),
        ends_at=time(12),
    )


def test_a_person_seen_at_a_drop_in_shows_it_as_a_contact_and_what_was_made_there(
    client, team, coordinator, person
):
    today = timezone.localdate()
    Referral.objects.create(
        person=person,
        received_on=today - timedelta(days=10),
        referring_organisation="Surgery",
        reasons=["loneliness"],
    )
    choir = ServiceFactory(name="Partington Community Choir")
    session = _drop_in(team, days_ago=2)
    sign_in(client, coordinator)
    response = client.post(
        reverse("people:drop_in", args=[session.pk]),
        {
            "person": person.pk,
            "linked_with": coordinator.pk,
            "linked_listing": choir.pk,
            "note": "Loves singing",
        },
    )
    assert response.status_code == 302
    record = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "0 contacts since" not in record
    assert "1 contact since" in record
    drop_ins = record[record.index(">Drop-ins<") :]
    assert "Partington community drop-in" in drop_ins and "spoke with Cora Ordway" in drop_ins
    assert "introduced to" in drop_ins and "Partington Community Choir" in drop_ins
    assert "Loves singing" in drop_ins


def test_a_chat_at_a_drop_in_recorded_as_a_conversation_is_one_contact_not_two(team, person):
    today = timezone.localdate()
    referral = Referral.objects.create(
        person=person,
        received_on=today - timedelta(days=10),
        referring_organisation="Surgery",
        reasons=["money"],
    )
    session = _drop_in(team, days_ago=3)
    session.attendances.create(person=person)
    ConversationFactory(person=person, happened_on=session.on, kind="drop_in")
    assert referral.contacts == 1
    _drop_in(team, days_ago=1, title="Second").attendances.create(person=person)
    assert referral.contacts == 2


def test_drop_ins_outside_the_referral_are_not_its_contacts(team, person):
    today = timezone.localdate()
    referral = Referral.objects.create(
        person=person,
        received_on=today - timedelta(days=10),
        closed_on=today - timedelta(days=5),
        closure_reason="connected",
        referring_organisation="Surgery",
        reasons=["money"],
    )
    _drop_in(team, days_ago=20, title="Before").attendances.create(person=person)
    _drop_in(team, days_ago=2, title="After").attendances.create(person=person)
    _drop_in(team, days_ago=7, title="During").attendances.create(person=person)
    assert referral.contacts == 1


def test_someone_not_on_record_at_the_drop_in_is_on_no_ones_record(client, team, coordinator, person):
    session = _drop_in(team)
    session.attendances.create(first_name="Maureen")
    sign_in(client, coordinator)
    record = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Maureen" not in record and "Not seen at a drop-in yet" in record
