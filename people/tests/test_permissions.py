"""Who may do what with person records (people.permissions), and how a refusal reaches a page and
the API: NotPermitted is 403 with its message, NotVisible is 404 as for something missing."""

from datetime import date, time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, TeamMembership
from accounts.tests.factories import TeamFactory
from common.errors import NotPermitted, NotVisible
from common.testing import sign_in
from people import permissions, services
from people.models import Conversation, DropInSession, Person
from people.selectors import NotAllowed, PersonNotVisible, subject_access_for
from people.tests.factories import PersonFactory

RECORD_ROLES = [Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER, Role.ADMINISTRATOR]
OTHER_ROLES = [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER]


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def person(team, coordinator):
    return PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")


@pytest.fixture
def lead(team, make_user):
    lead = make_user(Role.COORDINATOR)
    TeamMembership.objects.create(team=team, user=lead, is_lead=True)
    return lead


@pytest.fixture
def teammate(team, make_user):
    """On the person's team, neither their coordinator nor a lead."""
    return make_user(Role.LINK_WORKER, teams=[team])


@pytest.fixture
def outsider(make_user):
    """A lead of another team."""
    outsider = make_user(Role.COORDINATOR)
    TeamMembership.objects.create(team=TeamFactory(), user=outsider, is_lead=True)
    return outsider


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def session(team):
    return DropInSession.objects.create(
        team=team,
        title="Partington drop-in",
        place="Library",
        on=date(2026, 11, 24),
        starts_at=time(10),
        ends_at=time(12),
    )


# --- Roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", RECORD_ROLES)
def test_roles_that_read_records_work_with_people(make_user, role):
    assert permissions.may_work_with_people(make_user(role))


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_do_not_work_with_people(make_user, role):
    assert not permissions.may_work_with_people(make_user(role))


def test_a_superuser_of_any_role_works_with_people_and_sees_everyone(make_user):
    superuser = make_user(Role.RESIDENT, is_superuser=True)
    assert permissions.may_work_with_people(superuser)
    assert permissions.may_see_everyone(superuser)


def test_signed_out_and_closed_accounts_do_not_work_with_people(make_user):
    assert not permissions.may_work_with_people(AnonymousUser())
    assert not permissions.may_work_with_people(make_user(Role.COORDINATOR, is_active=False))


def test_a_closed_coordinator_account_still_has_the_role_named_on_a_record(make_user):
    """Asked of the coordinator named on a record (not the one asking): a closed account keeps its
    place on records until someone changes it."""
    assert permissions.has_role_that_reads_records(make_user(Role.COORDINATOR, is_active=False))
    assert not permissions.has_role_that_reads_records(make_user(Role.RESIDENT))


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER])
def test_only_administrators_see_everyone(make_user, role):
    assert not permissions.may_see_everyone(make_user(role))
    assert permissions.may_see_everyone(make_user(Role.ADMINISTRATOR))


# --- A person's record ----------------------------------------------------------------------------


def test_the_team_sees_and_changes_a_person(person, coordinator, teammate, lead):
    for user in (coordinator, teammate, lead):
        assert permissions.may_see_person(user, person)
        assert permissions.may_change_person(user, person)


def test_another_team_does_not_see_a_person(person, outsider):
    assert not permissions.may_see_person(outsider, person)
    assert not permissions.may_change_person(outsider, person)


def test_an_administrator_sees_every_team_s_people(person, administrator):
    assert permissions.may_see_person(administrator, person)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_a_role_that_does_not_read_records_does_not_see_its_team_s_people(person, team, make_user, role):
    assert not permissions.may_see_person(make_user(role, teams=[team]), person)


def test_no_one_sees_an_erased_record_or_someone_signed_out(person, coordinator, administrator):
    assert not permissions.may_see_person(AnonymousUser(), person)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    assert not permissions.may_see_person(coordinator, person)
    assert not permissions.may_see_person(administrator, person)


# --- Safeguarding, subject access and erasure -----------------------------------------------------


def test_the_coordinator_and_the_team_s_leads_read_safeguarding(person, coordinator, lead):
    for user in (coordinator, lead):
        assert permissions.may_read_safeguarding(user, person)
        assert permissions.may_request_subject_access(user, person)


def test_others_do_not_read_safeguarding(person, teammate, outsider, administrator):
    for user in (teammate, outsider, administrator, AnonymousUser()):
        assert not permissions.may_read_safeguarding(user, person)
        assert not permissions.may_request_subject_access(user, person)


def test_team_leads_and_administrators_may_erase(person, lead, administrator):
    assert permissions.may_erase_person(lead, person)
    assert permissions.may_erase_person(administrator, person)


def test_the_coordinator_a_teammate_another_team_s_lead_and_the_signed_out_may_not_erase(
    person, coordinator, teammate, outsider
):
    for user in (coordinator, teammate, outsider, AnonymousUser()):
        assert not permissions.may_erase_person(user, person)


def test_a_lead_whose_role_does_not_read_records_may_not_erase(person, team, make_user):
    commissioner = make_user(Role.COMMISSIONER)
    TeamMembership.objects.create(team=team, user=commissioner, is_lead=True)
    assert not permissions.may_erase_person(commissioner, person)


