"""A person's record is seen only by their team and administrators, and every read is audited.

Every page is tried by someone from another team (404: the record's existence is not given
away), by roles that never read person records (403), and by someone signed out (sign in)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, TeamMembershipFactory
from common.testing import assert_denied, sign_in
from people.models import Consent, Conversation, Goal, Introduction, Person, SafeguardingNote
from people.tests.factories import ConversationFactory, IntroductionFactory, PersonFactory


@pytest.fixture
def person(team, make_user):
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    person = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    ConversationFactory(person=person, notes="Spoke about the allotment", follow_up_on="2026-11-03")
    IntroductionFactory(person=person)
    Goal.objects.create(person=person, description="Walk to the park")
    SafeguardingNote.objects.create(person=person, note="Worried about a visitor")
    return person


def pages_about(person):
    """Every page that shows or changes this person's record, with the method to try."""
    conversation = person.conversations.get()
    introduction = person.introductions.get()
    consent = person.consents.get()
    goal = person.goals.get()
    return [
        ("get", reverse("people:person", args=[person.pk])),
        ("get", reverse("people:change_person", args=[person.pk])),
        ("post", reverse("people:change_person", args=[person.pk])),
        ("get", reverse("people:add_conversation", args=[person.pk])),
        ("post", reverse("people:add_conversation", args=[person.pk])),
        ("get", reverse("people:add_introduction", args=[person.pk])),
        ("post", reverse("people:add_introduction", args=[person.pk])),
        ("get", reverse("people:add_consent", args=[person.pk])),
        ("get", reverse("people:add_goal", args=[person.pk])),
        ("get", reverse("people:add_referral", args=[person.pk])),
        ("get", reverse("people:add_safeguarding_note", args=[person.pk])),
        ("post", reverse("people:add_safeguarding_note", args=[person.pk])),
        ("get", reverse("people:update_introduction", args=[introduction.pk])),
        ("post", reverse("people:update_introduction", args=[introduction.pk])),
        ("get", reverse("people:withdraw_consent", args=[consent.pk])),
        ("post", reverse("people:withdraw_consent", args=[consent.pk])),
        ("post", reverse("people:finish_goal", args=[goal.pk])),
        ("post", reverse("people:followed_up", args=[conversation.pk])),
        ("get", reverse("people:link_account", args=[person.pk])),
        ("post", reverse("people:link_account", args=[person.pk])),
        ("get", reverse("people:subject_access", args=[person.pk])),
        ("get", reverse("people:erase", args=[person.pk])),
        ("post", reverse("people:erase", args=[person.pk])),
    ]


def _unchanged(person):
    return (
        Person.objects.filter(pk=person.pk).values_list("full_name", flat=True).get() == "Ada Whitfield"
        and person.conversations.count() == 1
        and person.introductions.get().status == Introduction.Status.SUGGESTED
        and person.consents.get().withdrawn_on is None
        and person.goals.get().status == Goal.Status.WORKING_ON
        and person.safeguarding_notes.count() == 1
        and not Conversation.objects.filter(followed_up=True).exists()
        and Person.objects.get(pk=person.pk).erased_at is None
        and Person.objects.get(pk=person.pk).account_id is None
    )


def test_coordinator_from_other_team_gets_not_found_and_no_data(client, person, make_user):
    outsider = make_user(Role.COORDINATOR, teams=[TeamFactory()])
    sign_in(client, outsider)
    data = {
        "full_name": "Changed",
        "notes": "x",
        "note": "x",
        "status": "achieved",
        "withdrawn_on": "2026-11-20",
    }
    for method, url in pages_about(person):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"Whitfield" not in response.content and b"allotment" not in response.content
    assert _unchanged(person)
    assert not AuditEvent.objects.filter(actor=outsider, action=AuditEvent.Action.VIEW).exists()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISATION_EDITOR, Role.COMMISSIONER])
def test_roles_that_never_read_person_records_are_refused(client, person, make_user, role):
    sign_in(client, make_user(role, teams=[person.team]))  # even inside the team
    for method, url in [*pages_about(person), ("get", reverse("people:caseload"))]:
        response = getattr(client, method)(url, {"full_name": "Changed"})
        assert response.status_code == 403, (method, url, response.status_code)
    for url in (reverse("people:follow_ups"), reverse("people:add_person")):
        assert client.get(url).status_code == 403
    assert _unchanged(person)


def test_signed_out_visitors_are_sent_to_sign_in(client, person):
    for method, url in pages_about(person):
        assert_denied(getattr(client, method)(url))
    assert _unchanged(person)


def test_half_signed_in_staff_cannot_read_a_record(client, person):
    sign_in(client, person.coordinator, two_factor=False)
    response = client.get(reverse("people:person", args=[person.pk]))
    assert response.status_code == 302 and "Whitfield" not in response.content.decode()


def test_team_member_reads_the_record_and_the_read_is_audited(client, person, make_user):
    colleague = make_user(Role.LINK_WORKER, teams=[person.team])
    sign_in(client, colleague)
    response = client.get(reverse("people:person", args=[person.pk]))
    assert response.status_code == 200
    assert "Ada Whitfield" in response.content.decode()
    event = AuditEvent.objects.get(actor=colleague, action=AuditEvent.Action.VIEW)
    assert event.target_id == str(person.pk) and event.path == reverse("people:person", args=[person.pk])
    assert "Whitfield" not in event.note  # the log names the record, never the person


