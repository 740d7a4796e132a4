"""The audit trail: every person a successful response shows is named once by a VIEW event; a
change is named by its change event, not a view; refusals and counts name no one."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory
from common.testing import sign_in
from people import services
from people.models import Attendance, DropInSession
from people.tests.factories import ConversationFactory, IntroductionFactory, PersonFactory


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team])


def _named(action: str) -> list[str]:
    return sorted(AuditEvent.objects.filter(action=action).values_list("target_id", flat=True))


def test_the_follow_ups_list_names_each_person_due_once(client, team, coordinator):
    today = timezone.localdate()
    ada = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    bert = PersonFactory(team=team, coordinator=coordinator, full_name="Bert Ollerenshaw")
    ConversationFactory(person=ada, follow_up_on=today)
    IntroductionFactory(person=ada, follow_up_on=today)  # Ada twice on the page, once in the log
    ConversationFactory(person=bert, follow_up_on=today)
    sign_in(client, coordinator)
    page = client.get(reverse("people:follow_ups")).content.decode()
    assert "Ada Whitfield" in page and "Bert Ollerenshaw" in page
    assert _named("view") == sorted([str(ada.pk), str(bert.pk)])
    event = AuditEvent.objects.filter(action="view").first()
    assert event.actor == coordinator and event.path == reverse("people:follow_ups")
    assert "Whitfield" not in event.note and "Ollerenshaw" not in event.note


def test_a_drop_in_names_each_attendee_on_record(client, team, coordinator):
    session = DropInSession.objects.create(
        team=team,
        title="Drop-in",
        place="Library",
        on=timezone.localdate(),
        starts_at=time(10),
        ends_at=time(12),
    )
    ada = PersonFactory(team=team, full_name="Ada Whitfield")
    Attendance.objects.create(session=session, person=ada)
    Attendance.objects.create(session=session, first_name="Stan")
    sign_in(client, coordinator)
    assert "Ada Whitfield" in client.get(reverse("people:drop_in", args=[session.pk])).content.decode()
    assert str(ada.pk) in _named("view")


def test_someone_refused_leaves_no_view_of_the_person(client, team, make_user):
    ada = PersonFactory(team=team)
    sign_in(client, make_user(Role.COORDINATOR, teams=[TeamFactory()]))
    assert client.get(reverse("people:person", args=[ada.pk])).status_code == 404
    assert not AuditEvent.objects.filter(target_id=str(ada.pk)).exists()


def test_a_change_on_a_page_is_logged_as_the_change_with_where_it_came_from(client, team, coordinator):
    ada = PersonFactory(team=team, coordinator=coordinator)
    sign_in(client, coordinator)
    url = reverse("people:add_goal", args=[ada.pk])
    assert client.post(url, {"description": "Swim again"}, REMOTE_ADDR="192.0.2.7").status_code == 302
    event = AuditEvent.objects.get(target_id=str(ada.pk))
    assert event.action == "update" and event.note.startswith("goal ")
    assert event.path == url and event.ip_address == "192.0.2.7"


def test_a_change_made_outside_any_request_is_still_audited(team, coordinator):
    ada = PersonFactory(team=team, coordinator=coordinator)
    conversation = services.record_conversation(
        coordinator, ada, {"happened_on": timezone.localdate(), "kind": "call", "notes": "Rang"}
    )
    services.mark_followed_up(coordinator, conversation)
    assert _named("update") == [str(ada.pk), str(ada.pk)]
    assert not AuditEvent.objects.filter(action="view").exists()


def test_the_count_of_follow_ups_on_the_home_page_names_no_one(client, team, coordinator):
    ConversationFactory(
        person=PersonFactory(team=team, coordinator=coordinator), follow_up_on=timezone.localdate()
    )
    sign_in(client, coordinator)
    assert client.get(reverse("home")).status_code == 200
    assert not AuditEvent.objects.filter(action="view").exists()
