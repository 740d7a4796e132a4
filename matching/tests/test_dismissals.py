"""Dismissing a suggestion: it does not return until the dismissal is removed; another team's
dismissals cannot be touched; bad input gets a message on its field; all of it is audited, and
reaches subject access and erasure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamMembershipFactory
from common.testing import sign_in
from matching.models import Dismissal
from people import services as people_services
from people.models import Person
from people.subject_access import subject_access_data
from people.tests.factories import PersonFactory

from .helpers import NEAR, agrees_to_be_introduced, listing, sam, use_listing_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user, team):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(team, coordinator):
    return sam(team, coordinator)


@pytest.fixture
def garden(monkeypatch):
    use_listing_source(monkeypatch)
    return listing("Community garden", "Gardening and meeting people at the allotments.", NEAR)


def _dismiss(client, person, garden, **data):
    url = reverse("matching:dismiss", args=[person.pk])
    posted = {"key": f"listing:{garden.pk}", "title": garden.name, "reason": "cant_get_there", **data}
    return client.post(url, posted)


def _page(client, person) -> str:
    """The page from its heading on (a success banner above it names the suggestion too)."""
    return client.get(reverse("matching:person", args=[person.pk])).content.decode().split("<h1")[1]


def test_the_form_names_the_suggestion(client, coordinator, person, garden):
    sign_in(client, coordinator)
    url = reverse("matching:dismiss", args=[person.pk])
    text = client.get(url, {"key": f"listing:{garden.pk}", "title": garden.name}).content.decode()
    assert "Why is “Community garden” not for Sam?" in text
    assert "Can&#x27;t get there" in text or "Can't get there" in text


def test_a_dismissed_suggestion_does_not_return_until_brought_back(client, coordinator, person, garden):
    sign_in(client, coordinator)
    assert "Community garden" in _page(client, person).split("Not for them</h2>")[0]
    response = _dismiss(client, person, garden, note="Two buses")
    assert response.status_code == 302 and response["Location"] == reverse(
        "matching:person", args=[person.pk]
    )
    dismissal = Dismissal.objects.get(person=person)
    assert (dismissal.key, dismissal.reason, dismissal.note, dismissal.dismissed_by) == (
        f"listing:{garden.pk}",
        "cant_get_there",
        "Two buses",
        coordinator,
    )
    suggested, dismissed = _page(client, person).split("Not for them</h2>")
    assert "Community garden" not in suggested
    assert "Community garden" in dismissed and "can&#x27;t get there (Two buses)" in dismissed

    restored = client.post(reverse("matching:restore", args=[dismissal.pk]), {"key": dismissal.key})
    assert restored.status_code == 302
    assert not Dismissal.objects.exists()
    assert "Community garden" in _page(client, person).split("Not for them</h2>")[0]


def test_dismissing_and_bringing_back_are_audited(client, coordinator, person, garden):
    sign_in(client, coordinator)
    _dismiss(client, person, garden)
    dismissal = Dismissal.objects.get()
    client.post(reverse("matching:restore", args=[dismissal.pk]), {"key": dismissal.key})
    notes = set(
        AuditEvent.objects.filter(
            actor=coordinator, action=AuditEvent.Action.UPDATE, target_id=str(person.pk)
        ).values_list("note", flat=True)
    )
    assert {
        f"suggestion dismissal {dismissal.pk} made",
        f"suggestion dismissal {dismissal.pk} removed",
    } <= notes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Choose why it is not for them"),
        ({"reason": "bored"}, "Select a valid choice"),
        ({"note": "x" * 301}, "Keep the note to 300 characters or fewer"),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_saves_nothing(
    client, coordinator, person, garden, data, message
):
    sign_in(client, coordinator)
    response = _dismiss(client, person, garden, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dismissal.objects.exists()


def test_a_made_up_suggestion_key_is_refused(client, coordinator, person, garden):
    sign_in(client, coordinator)
    response = _dismiss(client, person, garden, key="<script>")
    assert "That suggestion is not one we know" in response.content.decode()
    assert not Dismissal.objects.exists()


def test_bringing_back_without_the_suggestions_key_changes_nothing(client, coordinator, person, garden):
    sign_in(client, coordinator)
    _dismiss(client, person, garden)
    dismissal = Dismissal.objects.get()
    response = client.post(
        reverse("matching:restore", args=[dismissal.pk]), {"key": "listing:other"}, follow=True
    )
    assert "Choose a suggestion to bring back" in response.content.decode()
    assert Dismissal.objects.filter(pk=dismissal.pk).exists()


def test_dismissing_twice_says_so(client, coordinator, person, garden):
    sign_in(client, coordinator)
    _dismiss(client, person, garden)
    assert "already dismissed" in _dismiss(client, person, garden).content.decode()
    assert Dismissal.objects.count() == 1


def test_another_teams_dismissal_cannot_be_removed_nor_their_person_dismissed_for(
    client, make_user, person, garden
):
    Dismissal.objects.create(
        person=person, key=f"listing:{garden.pk}", title="Community garden", reason="other"
    )
    stranger = make_user(Role.COORDINATOR, teams=[PersonFactory().team])
    sign_in(client, stranger)
    dismissal = Dismissal.objects.get()
    posted = {"key": dismissal.key}
    assert client.post(reverse("matching:restore", args=[dismissal.pk]), posted).status_code == 404
    for bad in ("x", "-1", "99999999999999999999", ""):
        assert client.post(f"/suggestions/dismissals/{bad}/restore/", posted).status_code == 404
    assert Dismissal.objects.filter(pk=dismissal.pk).exists()
    assert _dismiss(client, person, garden, key="listing:other").status_code == 404
    assert Dismissal.objects.count() == 1


def test_subject_access_lists_them_and_erasure_removes_them_and_the_others_naming_the_person(
    coordinator, make_user, team, person, garden
):
    Dismissal.objects.create(
        person=person,
        key=f"listing:{garden.pk}",
        title="Community garden",
        reason="tried",
        note="Went in May",
    )
    pat = PersonFactory(team=team, full_name="Pat Gallagher")
    agrees_to_be_introduced(pat)
    Dismissal.objects.create(person=pat, key=f"person:{person.pk}", title="Sam", reason="not_wanted")
    exported = str(subject_access_data(Person.objects.get(pk=person.pk)))
    assert "Community garden" in exported and "Went in May" in exported and "Tried it already" in exported
    lead = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=lead, is_lead=True)
    people_services.erase_person(lead, Person.objects.get(pk=person.pk))
    assert not Dismissal.objects.exists()  # theirs, and Pat's dismissal of "Sam"
