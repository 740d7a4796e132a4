"""Reminders to a scheme's coordinators about drivers' checks and vehicles' dates running out."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from transport.models import ComplianceCheck, ExpiryReminder
from transport.reminders import send_expiry_reminders
from transport.tests.factories import make_driver, make_passenger, make_scheme, make_vehicle

TODAY = date(2027, 3, 1)

pytestmark = pytest.mark.django_db


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_a_check_running_out_is_sent_once_to_each_coordinator_and_not_again():
    scheme, coordinator = make_scheme()
    second = UserFactory(role=Role.LINK_WORKER, teams=[scheme.team])
    make_passenger(scheme, coordinator, name="Edna Marsh")
    make_driver(scheme, name="Dev Patel", expires_on=TODAY + timedelta(days=20))
    make_driver(scheme, name="Ann Long", expires_on=TODAY + timedelta(days=60))  # not yet

    assert send_expiry_reminders(TODAY, "https://closeknit.example") == 2
    for user in (coordinator, second):
        (email,) = sent_to(user.email)
        assert "Dev Patel: DBS check, 21 March 2027" in email.body
        assert "Dev Patel: Driving licence check, 21 March 2027" in email.body
        assert "Ann Long" not in email.body
        assert "Edna Marsh" not in email.body  # never a passenger
        assert f"https://closeknit.example/transport/schemes/{scheme.pk}/drivers/" in email.body
    assert ExpiryReminder.objects.count() == 3  # licence, DBS, insurance: once each, not per coordinator

    mail.outbox.clear()
    assert send_expiry_reminders(TODAY + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_renewed_check_is_reminded_again_as_its_new_date_nears():
    scheme, coordinator = make_scheme()
    driver = make_driver(scheme, checks=("dbs",), expires_on=TODAY + timedelta(days=10))
    assert send_expiry_reminders(TODAY) == 1
    ComplianceCheck.objects.create(
        driver=driver, kind="dbs", checked_on=TODAY, expires_on=TODAY + timedelta(days=365)
    )
    mail.outbox.clear()
    assert send_expiry_reminders(TODAY + timedelta(days=20)) == 0  # the old one ran out, but it was renewed
    assert send_expiry_reminders(TODAY + timedelta(days=340)) == 1
    assert "DBS check, 29 February 2028" in mail.outbox[0].body


def test_an_expired_check_of_an_active_driver_is_included_and_an_inactive_drivers_is_not():
    scheme, coordinator = make_scheme()
    make_driver(scheme, name="Dev Patel", checks=("midas",), expires_on=TODAY - timedelta(days=3))
    make_driver(
        scheme, name="Gone Away", checks=("midas",), expires_on=TODAY - timedelta(days=3), is_active=False
    )
    assert send_expiry_reminders(TODAY) == 1
    body = mail.outbox[0].body
    assert "have run out or are overdue" in body
    assert "Dev Patel: MiDAS minibus driver assessment, 26 February 2027" in body
    assert "Gone Away" not in body


def test_vehicle_mot_permit_and_service_dates_are_reminded_and_overdue_ones_too():
    scheme, coordinator = make_scheme()
    make_vehicle(
        scheme,
        name="The green minibus",
        kind="minibus",
        seats=12,
        permit="19",
        permit_number="PB0001",
        permit_expires_on=TODAY + timedelta(days=30),
        mot_expires_on=TODAY - timedelta(days=1),
        service_due_on=TODAY + timedelta(days=5),
    )
    make_vehicle(scheme, name="Bluebird", kind="tuk_tuk", mot_expires_on=TODAY + timedelta(days=31))
    assert send_expiry_reminders(TODAY) == 1
    body = mail.outbox[0].body
    assert "The green minibus: MOT, 28 February 2027" in body
    assert "The green minibus: Section 19 or 22 permit, 31 March 2027" in body
    assert "The green minibus: Service, 6 March 2027" in body
    assert "Bluebird" not in body
    assert body.index("MOT") < body.index("within 30 days") < body.index("permit")


def test_another_schemes_coordinators_are_not_told():
    scheme, coordinator = make_scheme()
    other, other_coordinator = make_scheme("Sale minibus")
    make_driver(scheme, name="Dev Patel", checks=("dbs",), expires_on=TODAY)
    make_vehicle(scheme, name="Nellie", mot_expires_on=TODAY)
    assert send_expiry_reminders(TODAY) == 1
    assert sent_to(other_coordinator.email) == []
    (email,) = sent_to(coordinator.email)
    assert "Dev Patel" in email.body and "Nellie" in email.body


def test_a_driver_in_two_schemes_is_told_to_both_and_a_coordinator_of_both_gets_one_email():
    scheme, coordinator = make_scheme()
    other, other_coordinator = make_scheme("Sale minibus")
    both = UserFactory(role=Role.COORDINATOR, teams=[scheme.team, other.team])
    driver = make_driver(scheme, name="Dev Patel", checks=("licence",), expires_on=TODAY)
    driver.schemes.add(other)
    assert send_expiry_reminders(TODAY) == 3
    for user in (coordinator, other_coordinator, both):
        (email,) = sent_to(user.email)
        assert email.body.count("Dev Patel: Driving licence check") == 1
    assert ExpiryReminder.objects.get().recipients == 3


def test_only_those_who_coordinate_are_told_and_one_without_an_email_address_is_skipped():
    scheme, coordinator = make_scheme()
    UserFactory(role=Role.COORDINATOR, teams=[scheme.team], email="")
    editor = UserFactory(role=Role.ORGANISATION_EDITOR, teams=[scheme.team])
    resident = UserFactory(role=Role.RESIDENT, teams=[scheme.team])
    gone = UserFactory(role=Role.COORDINATOR, teams=[scheme.team], is_active=False)
    make_driver(scheme, checks=("dbs",), expires_on=TODAY)
    assert send_expiry_reminders(TODAY) == 1
    assert mail.outbox[0].to == [coordinator.email]
    for user in (editor, resident, gone):
        assert sent_to(user.email) == []


def test_a_scheme_with_nobody_to_tell_is_reminded_once_someone_joins():
    scheme, coordinator = make_scheme()
    coordinator.memberships.all().delete()
    make_driver(scheme, checks=("dbs",), expires_on=TODAY)
    assert send_expiry_reminders(TODAY) == 0
    assert not ExpiryReminder.objects.exists()
    UserFactory(role=Role.COORDINATOR, teams=[scheme.team], email="new@example.org")
    assert send_expiry_reminders(TODAY + timedelta(days=1)) == 1
    assert mail.outbox[0].to == ["new@example.org"]


def test_the_command_sends_now():
    scheme, coordinator = make_scheme()
    make_driver(scheme, checks=("dbs",), expires_on=timezone.localdate())
    call_command("send_transport_reminders", "--now")
    assert sent_to(coordinator.email)