def test_administrator_sees_every_team(client, person, make_user):
    sign_in(client, make_user(Role.ADMINISTRATOR))
    assert client.get(reverse("people:person", args=[person.pk])).status_code == 200


def test_caseload_lists_only_the_users_teams(client, person, make_user):
    other = PersonFactory(full_name="Bert Ollerenshaw", team=TeamFactory())
    sign_in(client, person.coordinator)
    page = client.get(reverse("people:caseload"), {"scope": "team"}).content.decode()
    assert "Ada Whitfield" in page and other.full_name not in page
    searched = client.get(reverse("people:caseload"), {"scope": "team", "q": "bert"}).content.decode()
    assert other.full_name not in searched


def test_safeguarding_notes_are_for_the_coordinator_and_team_leads_only(client, person, make_user):
    lead = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=person.team, user=lead, is_lead=True)
    colleague = make_user(Role.COORDINATOR, teams=[person.team])
    administrator = make_user(Role.ADMINISTRATOR)
    url = reverse("people:person", args=[person.pk])
    for user, sees in [(person.coordinator, True), (lead, True), (colleague, False), (administrator, False)]:
        sign_in(client, user)
        assert ("Worried about a visitor" in client.get(url).content.decode()) is sees, user


def test_colleague_can_record_a_concern_they_then_cannot_read(client, person, make_user):
    colleague = make_user(Role.COORDINATOR, teams=[person.team])
    sign_in(client, colleague)
    url = reverse("people:add_safeguarding_note", args=[person.pk])
    assert client.post(url, {"note": "Bruises on her arm"}).status_code == 302
    assert "Bruises" not in client.get(reverse("people:person", args=[person.pk])).content.decode()
    sign_in(client, person.coordinator)
    assert "Bruises" in client.get(reverse("people:person", args=[person.pk])).content.decode()


def test_resident_sees_their_own_record_and_nobody_elses(client, person, make_user):
    resident = make_user(Role.RESIDENT)
    person.account = resident
    person.account_confirmed_at = timezone.now()  # they said "Yes, this is me"
    person.save()
    someone_else = make_user(Role.RESIDENT)
    sign_in(client, resident)
    page = client.get(reverse("people:your_record")).content.decode()
    assert "Walk to the park" in page and "Worried about a visitor" not in page
    assert AuditEvent.objects.filter(actor=resident, action="view", target_id=str(person.pk)).exists()
    sign_in(client, someone_else)
    page = client.get(reverse("people:your_record")).content.decode()
    assert "Walk to the park" not in page and "No team has a record" in page


def test_consent_of_another_team_cannot_be_withdrawn_through_the_service(person, make_user):
    from people.selectors import PersonNotVisible
    from people.services import withdraw_consent

    outsider = make_user(Role.COORDINATOR, teams=[TeamFactory()])
    with pytest.raises(PersonNotVisible):
        withdraw_consent(outsider, Consent.objects.get(person=person), person.consents.get().given_on)
    assert person.consents.get().withdrawn_on is None


def test_coordinator_links_a_residents_sign_in_so_they_see_their_record(client, person, make_user):
    resident = make_user(Role.RESIDENT, email="ada@example.org")
    sign_in(client, person.coordinator)
    url = reverse("people:link_account", args=[person.pk])
    refused = "That sign-in cannot be linked to this record"
    for email, message in [
        ("nobody@example.org", refused),
        (person.coordinator.email, refused),  # staff accounts are not linked
        ("not an email", "Enter an email address"),
    ]:
        assert message in client.post(url, {"email": email}).content.decode()
    assert Person.objects.get(pk=person.pk).account is None
    assert client.post(url, {"email": "ADA@example.org"}).status_code == 302
    assert Person.objects.get(pk=person.pk).account == resident
    other = PersonFactory(team=person.team)
    page = client.post(reverse("people:link_account", args=[other.pk]), {"email": "ada@example.org"})
    assert refused in page.content.decode()
    sign_in(client, resident)
    assert "Walk to the park" not in client.get(reverse("people:your_record")).content.decode()
    client.post(reverse("people:confirm_account_link", args=[person.pk]))
    assert "Walk to the park" in client.get(reverse("people:your_record")).content.decode()


def test_resident_reads_someone_they_were_introduced_to_by_first_name_only(client, person, make_user):
    """Their own record is theirs: the other person on the same team is named as they would be met."""
    resident = make_user(Role.RESIDENT)
    person.account = resident
    person.account_confirmed_at = timezone.now()  # they said "Yes, this is me"
    person.save()
    neighbour = PersonFactory(team=person.team, full_name="Bartholomew Quennell-Smythe", preferred_name="")
    IntroductionFactory(person=person, other_person=neighbour, elsewhere="")
    sign_in(client, resident)
    page = client.get(reverse("people:your_record")).content.decode()
    assert "Bartholomew" in page
    assert "Quennell-Smythe" not in page
