"""Reminders 30 days before a micro-provider's check runs out, to its editors and its
micro-enterprise coordinators, each check once per date; the daily command hides lapsed ones."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from care import provider_services
from care.models import CheckReminder
from care.provider_reminders import send_check_reminders
from care.tests.provider_factories import CHECKED, make_provider, make_team
from directory.models import ListingStatus

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_a_check_running_out_is_sent_once_to_editors_and_coordinators_and_not_again():
    team, coordinator = make_team()
    resident = UserFactory(role=Role.RESIDENT, teams=[team])  # on the team, but not a coordinator
    mp = make_provider(team, coordinator, name="Ann's Helping Hands", workers=(("Bea Worker", "carer"),))
    provider_services.record_check(
        coordinator, mp, worker=mp.workers.get(), kind="dbs", evidence_reference="1",
        verified_on=CHECKED, expires_on=TODAY + timedelta(days=20), today=CHECKED,
    )  # fmt: skip
    make_provider(team, coordinator, name="Later Ltd", checks_expire=TODAY + timedelta(days=31))
    editor = User.objects.get(organisation=mp.provider.owner)

    assert send_check_reminders(TODAY) == 2
    for user in (coordinator, editor):
        (email,) = sent_to(user.email)
        assert "Ann's Helping Hands: DBS check (carer), 21 June 2026" in email.body
        assert "Later Ltd" not in email.body
        assert "Bea" not in email.body  # the worker's role, never their name
    assert sent_to(resident.email) == []
    assert CheckReminder.objects.count() == 1

    mail.outbox.clear()
    # Later Ltd's checks are now within 30 days: its editor and the coordinator, once each.
    assert send_check_reminders(TODAY + timedelta(days=1)) == 2
    assert len(sent_to(coordinator.email)) == 1
    assert all("Ann's" not in m.body and "Later Ltd: DBS check (owner)" in m.body for m in mail.outbox)
    mail.outbox.clear()
    assert send_check_reminders(TODAY + timedelta(days=2)) == 0


def test_a_renewed_check_is_reminded_again_as_its_new_date_nears():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, checks_expire=TODAY + timedelta(days=10))
    assert send_check_reminders(TODAY) == 2  # the coordinator and the editor, both checks in one email
    for kind, amount in (("dbs", None), ("insurance", 5_000_000_00)):
        provider_services.record_check(
            coordinator, mp, kind=kind, evidence_reference="R", verified_on=TODAY,
            expires_on=TODAY + timedelta(days=365), amount_pence=amount, today=TODAY,
        )  # fmt: skip
    mail.outbox.clear()
    assert send_check_reminders(TODAY + timedelta(days=20)) == 0
    assert send_check_reminders(TODAY + timedelta(days=340)) == 2
    assert "Public liability insurance (owner), 1 June 2027" in mail.outbox[0].body


def test_the_daily_run_hides_a_lapsed_provider_and_says_so():
    team, coordinator = make_team()
    mp = make_provider(team, coordinator, checks_expire=TODAY - timedelta(days=1))
    call_command("send_care_provider_reminders", "--now")  # today is after TODAY: lapsed
    assert mp.provider.services.get().listing_status == ListingStatus.DRAFT
    body = sent_to(coordinator.email)[0].body
    assert "have run out" in body and "hidden from searches" in body
