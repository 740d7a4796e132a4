import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.services import record_audit_event
from common.testing import assert_denied, sign_in

AUDIT_LOG = reverse("admin:accounts_auditevent_changelist")


@pytest.mark.django_db
def test_audit_event_records_who_did_what_to_which_record(rf, make_user):
    coordinator = make_user(Role.COORDINATOR, email="c@example.org")
    resident = make_user(Role.RESIDENT)
    request = rf.get("/people/1/", REMOTE_ADDR="10.0.0.7")
    event = record_audit_event(coordinator, AuditEvent.Action.VIEW, resident, request=request)
    event.refresh_from_db()
    assert event.actor == coordinator and event.actor_label == "c@example.org"
    assert event.target_type.model == "user" and event.target_id == str(resident.pk)
    assert (event.ip_address, event.path, event.action) == ("10.0.0.7", "/people/1/", "view")


@pytest.mark.django_db
def test_audit_event_outlives_the_account_that_acted(make_user):
    coordinator = make_user(Role.COORDINATOR, email="gone@example.org")
    event = record_audit_event(coordinator, AuditEvent.Action.EXPORT)
    coordinator.delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_label == "gone@example.org"


@pytest.mark.django_db
def test_administrator_reads_the_audit_log(client, make_user):
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    record_audit_event(admin, AuditEvent.Action.EXPORT, admin, note="subject access export")
    sign_in(client, admin)
    response = client.get(AUDIT_LOG)
    assert response.status_code == 200
    assert "subject access export" not in response.content.decode()  # notes shown on the record
    assert "Exported" in response.content.decode()


@pytest.mark.django_db
def test_nobody_can_add_change_or_delete_audit_events(client, make_user):
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    event = record_audit_event(admin, AuditEvent.Action.VIEW, admin)
    sign_in(client, admin)
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(reverse("admin:accounts_auditevent_change", args=[event.pk]), {"action": "erase"})
    event.refresh_from_db()
    assert event.action == "view"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_other_roles_cannot_read_the_audit_log(client, make_user, role):
    sign_in(client, make_user(role))
    assert_denied(client.get(AUDIT_LOG))


@pytest.mark.django_db
def test_signed_out_visitor_cannot_read_the_audit_log(client):
    assert_denied(client.get(AUDIT_LOG))
