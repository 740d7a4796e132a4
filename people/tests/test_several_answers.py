"""Ticking several answers keeps them all: a person's interests, a referral's reasons and a
drop-in's hosts, posted through the real pages and read back from the saved record."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from common.testing import sign_in
from directory.tests.factories import TaxonomyTermFactory
from people.models import DropInSession, Person, Referral
from people.tests.factories import PersonFactory


def _checkboxes(page, name: str) -> list[str]:
    """The checkboxes (never radios) a page draws for the field ``name``."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page.content.decode())
    assert inputs, f"no input named {name}"
    assert all('type="checkbox"' in tag for tag in inputs), inputs
    return inputs


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team], full_name="Cora Ordway")


@pytest.fixture
def signed_in(client, coordinator):
    sign_in(client, coordinator)
    return client


def test_a_new_person_keeps_every_interest_ticked(signed_in, team, coordinator):
    walking, music, cooking = (
        TaxonomyTermFactory(name=n, parent=None) for n in ("Walking", "Music", "Cooking")
    )
    page = signed_in.get(reverse("people:add_person"))
    assert len(_checkboxes(page, "interests")) == 3
    response = signed_in.post(
        reverse("people:add_person"),
        {
            "full_name": "Ada Whitfield",
            "team": team.pk,
            "coordinator": coordinator.pk,
            "introduced_by": "self",
            "interests": [walking.pk, music.pk],
            "consent-agreed": "on",
            "consent-method": "spoken",
            "consent-given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="Ada Whitfield")
    assert set(person.interests.all()) == {walking, music}
    assert cooking not in person.interests.all()


def test_changing_a_record_keeps_every_interest_ticked(signed_in, team, coordinator):
    walking, music, cooking = (
        TaxonomyTermFactory(name=n, parent=None) for n in ("Walking", "Music", "Cooking")
    )
    person = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    person.interests.set([cooking])
    response = signed_in.post(
        reverse("people:change_person", args=[person.pk]),
        {
            "full_name": "Ada Whitfield",
            "team": team.pk,
            "coordinator": coordinator.pk,
            "introduced_by": "self",
            "interests": [walking.pk, music.pk],
        },
    )
    assert response.status_code == 302
    assert set(Person.objects.get(pk=person.pk).interests.all()) == {walking, music}


def test_a_referral_keeps_every_reason_ticked(signed_in, team, coordinator):
    person = PersonFactory(team=team, coordinator=coordinator)
    page = signed_in.get(reverse("people:add_referral", args=[person.pk]))
    assert len(_checkboxes(page, "reasons")) == len(Referral.Reason.choices)
    response = signed_in.post(
        reverse("people:add_referral", args=[person.pk]),
        {
            "received_on": timezone.localdate().isoformat(),
            "referring_organisation": "Partington Health Centre",
            "reasons": ["loneliness", "money", "caring"],
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(person=person).reasons == ["loneliness", "money", "caring"]


def test_a_drop_in_keeps_every_host_ticked(signed_in, team, coordinator, make_user):
    second = make_user(Role.LINK_WORKER, teams=[team], full_name="Lina Worth")
    third = make_user(Role.COORDINATOR, teams=[team], full_name="Tom Third")
    page = signed_in.get(reverse("people:add_drop_in"))
    assert len(_checkboxes(page, "hosts")) == 3
    response = signed_in.post(
        reverse("people:add_drop_in"),
        {
            "title": "Partington community drop-in",
            "team": team.pk,
            "place": "Partington library",
            "on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "starts_at": "10:00",
            "ends_at": "12:00",
            "hosts": [coordinator.pk, second.pk],
        },
    )
    assert response.status_code == 302
    session = DropInSession.objects.get(title="Partington community drop-in")
    assert set(session.hosts.all()) == {coordinator, second}
    assert third not in session.hosts.all()
