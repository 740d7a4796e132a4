"""Lending pages: coordinators run it, the provider records services, helpers do errands;
nobody else gets in. Bad input names the field and writes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import sign_in
from lending import services
from lending.models import Errand, Reservation, ServiceRecord
from lending.reminders import send_overdue_reminders
from lending.tests.factories import make_item


def day(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def scooter(db):
    garage = OrganisationFactory(name="Sale Mobility Repairs")
    item, coordinator = make_item(
        service_every_months=6, service_provider=garage, last_serviced_on=timezone.localdate()
    )
    return item, coordinator, garage


def test_coordinator_books_lends_and_takes_back_through_the_pages(client, scooter):
    item, coordinator, garage = scooter
    sign_in(client, coordinator)
    url = reverse("lending:item", args=[item.pk])
    data = {"name": "Edna", "contact": "edna@example.org", "starts_on": day(0), "ends_on": day(6)}
    assert client.post(url, data).status_code == 302
    page = client.post(url, data | {"name": "Fred"}).content.decode()
    assert "is booked" in page and Reservation.objects.count() == 1
    booking = Reservation.objects.get()
    lend = reverse("lending:reservation_action", args=[booking.pk, "lend"])
    assert "must sign the loan agreement" in client.post(lend, {"condition": "good"}).content.decode()
    assert client.post(lend, {"condition": "good", "agreement_signed": "on"}).status_code == 302
    back = reverse("lending:reservation_action", args=[booking.pk, "return"])
    assert client.post(back, {"condition": "fair"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "returned" and booking.condition_in == "fair"
    dashboard = client.get(reverse("lending:dashboard")).content.decode()
    assert "1 loan, 1 day on loan, 1 person helped" in dashboard


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": day(-2)}, "cannot start in the past"),
        ({"ends_on": day(-5)}, "on or after the start date"),
        ({"contact": ""}, "Give a phone number or email address"),
        ({"ends_on": "31/02/2027"}, "must be a real date"),
    ],
)
def test_bad_bookings_are_refused_on_the_page(client, scooter, changes, message):
    item, coordinator, garage = scooter
    sign_in(client, coordinator)
    data = {"name": "Edna", "contact": "07700 900123", "starts_on": day(0), "ends_on": day(6)} | changes
    page = client.post(reverse("lending:item", args=[item.pk]), data).content.decode()
    assert "There is a problem" in page and message in page and not Reservation.objects.exists()


def test_others_cannot_get_in_but_the_provider_records_a_service(client, scooter):
    item, coordinator, garage = scooter
    booking = services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        name="Edna",
        contact="x",
    )
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory()))
    assert client.get(reverse("lending:item", args=[item.pk])).status_code == 403
    assert client.post(reverse("lending:cancel", args=[booking.pk])).status_code == 403
    assert client.get(reverse("lending:reservation_action", args=[booking.pk, "lend"])).status_code == 403
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("lending:dashboard")).status_code == 403
    mechanic = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage)
    sign_in(client, mechanic)
    page = client.get(reverse("lending:item", args=[item.pk])).content.decode()
    assert "Record a service" in page and "Edna" not in page  # the provider does not see borrowers
    client.post(reverse("lending:service", args=[item.pk]), {"serviced_on": day(0), "notes": "Tyres"})
    assert ServiceRecord.objects.get().notes == "Tyres"
    booking.refresh_from_db()
    assert booking.status == "reserved"


def test_parish_council_does_its_collections(client, scooter):
    item, coordinator, garage = scooter
    parish = OrganisationFactory(name="Partington Town Council")
    booking = services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        name="Edna",
        contact="x",
    )
    sign_in(client, coordinator)
    url = reverse("lending:errand", args=[booking.pk])
    assert (
        "Enter the address"
        in client.post(url, {"kind": "deliver", "helper": parish.pk, "on": day(1)}).content.decode()
    )
    client.post(url, {"kind": "deliver", "helper": parish.pk, "on": day(1), "address": "3 Moss Lane"})
    clerk = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=parish)
    sign_in(client, clerk)
    assert "3 Moss Lane" in client.get(reverse("lending:errands")).content.decode()
    client.post(reverse("lending:errands"), {"errand": Errand.objects.get().pk})
    assert Errand.objects.get().done_by == clerk


def test_overdue_borrowers_with_an_email_are_reminded_once(scooter):
    item, coordinator, garage = scooter
    loan = services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        name="Edna",
        contact="edna@example.org",
    )
    services.lend(coordinator, loan, condition="good", agreement_signed=True)
    past = timezone.localdate() - timedelta(days=2)
    Reservation.objects.filter(pk=loan.pk).update(starts_on=past - timedelta(days=5), ends_on=past)
    assert send_overdue_reminders(timezone.localdate()) == 1
    assert send_overdue_reminders(timezone.localdate()) == 0
    assert mail.outbox[0].to == ["edna@example.org"] and "was due back" in mail.outbox[0].subject
