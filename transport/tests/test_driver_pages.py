"""A driver's pages: the manifest (nothing about a passenger beyond what the journey needs, every
read audited), recording a run's odometer (the claim and the running total then shown), and the
refusals: someone who does not drive, another driver's run, readings that cannot be."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from transport import mileage
from transport.assignment import assign_trip
from transport.models import Driver, MileageClaim, MileageRate, Run
from transport.tests.factories import (
    coming,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)


@pytest.fixture
def day_out(db):
    """A volunteer with a ride assigned in their own car on a coming Monday, for a passenger whose
    record holds much the driver must never see."""
    scheme, coordinator = make_scheme(passenger_supplement_per_mile=Decimal("0.05"))
    passenger = make_passenger(
        scheme,
        coordinator,
        name="Edna Mary Marsh",
        notes_for_driver="Ring twice; takes a minute to reach the door.",
        usual_places="Sale Moor surgery",
        date_of_birth=date(1941, 3, 9),
        mobility_aid="walker",
        escort_allowed=True,
    )
    person = passenger.person
    person.phone, person.address = "07700 900123", "Flat 3, Rowan Court"
    person.save()
    driver = make_driver(scheme, name="Dev Patel")
    car = make_vehicle(scheme, name="Dev's Corsa", owner=driver, odometer_miles=31200)
    monday = coming()
    trip = make_trip(coordinator, passenger, scheme, monday, escorts=1)
    assign_trip(coordinator, trip, driver, car)
    return scheme, coordinator, passenger, driver, car, monday


def test_the_manifest_shows_what_the_journey_needs_and_nothing_more(client, day_out):
    _scheme, _coordinator, passenger, driver, _car, monday = day_out
    sign_in(client, driver.user)
    page = client.get(reverse("transport:manifest", args=[monday.isoformat()])).content.decode()
    main = page.split("<main", 1)[1]
    for shown in ("10:00 Edna", "12 Moss Lane, Sale", "M33 5AB", "Friendship lunch club",
                  "Walking frame", "1 escort", "Ring twice", "Dev&#x27;s Corsa"):  # fmt: skip
        assert shown in main, shown
    for hidden in ("Marsh", "Mary", "07700 900123", "Rowan Court", "1941", "9 March",
                   "Sale Moor surgery", passenger.person.email or "no-email-here", "tel:"):  # fmt: skip
        assert hidden not in page, hidden


def test_the_manifest_read_is_audited_for_each_passenger(client, day_out):
    _scheme, _coordinator, passenger, driver, _car, monday = day_out
    sign_in(client, driver.user)
    before = AuditEvent.objects.count()
    client.get(reverse("transport:manifest", args=[monday.isoformat()]))
    events = AuditEvent.objects.order_by("pk")[before:]
    assert any(e.actor_id == driver.user.pk and e.action == "view" for e in events)
    assert any(str(passenger.person.pk) == e.target_id or str(passenger.pk) == e.target_id for e in events)


def test_todays_manifest_and_the_print_stylesheet(client, day_out):
    _scheme, _coordinator, _passenger, driver, _car, _monday = day_out
    page = sign_in(client, driver.user).get(reverse("transport:driving")).content.decode()
    assert "You have no trips on this day." in page
    assert 'media="print"' in page and "manifest-print.css" in page


@pytest.mark.parametrize("day", ["2026-13-01", "tomorrow", "2026-02-30", "0001-01-01", "9999-12-31"])
def test_a_day_that_is_not_a_date_is_not_found(client, day_out, day):
    driver = day_out[3]
    assert sign_in(client, driver.user).get(f"/transport/driving/{day}/").status_code == 404


def test_someone_who_does_not_drive_has_no_manifest_nor_claims(client, day_out):
    scheme, coordinator, _passenger, driver, _car, monday = day_out
    stopped = make_driver(scheme, name="Former Driver", is_active=False)
    for someone in (UserFactory(role=Role.RESIDENT), coordinator, stopped.user):
        client.logout()
        sign_in(client, someone)
        for url in (
            reverse("transport:driving"),
            reverse("transport:manifest", args=[monday.isoformat()]),
            reverse("transport:driver_claims"),
        ):
            response = client.get(url)
            assert response.status_code == 404, (someone, url)
            assert b"Edna" not in response.content


def test_another_driver_does_not_see_this_drivers_trips(client, day_out):
    scheme, _coordinator, _passenger, _driver, _car, monday = day_out
    other = make_driver(scheme, name="Other Driver")
    page = sign_in(client, other.user).get(reverse("transport:manifest", args=[monday.isoformat()]))
    assert page.status_code == 200 and b"Edna" not in page.content and b"Moss Lane" not in page.content


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for name in ("transport:driving", "transport:driver_claims"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def _run_today(scheme, coordinator, driver, car):
    """A run today (its trip made early this morning, so the readings can be recorded)."""
    return Run.objects.create(driver=driver, vehicle=car, on=timezone.localdate())


def test_the_driver_records_the_odometer_and_sees_the_claim_and_the_running_total(client, day_out):
    scheme, coordinator, _passenger, driver, car, _monday = day_out
    run = _run_today(scheme, coordinator, driver, car)
    sign_in(client, driver.user)
    form = client.get(reverse("transport:odometer", args=[run.pk]))
    assert form.status_code == 200 and 'value="31200"' in form.content.decode()
    response = client.post(
        reverse("transport:odometer", args=[run.pk]),
        {"start_odometer": "31200", "end_odometer": "31220", "parking": "2.50", "passenger_miles": "20"},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("transport:driver_claims")
    claim = MileageClaim.objects.get(run=run)
    assert claim.total == Decimal("9.00") + Decimal("2.50") + Decimal("1.00")
    assert "The readings are saved: 20 miles." in page and "£12.50" in page
    tax_year = mileage.tax_year_of(timezone.localdate())
    assert mileage.running_total(driver, tax_year).total == Decimal("12.50")
    assert "9,980 miles are left at the first rate" in page


def test_the_running_total_counts_the_years_earlier_claims(client, day_out):
    scheme, coordinator, _passenger, driver, car, _monday = day_out
    # Earlier today, in their other car (yesterday may be in the last tax year).
    van = make_vehicle(scheme, name="Dev's van", owner=driver, odometer_miles=5000)
    earlier = Run.objects.create(driver=driver, vehicle=van, on=timezone.localdate())
    mileage.record_odometer(driver.user, earlier, start=5000, end=5010)
    run = _run_today(scheme, coordinator, driver, car)
    response = sign_in(client, driver.user).post(
        reverse("transport:odometer", args=[run.pk]), {"start_odometer": "31210", "end_odometer": "31230"}
    )
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(reverse("transport:driver_claims")).content.decode()
    assert "£4.50" in page and "£9.00" in page and "£13.50" in page  # 10 miles, 20 miles, the year


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"start_odometer": "31220", "end_odometer": "31200"}, "end_odometer", "must not be below the start"),
        ({"start_odometer": "31100", "end_odometer": "31120"}, "start_odometer", "cannot be below it"),
        ({"start_odometer": "31200", "end_odometer": "39000"}, "end_odometer", "check the readings"),
        ({"start_odometer": "lots", "end_odometer": "31220"}, "start_odometer", "whole number of miles"),
        ({"start_odometer": "31200.5", "end_odometer": "31220"}, "start_odometer", "whole number of miles"),
        ({"start_odometer": "", "end_odometer": "31220"}, "start_odometer", "Enter the odometer reading"),
        (
            {"start_odometer": "31200", "end_odometer": "31220", "parking": "-1"},
            "parking",
            "pounds and pence",
        ),
        (
            {"start_odometer": "31200", "end_odometer": "31220", "parking": "2.555"},
            "parking",
            "pounds and pence",
        ),
        (
            {"start_odometer": "31200", "end_odometer": "31220", "passenger_miles": "999"},
            "passenger_miles",
            "More passenger miles",
        ),
    ],
)
def test_readings_that_cannot_be_are_refused_by_name_and_nothing_is_saved(
    client, day_out, posted, field, message
):
    scheme, coordinator, _passenger, driver, car, _monday = day_out
    run = _run_today(scheme, coordinator, driver, car)
    response = sign_in(client, driver.user).post(reverse("transport:odometer", args=[run.pk]), posted)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    run.refresh_from_db()
    car.refresh_from_db()
    assert run.start_odometer is None and run.end_odometer is None and car.odometer_miles == 31200
    assert not MileageClaim.objects.exists()


def test_readings_are_recorded_once(client, day_out):
    scheme, coordinator, _passenger, driver, car, _monday = day_out
    run = _run_today(scheme, coordinator, driver, car)
    sign_in(client, driver.user)
    url = reverse("transport:odometer", args=[run.pk])
    client.post(url, {"start_odometer": "31200", "end_odometer": "31220"})
    again = client.get(url).content.decode()
    assert "The readings are saved: 31200 at the start and 31220 at the end." in again
    client.post(url, {"start_odometer": "31220", "end_odometer": "31240"})
    assert MileageClaim.objects.get().miles == 20


def test_a_run_in_the_schemes_own_vehicle_makes_no_claim_and_asks_no_expenses(client, day_out):
    scheme, coordinator, _passenger, driver, _car, _monday = day_out
    tuk_tuk = make_vehicle(scheme, kind="tuk_tuk", name="Nellie", odometer_miles=500)
    Driver.objects.filter(pk=driver.pk).update(drives_tuk_tuks=True)
    run = Run.objects.create(driver=driver, vehicle=tuk_tuk, on=timezone.localdate())
    sign_in(client, driver.user)
    form = client.get(reverse("transport:odometer", args=[run.pk]))
    assert "parking" not in form.context["form"].fields
    response = client.post(
        reverse("transport:odometer", args=[run.pk]), {"start_odometer": "500", "end_odometer": "512"}
    )
    assert response["Location"] == reverse("transport:driving")
    assert not MileageClaim.objects.exists()


def test_another_drivers_run_is_not_found_and_unchanged(client, day_out):
    scheme, coordinator, _passenger, driver, car, _monday = day_out
    run = _run_today(scheme, coordinator, driver, car)
    for someone in (
        make_driver(scheme, name="Other Driver").user,
        coordinator,
        UserFactory(role=Role.RESIDENT),
    ):
        client.logout()
        sign_in(client, someone)
        url = reverse("transport:odometer", args=[run.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"start_odometer": "31200", "end_odometer": "31220"}).status_code == 404
    run.refresh_from_db()
    assert run.end_odometer is None and not MileageClaim.objects.exists()


def test_a_coming_run_cannot_have_readings_yet(client, day_out):
    _scheme, _coordinator, _passenger, driver, _car, monday = day_out
    run = Run.objects.get(driver=driver, on=monday)
    response = sign_in(client, driver.user).post(
        reverse("transport:odometer", args=[run.pk]), {"start_odometer": "31200", "end_odometer": "31220"}
    )
    assert "on the day of the run or after" in " ".join(response.context["form"].errors["end_odometer"])


def test_a_paid_driver_is_told_there_is_nothing_to_claim(client, day_out):
    scheme = day_out[0]
    paid = make_driver(scheme, name="Paid Driver", kind=Driver.Kind.PAID)
    page = sign_in(client, paid.user).get(reverse("transport:driver_claims")).content.decode()
    assert "no mileage to claim here" in page


def test_the_claims_page_says_when_the_first_rates_miles_are_used_up(client, day_out):
    _scheme, _coordinator, _passenger, driver, _car, _monday = day_out
    assert MileageRate.objects.exists()
    page = sign_in(client, driver.user).get(reverse("transport:driver_claims")).content.decode()
    assert "45p a mile for the first 10,000 miles" in page and "then 25p" in page
