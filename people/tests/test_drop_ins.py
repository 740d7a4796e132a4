"""Drop-ins: planned by a team, attendance logged as people arrive (on record or not yet), and
seen only by that team."""

from datetime import date, time

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory
from common.testing import sign_in
from directory.tests.factories import LocationFactory, ServiceFactory
from people.models import Attendance, DropInSession
from people.tests.factories import PersonFactory


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def session(team, coordinator):
    return DropInSession.objects.create(
        team=team,
        title="Partington drop-in",
        place="Partington library",
        on=date(2026, 11, 24),
        starts_at=time(10),
        ends_at=time(12),
    )


def plan(**changes):
    return {
        "title": "Carrington drop-in",
        "place": "Carrington church hall",
        "on": "2026-12-01",
        "starts_at": "10:00",
        "ends_at": "12:00",
    } | changes


def test_coordinator_plans_a_drop_in_with_hosts_from_the_team(client, team, coordinator, make_user):
    social_worker = make_user(Role.COORDINATOR, teams=[team])
    hall = LocationFactory(name="Carrington hall")  # a venue of one of the council's own listings
    ServiceFactory(provider__owner=team.organisation, owner=team.organisation, at=[hall])
    elsewhere = LocationFactory(name="Someone else's hall")
    sign_in(client, coordinator)
    page = client.get(reverse("people:add_drop_in")).content.decode()
    assert "Carrington hall" in page and "Someone else&#x27;s hall" not in page
    refused = client.post(reverse("people:add_drop_in"), plan(team=team.pk, venue=elsewhere.pk))
    assert "Choose a venue from the list" in refused.content.decode() and not DropInSession.objects.exists()
    data = plan(
        team=team.pk,
        venue=hall.pk,
        hosts=[coordinator.pk, social_worker.pk],
        others_on_hand="A social worker",
    )
    response = client.post(reverse("people:add_drop_in"), data)
    session = DropInSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:drop_in", args=[session.pk]
    )
    assert set(session.hosts.all()) == {coordinator, social_worker} and session.where == "Carrington hall"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "09:00"}, "The end time must be after the start time"),
        ({"starts_at": "25:00"}, "The start time must be a time"),
        ({"place": ""}, "Choose a venue, or say where it is"),
        ({"title": ""}, "Enter a name for the drop-in"),
    ],
)
def test_bad_input_planning_a_drop_in_saves_nothing(client, team, coordinator, changes, message):
    sign_in(client, coordinator)
    page = client.post(reverse("people:add_drop_in"), plan(team=team.pk) | changes).content.decode()
    assert "There is a problem" in page and message in page
    assert not DropInSession.objects.exists()


def test_hosts_must_be_from_the_team(client, team, coordinator, make_user):
    outsider = make_user(Role.COORDINATOR, teams=[TeamFactory()])
    sign_in(client, coordinator)
    page = client.post(
        reverse("people:add_drop_in"), plan(team=team.pk, hosts=[outsider.pk])
    ).content.decode()
    assert "Hosts must be members of the team" in page
    assert not DropInSession.objects.exists()


def test_attendance_is_logged_for_people_on_record_and_not_yet(client, session, coordinator):
    ada = PersonFactory(team=session.team, full_name="Ada Whitfield")
    listing = ServiceFactory(name="Sale bowls club")
    sign_in(client, coordinator)
    url = reverse("people:drop_in", args=[session.pk])
    assert client.post(url, {"person": ada.pk, "linked_with": coordinator.pk}).status_code == 302
    assert (
        client.post(
            url, {"first_name": "Stan", "linked_listing": listing.pk, "note": "Likes bowls"}
        ).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "Ada Whitfield" in page and "Stan (not on record)" in page and "Sale bowls club" in page
    assert "Start a record" in page and "full_name=Stan" in page
    assert [(a.person, a.first_name) for a in session.attendances.all()] == [(ada, ""), (None, "Stan")]
    assert AuditEvent.objects.filter(actor=coordinator, action="view", target_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose someone on record, or give the first name"),
        ({"first_name": "Stan", "person": "ADA"}, "Choose someone on record, or give the first name"),
        ({"person": "ADA"}, "already down as here"),
        ({"person": "STRANGER"}, "Choose someone from the team running this drop-in"),
    ],
)
def test_bad_attendance_is_refused(client, session, coordinator, data, message):
    ada = PersonFactory(team=session.team)
    Attendance.objects.create(session=session, person=ada) if message.startswith("already") else None
    stranger = PersonFactory(team=TeamFactory())
    data = {k: {"ADA": ada.pk, "STRANGER": stranger.pk}.get(v, v) for k, v in data.items()}
    before = Attendance.objects.count()
    sign_in(client, coordinator)
    page = client.post(reverse("people:drop_in", args=[session.pk]), data).content.decode()
    assert message in page
    assert Attendance.objects.count() == before


def test_other_teams_and_roles_cannot_see_a_drop_in(client, session, make_user):
    PersonFactory(team=session.team, full_name="Ada Whitfield")
    url = reverse("people:drop_in", args=[session.pk])
    sign_in(client, make_user(Role.COORDINATOR, teams=[TeamFactory()]))
    assert client.get(url).status_code == 404
    assert client.post(url, {"first_name": "Stan"}).status_code == 404
    assert "Partington" not in client.get(reverse("people:drop_ins")).content.decode()
    sign_in(client, make_user(Role.ORGANISATION_EDITOR, teams=[session.team]))
    for page in (url, reverse("people:drop_ins"), reverse("people:add_drop_in")):
        assert client.get(page).status_code == 403
    assert not Attendance.objects.exists()


def test_someone_who_moved_to_another_team_is_named_by_first_name_on_an_old_drop_in(
    client, session, coordinator
):
    """Their record is the other team's now: the old team's drop-in neither names them in full
    nor links to a record it may not open."""
    person = PersonFactory(team=session.team, full_name="Perpetua Wolstenholme", preferred_name="")
    Attendance.objects.create(session=session, person=person)
    person.team = TeamFactory()
    person.save(update_fields=["team"])
    sign_in(client, coordinator)
    page = client.get(reverse("people:drop_in", args=[session.pk])).content.decode()
    assert "Perpetua (known to another team)" in page
    assert "Wolstenholme" not in page
    assert reverse("people:person", args=[person.pk]) not in page
