"""Lending: no double-booking, loans only when servicing is up to date, bad input refused."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from lending import services
from lending.models import Reservation
from lending.tests.factories import make_item


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def book(coordinator, item, start, end, name="Edna"):
    return services.reserve(
        coordinator, item, starts_on=days(start), ends_on=days(end), name=name, contact="07700 900123"
    )


def test_an_item_is_never_booked_twice_for_the_same_days(db):
    item, coordinator = make_item()
    book(coordinator, item, 1, 7)
    for start, end in [(3, 5), (0, 1), (7, 10), (0, 20)]:
        with pytest.raises(ValidationError, match="is booked"):
            book(coordinator, item, start, end, name="Fred")
    book(coordinator, item, 8, 12, name="Fred")  # the day after is free
    assert Reservation.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (-1, 3, "starts_on", "cannot start in the past"),
        (5, 2, "ends_on", "on or after the start date"),
        (0, 120, "ends_on", "at most 92 days"),
    ],
)
def test_bad_reservations_are_refused_naming_the_field(db, start, end, field, message):
    item, coordinator = make_item()
    with pytest.raises(ValidationError) as refused:
        book(coordinator, item, start, end)
    assert message in refused.value.message_dict[field][0]
    assert not Reservation.objects.exists()


def test_overdue_servicing_blocks_a_loan_until_the_provider_records_the_service(db):
    garage = OrganisationFactory(name="Sale Mobility Repairs")
    item, coordinator = make_item(
        service_every_months=6, service_provider=garage, last_serviced_on=days(-200)
    )
    reservation = book(coordinator, item, 0, 5)
    with pytest.raises(
        ValidationError, match="is due a service .* cannot be lent until the service is recorded"
    ):
        services.lend(coordinator, reservation, condition="good", agreement_signed=True)
    reservation.refresh_from_db()
    assert reservation.status == "reserved"
    mechanic = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=garage)
    services.record_service(mechanic, item, days(0), "New battery")
    lent = services.lend(coordinator, reservation, condition="good", agreement_signed=True)
    assert lent.status == "out"


def test_servicing_after_each_loan_blocks_the_next_loan(db):
    item, coordinator = make_item(service_after_each_loan=True)
    first = book(coordinator, item, 0, 2)
    services.lend(coordinator, first, condition="good", agreement_signed=True)
    services.take_back(coordinator, first, condition="fair")
    second = book(coordinator, item, 3, 5, name="Fred")
    with pytest.raises(ValidationError, match="due a service"):
        services.lend(coordinator, second, condition="fair", agreement_signed=True)
    services.record_service(coordinator, item, days(0))
    assert services.lend(coordinator, second, condition="fair", agreement_signed=True).status == "out"


def test_a_loan_needs_a_signed_agreement_and_a_usable_item(db):
    item, coordinator = make_item()
    reservation = book(coordinator, item, 0, 3)
    with pytest.raises(ValidationError, match="must sign the loan agreement"):
        services.lend(coordinator, reservation, condition="good", agreement_signed=False)
    with pytest.raises(ValidationError, match="needs repair cannot be lent"):
        services.lend(coordinator, reservation, condition="needs_repair", agreement_signed=True)
    reservation.refresh_from_db()
    assert reservation.status == "reserved" and not reservation.agreement_signed


def test_returned_early_frees_the_days_and_extensions_stop_at_the_next_booking(db):
    item, coordinator = make_item()
    loan = book(coordinator, item, 0, 10)
    nxt = book(coordinator, item, 15, 20, name="Fred")
    services.lend(coordinator, loan, condition="good", agreement_signed=True)
    with pytest.raises(ValidationError, match="extend to the day before at most"):
        services.extend(coordinator, loan, days(16))
    assert services.extend(coordinator, loan, days(14)).ends_on == days(14)
    services.take_back(coordinator, loan, condition="good")
    loan.refresh_from_db()
    assert loan.ends_on == days(0)
    assert book(coordinator, item, 1, 14, name="Gwen").starts_on == days(1)
    assert nxt.status == "reserved"


def test_only_the_schemes_coordinators_book_and_lend(db):
    item, coordinator = make_item()
    stranger = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    with pytest.raises(ValidationError, match="lending coordinators"):
        book(stranger, item, 0, 2)
    assert not Reservation.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_itself_refuses_an_overlapping_booking_on_postgresql(db):
    item, coordinator = make_item()
    book(coordinator, item, 1, 7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            item=item, borrower_name="x", borrower_contact="x", starts_on=days(3), ends_on=days(9)
        )
    assert Reservation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_eight_coordinators_racing_to_book_the_same_days_on_postgresql():
    item, coordinator = make_item()
    gate, made, refused, failures = threading.Barrier(8), [], [], []

    def go(n):
        try:
            gate.wait()
            made.append(book(coordinator, item, 1 + n % 3, 5, name=f"Borrower {n}"))
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # noqa: BLE001 - anything else fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(made) == 1 and len(refused) == 7
    assert Reservation.objects.filter(status="reserved").count() == 1
