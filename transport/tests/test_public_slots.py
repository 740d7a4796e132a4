"""A scheme's open slots, for anyone: drivers' availability minus their runs, in a vehicle they
may drive that is free and not overdue, the driver in date with their checks; times and room
only, never anyone's name or address. And the scheme's directory listing saying who can use it."""

from datetime import date, time, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from directory.tests.factories import ServiceFactory
from transport import selectors
from transport.assignment import assign_trip
from transport.models import Availability, Driver, Leave
from transport.tests.factories import (
    coming,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)


@pytest.fixture
def scheme_with_a_run(db):
    """A driver free on Mondays 9:00 to 13:00 in the scheme's car, with a 10:00 ride booked."""
    scheme, coordinator = make_scheme(who_can_use="Anyone in Sale Moor who finds buses hard.")
    driver = make_driver(scheme, name="Dev Patel")
    driver.availability.all().delete()
    Availability.objects.create(driver=driver, weekday=0, starts_at=time(9), ends_at=time(13))
    car = make_vehicle(scheme, name="The car", seats=3)
    passenger = make_passenger(scheme, coordinator, name="Edna Marsh", notes_for_driver="Ring twice")
    monday = coming(weekday=0, weeks=1)
    trip = make_trip(coordinator, passenger, scheme, monday, hour=10)
    assign_trip(coordinator, trip, driver, car)
    return scheme, driver, car, monday


def _slots_on(scheme, day: date):
    return [
        (timezone.localtime(s.starts_at).strftime("%H:%M"), timezone.localtime(s.ends_at).strftime("%H:%M"))
        for s in selectors.open_slots(scheme, timezone.localdate(), days=14)
        if timezone.localdate(s.starts_at) == day
    ]


def test_open_slots_are_the_drivers_free_times_around_their_runs(scheme_with_a_run):
    scheme, _driver, _car, monday = scheme_with_a_run
    assert _slots_on(scheme, monday) == [("09:00", "10:00"), ("10:45", "13:00")]
    a_week_on = monday + timedelta(weeks=1)
    if a_week_on < timezone.localdate() + timedelta(days=14):
        assert _slots_on(scheme, a_week_on) == [("09:00", "13:00")]


def test_no_slot_when_the_driver_is_on_leave_or_out_of_date_or_the_vehicle_is_overdue(scheme_with_a_run):
    scheme, driver, car, monday = scheme_with_a_run
    Leave.objects.create(driver=driver, starts_on=monday, ends_on=monday)
    assert _slots_on(scheme, monday) == []
    Leave.objects.all().delete()
    car.mot_expires_on = monday - timedelta(days=1)
    car.save()
    assert _slots_on(scheme, monday) == []
    car.mot_expires_on = None
    car.save()
    driver.checks.filter(kind="dbs").update(expires_on=monday - timedelta(days=1))
    assert _slots_on(scheme, monday) == []


def test_a_driver_who_stopped_or_cannot_drive_the_vehicle_gives_no_slot(scheme_with_a_run):
    scheme, driver, car, monday = scheme_with_a_run
    car.kind = "minibus"
    car.save()
    assert _slots_on(scheme, monday) == []
    car.kind = "car"
    car.save()
    Driver.objects.filter(pk=driver.pk).update(is_active=False)
    assert _slots_on(scheme, monday) == []


def test_a_slot_says_the_room_in_the_vehicle(scheme_with_a_run):
    scheme, _driver, car, monday = scheme_with_a_run
    car.wheelchair_spaces, car.has_lift_or_ramp = 1, True
    car.save()
    slot = next(
        s
        for s in selectors.open_slots(scheme, timezone.localdate())
        if timezone.localdate(s.starts_at) == monday
    )
    assert (slot.seats, slot.wheelchair_spaces, slot.has_lift_or_ramp) == (3, 1, True)


def test_the_public_page_shows_times_and_room_and_never_a_name(client, scheme_with_a_run):
    scheme, driver, _car, monday = scheme_with_a_run
    scheme.listing = ServiceFactory(how_to_join="Ring the office to book.", phone="0161 496 0002")
    scheme.save()
    response = client.get(reverse("transport:slots", args=[scheme.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "09:00 to 10:00: car, 3 seats" in page and "10:45 to 13:00" in page
    assert monday.strftime("%A %-d %B") in page
    assert "Anyone in Sale Moor who finds buses hard." in page and "Ring the office to book." in page
    for never in ("Edna", "Marsh", "Ring twice", "Moss Lane", "Friendship lunch club", "Dev", "Patel"):
        assert never not in page, never


def test_a_scheme_that_does_not_exist_has_no_slots_page(client, db):
    assert client.get(reverse("transport:slots", args=[987654])).status_code == 404
    assert client.get("/transport/schemes/99999999999999999999/slots/").status_code == 404


def test_saving_a_scheme_writes_who_can_use_it_to_its_directory_listing(db):
    listing = ServiceFactory(eligibility="")
    scheme, _ = make_scheme(who_can_use="People aged 60 or over.", listing=listing)
    listing.refresh_from_db()
    assert listing.eligibility == "People aged 60 or over."
    scheme.who_can_use = "Anyone aged 60 or over, and their carers."
    scheme.save()
    listing.refresh_from_db()
    assert listing.eligibility == "Anyone aged 60 or over, and their carers."
    scheme.who_can_use = ""
    scheme.save()
    listing.refresh_from_db()
    assert listing.eligibility == "Anyone aged 60 or over, and their carers."  # nothing said: kept


def test_the_slots_are_worked_out_once_a_minute_not_for_every_visitor(
    client, scheme_with_a_run, django_assert_max_num_queries
):
    """A fortnight of day plans per anonymous request would let anyone keep the server busy: the
    slots are kept for a minute per scheme, and the page says how fresh they are."""
    scheme, driver, _car, monday = scheme_with_a_run
    url = reverse("transport:slots", args=[scheme.pk])
    first = client.get(url).content.decode()
    assert "brought up to date every minute" in first
    Leave.objects.create(driver=driver, starts_on=monday, ends_on=monday)  # within the minute: not yet
    with django_assert_max_num_queries(3):  # the scheme and its listing, not 14 day plans
        again = client.get(url).content.decode()
    assert "10:45 to 13:00" in first and "10:45 to 13:00" in again

    cache.delete(f"transport:slots:{scheme.pk}:{timezone.localdate().isoformat()}")  # the minute is up
    assert "10:45 to 13:00" not in client.get(url).content.decode()