# --- Drop-ins -------------------------------------------------------------------------------------


def test_the_team_and_administrators_see_a_drop_in(session, coordinator, administrator):
    assert permissions.may_see_drop_in(coordinator, session)
    assert permissions.may_see_drop_in(administrator, session)


def test_another_team_a_resident_on_the_team_and_the_signed_out_do_not_see_a_drop_in(
    session, team, outsider, make_user
):
    for user in (outsider, make_user(Role.RESIDENT, teams=[team]), AnonymousUser()):
        assert not permissions.may_see_drop_in(user, session)


# --- Services refuse with the one vocabulary ------------------------------------------------------


def test_erasing_is_not_permitted_to_a_teammate_and_nothing_is_erased(person, teammate):
    with pytest.raises(NotPermitted, match="leads and administrators"):
        services.erase_person(teammate, person)
    assert Person.objects.get(pk=person.pk).full_name == "Ada Whitfield"


def test_another_team_s_record_is_not_visible_to_a_service(person, outsider):
    with pytest.raises(NotVisible):
        services.add_goal(outsider, person, "Walk to the park")
    assert not person.goals.exists()


def test_a_role_that_does_not_read_records_may_not_start_one(team, make_user):
    commissioner = make_user(Role.COMMISSIONER, teams=[team])
    details = {"full_name": "Bea Holt", "team": team}
    with pytest.raises(NotPermitted):
        services.create_person(commissioner, details, "spoken", date(2026, 1, 5))
    assert not Person.objects.exists()


def test_another_team_s_drop_in_is_not_visible_when_logging_attendance(session, outsider):
    with pytest.raises(PersonNotVisible):
        services.log_attendance(outsider, session, {"first_name": "Sam"})
    assert not session.attendances.exists()


def test_subject_access_is_not_permitted_to_a_teammate_and_not_visible_to_another_team(
    person, teammate, outsider
):
    with pytest.raises(NotAllowed) as refused:
        subject_access_for(teammate, person.pk)
    assert isinstance(refused.value, NotPermitted)
    with pytest.raises(NotVisible):
        subject_access_for(outsider, person.pk)


def test_a_missing_record_is_not_visible_whatever_the_id(coordinator):
    with pytest.raises(PersonNotVisible):
        subject_access_for(coordinator, "not-a-uuid")


# --- How a refusal reaches the page and the API ---------------------------------------------------

CONVERSATION = {"happened_on": "2026-11-20", "kind": "call", "notes": "Talked about the allotment"}


def test_a_service_s_not_permitted_is_a_403_on_the_page(client, person, coordinator, monkeypatch):
    def refuse(user, person, details):
        raise NotPermitted("Only the coordinator may record this.")

    monkeypatch.setattr(services, "record_conversation", refuse)
    sign_in(client, coordinator)
    answer = client.post(reverse("people:add_conversation", args=[person.pk]), CONVERSATION)
    assert answer.status_code == 403
    assert not Conversation.objects.exists()


def test_a_service_s_not_visible_is_a_404_on_the_page(client, person, coordinator, monkeypatch):
    def hide(user, person, details):
        raise PersonNotVisible

    monkeypatch.setattr(services, "record_conversation", hide)
    sign_in(client, coordinator)
    answer = client.post(reverse("people:add_conversation", args=[person.pk]), CONVERSATION)
    assert answer.status_code == 404


def test_a_service_s_not_permitted_is_a_403_with_its_message_in_the_api(
    client, person, coordinator, monkeypatch
):
    def refuse(user, person, details):
        raise NotPermitted("Only the coordinator may record this.")

    monkeypatch.setattr(services, "record_conversation", refuse)
    sign_in(client, coordinator)
    answer = client.post(
        reverse("api_conversations", args=[person.pk]), CONVERSATION, content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer.json() == {"detail": "Only the coordinator may record this."}


def test_a_service_s_not_visible_is_a_404_in_the_api_saying_nothing_more(
    client, person, coordinator, monkeypatch
):
    def hide(user, person, details):
        raise PersonNotVisible("Ada is on another team.")

    monkeypatch.setattr(services, "record_conversation", hide)
    sign_in(client, coordinator)
    answer = client.post(
        reverse("api_conversations", args=[person.pk]), CONVERSATION, content_type="application/json"
    )
    assert answer.status_code == 404
    assert "another team" not in answer.content.decode()


def test_subject_access_by_a_teammate_is_a_403_page(client, person, teammate):
    sign_in(client, teammate)
    assert client.get(reverse("people:subject_access", args=[person.pk])).status_code == 403


def test_a_refusal_of_a_button_is_said_on_the_page_it_returns_to(client, person, coordinator):
    goal = services.add_goal(coordinator, person, "Walk to the park")
    sign_in(client, coordinator)
    answer = client.post(reverse("people:finish_goal", args=[goal.pk]), {"status": "open"}, follow=True)
    assert "Choose whether the goal was achieved or is no longer wanted." in answer.content.decode()
    goal.refresh_from_db()
    assert goal.finished_on is None
