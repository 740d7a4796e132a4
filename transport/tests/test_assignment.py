"""Assigning a driver and a vehicle: every check enforced by the service, each refusal a reason
naming the driver or the vehicle; suggestions; and no double-booking, even when two coordinators
assign at once (on PostgreSQL)."""

import threading
from datetime import date, time, timedelta

import pytest
from django.db import connection, connections

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotVisible, Refusal
from places.models import Postcode
from transport.assignment import assign_trip, suggest_drivers, unassign_trip
from transport.models import ComplianceCheck, Leave, MobilityAid, PairingExclusion, Run, Trip, VehicleKind
from transport.tests.factories import (
    coming,
    journey,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)


@pytest.fixture
def setting(db):
    """A scheme with a coordinator, a passenger, a compliant driver and a car, and a Monday."""
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator, escort_allowed=True)
    return scheme, coordinator, passenger, make_driver(scheme), make_vehicle(scheme), coming(0)


def refusal(callable_, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(Refusal) as refused:
        callable_(*args, **kwargs)
    return refused.value.message_dict


def test_a_compliant_available_driver_in_a_fitting_vehicle_is_assigned(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    trip = assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday), driver, car)
    assert trip.status == Trip.Status.SCHEDULED
    assert (trip.run.driver, trip.run.vehicle, trip.run.on) == (driver, car, monday)
    assert AuditEvent.objects.filter(actor=coordinator, note__contains="Assigned").exists()


# --- Capacity by mobility need -------------------------------------------------------------------


def test_a_wheelchair_user_who_stays_seated_needs_a_wheelchair_space_and_a_lift_or_ramp(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    trip = make_trip(coordinator, passenger, scheme, monday, mobility_aid=MobilityAid.WHEELCHAIR_SEATED)
    reasons = refusal(assign_trip, coordinator, trip, driver, car)["vehicle"]
    assert any("0 wheelchair spaces; 1 needed" in r for r in reasons)
    assert any("no lift or ramp" in r for r in reasons)
    space_no_ramp = make_vehicle(scheme, name="Old van", wheelchair_spaces=1)
    assert refusal(assign_trip, coordinator, trip, driver, space_no_ramp)["vehicle"] == [
        "Old van has no lift or ramp, which their wheelchair: stays seated in it needs."
    ]
    minibus = make_vehicle(
        scheme, VehicleKind.CAR, name="Accessible car", seats=2, wheelchair_spaces=1, has_lift_or_ramp=True
    )
    assert assign_trip(coordinator, trip, driver, minibus).run.vehicle == minibus
    assert not Run.objects.filter(vehicle=car).exists()


def test_a_wheelchair_user_who_transfers_or_a_walker_needs_only_a_seat(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    trip = make_trip(coordinator, passenger, scheme, monday, mobility_aid=MobilityAid.WHEELCHAIR_FOLDED)
    assert assign_trip(coordinator, trip, driver, car).status == Trip.Status.SCHEDULED


def test_escorts_need_seats_too(setting):
    scheme, coordinator, passenger, driver, _car, monday = setting
    tuk_tuk = make_vehicle(scheme, VehicleKind.TUK_TUK, name="Nellie", seats=2)
    driver.drives_tuk_tuks = True
    driver.save()
    trip = make_trip(coordinator, passenger, scheme, monday, escorts=2)
    assert refusal(assign_trip, coordinator, trip, driver, tuk_tuk)["vehicle"] == [
        "Nellie has 2 passenger seats; 3 needed."
    ]


def test_trips_at_the_same_time_on_one_run_share_the_seats(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    neighbour = make_passenger(scheme, coordinator, name="Fred Neighbour", escort_allowed=True)
    assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday, escorts=1), driver, car)
    crowded = make_trip(coordinator, neighbour, scheme, monday, escorts=1)
    reasons = refusal(assign_trip, coordinator, crowded, driver, car)["vehicle"]
    assert reasons == ["The car has 3 passenger seats; 4 needed with the other passengers on board then."]
    alone = make_trip(coordinator, neighbour, scheme, monday, hour=14)
    on_run = assign_trip(coordinator, alone, driver, car).run
    shared = make_trip(coordinator, make_passenger(scheme, coordinator, name="Sue Third"), scheme, monday)
    assert assign_trip(coordinator, shared, driver, car).run == on_run  # grouped onto the day's run
    assert on_run.trips.count() == 3


# --- The driver: availability, leave, compliance, licence, exclusions -----------------------------


def test_a_driver_not_available_then_or_on_leave_is_refused(setting):
    scheme, coordinator, passenger, _driver, car, monday = setting
    mornings = make_driver(scheme, name="Morning Mo", hours=(7, 10))
    trip = make_trip(coordinator, passenger, scheme, monday, hour=10)
    assert refusal(assign_trip, coordinator, trip, mornings, car)["driver"] == [
        "Morning Mo is not available on Mondays from 10:00 to 10:45."
    ]
    away = make_driver(scheme, name="Away Amy")
    Leave.objects.create(driver=away, starts_on=monday - timedelta(days=2), ends_on=monday)
    assert "Away Amy is on leave" in refusal(assign_trip, coordinator, trip, away, car)["driver"][0]


@pytest.mark.parametrize("kind", ["licence", "dbs"])
def test_an_expired_check_blocks_assignment(setting, kind):
    scheme, coordinator, passenger, driver, car, monday = setting
    ComplianceCheck.objects.filter(driver=driver, kind=kind).update(expires_on=monday - timedelta(days=1))
    trip = make_trip(coordinator, passenger, scheme, monday)
    reasons = refusal(assign_trip, coordinator, trip, driver, car)["driver"]
    label = ComplianceCheck.Kind(kind).label
    assert reasons == [f"Dev Patel's {label} ran out on {monday - timedelta(days=1):%-d %B %Y}."]
    trip.refresh_from_db()
    assert trip.status == Trip.Status.REQUESTED and not Run.objects.exists()


def test_a_check_running_out_on_the_day_still_covers_it(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    ComplianceCheck.objects.filter(driver=driver).update(expires_on=monday)
    assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday), driver, car)


def test_insurance_is_needed_only_in_their_own_car(setting):
    scheme, coordinator, passenger, _driver, car, monday = setting
    no_insurance = make_driver(scheme, name="Ina Sure", checks=("licence", "dbs"))
    own = make_vehicle(scheme, name="Ina's Fiesta", owner=no_insurance)
    trip = make_trip(coordinator, passenger, scheme, monday)
    assert refusal(assign_trip, coordinator, trip, no_insurance, own)["driver"] == [
        "Ina Sure has no Insurance for volunteer driving (own car) on record."
    ]
    assign_trip(coordinator, trip, no_insurance, car)  # the scheme's car is insured by the scheme


def test_a_volunteers_own_car_is_driven_only_by_them(setting):
    """Their insurance covers them in it, and the mileage claim is theirs: another driver is
    refused it, and is never suggested in it."""
    scheme, coordinator, passenger, driver, car, monday = setting
    owner = make_driver(scheme, name="Ina Sure", checks=("licence", "dbs", "insurance"))
    own = make_vehicle(scheme, name="Ina's Fiesta", owner=owner)
    trip = make_trip(coordinator, passenger, scheme, monday)
    assert refusal(assign_trip, coordinator, trip, driver, own)["vehicle"] == [
        "Ina's Fiesta is a volunteer's own car: only its owner drives it."
    ]
    assert not Run.objects.exists()
    car.is_off_road = True  # the scheme's own car cannot go: Dev has nothing to drive
    car.save()
    suggestions = suggest_drivers(coordinator, trip)
    assert [(s.driver, s.vehicle) for s in suggestions.suggested] == [(owner, own)]
    assert driver in [left.driver for left in suggestions.left_out]
    assign_trip(coordinator, trip, owner, own)


def test_a_minibus_needs_a_minibus_driver_with_d1_or_midas(setting):
    scheme, coordinator, passenger, driver, _car, monday = setting
    minibus = make_vehicle(scheme, VehicleKind.MINIBUS, name="Sale minibus", seats=12)
    trip = make_trip(coordinator, passenger, scheme, monday)
    assert refusal(assign_trip, coordinator, trip, driver, minibus)["driver"][0] == (
        "Dev Patel is not cleared to drive a minibus."
    )
    driver.drives_minibuses = True
    driver.save()
    reasons = refusal(assign_trip, coordinator, trip, driver, minibus)["driver"]
    assert reasons == [
        "A minibus needs D1 on their licence or an in-date MiDAS assessment: "
        "Dev Patel has no MiDAS minibus driver assessment on record."
    ]
    ComplianceCheck.objects.create(
        driver=driver, kind="midas", checked_on=date(2025, 1, 1), expires_on=date(2029, 1, 1)
    )
    assert assign_trip(coordinator, trip, driver, minibus).run.vehicle == minibus
    with_d1 = make_driver(scheme, name="Dee One", drives_minibuses=True, has_d1_entitlement=True)
    other = make_trip(coordinator, make_passenger(scheme, coordinator, name="Gus G"), scheme, monday, hour=15)
    assert assign_trip(coordinator, other, with_d1, minibus).status == Trip.Status.SCHEDULED


def test_a_driver_kept_apart_from_the_passenger_is_refused(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    PairingExclusion.objects.create(driver=driver, passenger=passenger, reason="Asked not to.")
    trip = make_trip(coordinator, passenger, scheme, monday)
    assert refusal(assign_trip, coordinator, trip, driver, car)["driver"] == [
        "Dev Patel is not to be paired with this passenger."
    ]


def test_a_driver_of_another_scheme_or_not_driving_any_more_is_refused(setting):
    scheme, coordinator, passenger, _driver, car, monday = setting
    other_scheme, _ = make_scheme(name="Altrincham cars")
    elsewhere = make_driver(other_scheme, name="Else Where")
    trip = make_trip(coordinator, passenger, scheme, monday)
    assert (
        "does not drive for Nellie the tuk-tuk"
        in refusal(assign_trip, coordinator, trip, elsewhere, car)["driver"][0]
    )
    retired = make_driver(scheme, name="Ret Ired", is_active=False)
    assert "no longer drives" in refusal(assign_trip, coordinator, trip, retired, car)["driver"][0]


# --- The vehicle: overdue, off the road, another scheme's --------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mot_expires_on": -1}, "The car's MOT ran out on"),
        (
            {"permit": "s19", "permit_number": "PK123", "permit_expires_on": -1},
            "Section 19 permit ran out on",
        ),
        ({"service_due_on": 0}, "is due a service (since"),
        ({"service_due_at_miles": 12000, "odometer_miles": 12000}, "is due a service (at 12,000 miles)"),
        ({"is_off_road": True}, "is off the road"),
    ],
)
def test_a_vehicle_overdue_or_off_the_road_is_refused(setting, fields, message):
    scheme, coordinator, passenger, driver, car, monday = setting
    for name, value in fields.items():
        setattr(car, name, monday + timedelta(days=value) if name.endswith("_on") else value)
    car.save()
    trip = make_trip(coordinator, passenger, scheme, monday)
    reasons = refusal(assign_trip, coordinator, trip, driver, car)
    assert list(reasons) == ["vehicle"] and message in reasons["vehicle"][0]


def test_a_vehicle_due_after_the_day_is_fine(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    car.mot_expires_on, car.service_due_on = monday, monday + timedelta(days=1)
    car.service_due_at_miles, car.odometer_miles = 12000, 11999
    car.save()
    assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday), driver, car)


def test_another_schemes_vehicle_is_refused(setting):
    scheme, coordinator, passenger, driver, _car, monday = setting
    theirs = make_vehicle(make_scheme(name="Other")[0], name="Their car")
    trip = make_trip(coordinator, passenger, scheme, monday)
    assert refusal(assign_trip, coordinator, trip, driver, theirs)["vehicle"] == [
        "Their car is not one of this scheme's vehicles."
    ]


# --- Double booking -------------------------------------------------------------------------------


def test_a_driver_or_vehicle_is_never_on_two_runs_at_overlapping_times(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    other_car = make_vehicle(scheme, name="Second car")
    other_driver = make_driver(scheme, name="Ola Other")
    assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday, 10), driver, car)
    overlapping = make_trip(
        coordinator, make_passenger(scheme, coordinator, name="Pat P"), scheme, monday, 10
    )
    reasons = refusal(assign_trip, coordinator, overlapping, driver, other_car)
    assert reasons == {"driver": ["Dev Patel is already driving another trip from 10:00 to 10:45."]}
    reasons = refusal(assign_trip, coordinator, overlapping, other_driver, car)
    assert reasons == {"vehicle": ["The car is already booked for another trip from 10:00 to 10:45."]}
    assign_trip(coordinator, overlapping, other_driver, other_car)
    later = make_trip(coordinator, passenger, scheme, monday, 11)  # starts as the first one ends
    assign_trip(coordinator, later, other_driver, car)


def test_a_trip_already_assigned_is_moved_only_when_asked(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    trip = assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday), driver, car)
    other = make_driver(scheme, name="Ola Other")
    assert "already assigned to Dev Patel" in refusal(assign_trip, coordinator, trip, other, car)["trip"][0]
    moved = assign_trip(coordinator, trip, other, car, reassign=True)
    assert moved.run.driver == other and Run.objects.count() == 1  # the empty run went
    unassign_trip(coordinator, moved)
    moved.refresh_from_db()
    assert moved.status == Trip.Status.REQUESTED and not Run.objects.exists()


def test_a_trip_with_an_outcome_is_not_assigned(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    from transport.services import record_outcome

    trip = make_trip(coordinator, passenger, scheme, monday)
    record_outcome(coordinator, trip, "cancelled", reason="Not needed.")
    assert "trip" in refusal(assign_trip, coordinator, trip, driver, car)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ORGANISATION_EDITOR, Role.RESIDENT])
def test_only_the_schemes_coordinators_assign(setting, role):
    scheme, coordinator, passenger, driver, car, monday = setting
    trip = make_trip(coordinator, passenger, scheme, monday)
    outsider = UserFactory(role=role, teams=[TeamFactory()] if role == Role.COORDINATOR else [scheme.team])
    with pytest.raises(NotVisible):
        assign_trip(outsider, trip, driver, car)
    with pytest.raises(NotVisible):
        suggest_drivers(outsider, trip)
    with pytest.raises(NotVisible):
        assign_trip(driver.user, trip, driver, car)


# --- Suggestions ------------------------------------------------------------------------------------


def test_suggestions_put_the_nearest_driver_first_and_say_why_others_are_left_out(setting):
    scheme, coordinator, passenger, near, car, monday = setting
    Postcode.objects.create(postcode="M33 5AB", latitude=53.4240, longitude=-2.3220)  # the pick-up
    Postcode.objects.create(postcode="M33 6AA", latitude=53.4260, longitude=-2.3250)  # half a mile
    Postcode.objects.create(postcode="WA14 2AA", latitude=53.3870, longitude=-2.3500)  # 3 miles
    near.home_postcode_id = "M33 6AA"
    near.save()
    make_driver(scheme, name="Far Fiona", home_postcode_id="WA14 2AA")
    make_driver(scheme, name="Una Known")
    make_driver(scheme, name="Ex Pired", expires_on=date(2025, 6, 1))
    excluded = make_driver(scheme, name="Kept Apart")
    PairingExclusion.objects.create(driver=excluded, passenger=passenger)
    make_driver(make_scheme(name="Elsewhere")[0], name="Not Ours")
    trip = make_trip(coordinator, passenger, scheme, monday, journey=journey(pickup_postcode="m33 5ab"))
    found = suggest_drivers(coordinator, trip)
    assert [str(s.driver) for s in found.suggested] == ["Dev Patel", "Far Fiona", "Una Known"]
    assert found.suggested[0].miles < 0.5 < 2.5 < found.suggested[1].miles < 3.5
    assert found.suggested[0].vehicle == car and found.suggested[2].miles is None
    left = {str(left.driver): left.reasons for left in found.left_out}
    assert set(left) == {"Ex Pired", "Kept Apart"}
    assert left["Kept Apart"] == ["Kept Apart is not to be paired with this passenger."]
    assert any("DBS check ran out" in r for r in left["Ex Pired"])


def test_a_suggestion_takes_the_vehicle_that_fits(setting):
    scheme, coordinator, passenger, driver, car, monday = setting
    accessible = make_vehicle(scheme, name="Ramp car", seats=2, wheelchair_spaces=1, has_lift_or_ramp=True)
    trip = make_trip(coordinator, passenger, scheme, monday, mobility_aid=MobilityAid.WHEELCHAIR_SEATED)
    [suggestion] = suggest_drivers(coordinator, trip).suggested
    assert suggestion.vehicle == accessible
    accessible.is_off_road = True
    accessible.save()
    found = suggest_drivers(coordinator, trip)
    # Left out, with the reasons for the vehicle that came closest (one reason against two).
    assert found.suggested == [] and found.left_out[0].reasons == ["Ramp car is off the road."]


def test_suggestions_for_a_day_of_trips_cost_a_few_queries(setting, django_assert_max_num_queries):
    scheme, coordinator, passenger, _driver, _car, monday = setting
    for n in range(10):
        make_driver(scheme, name=f"Driver {n}")
    trip = make_trip(coordinator, passenger, scheme, monday)
    with django_assert_max_num_queries(14):
        found = suggest_drivers(coordinator, trip)
    assert len(found.suggested) == 11


# --- Two coordinators at once -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_two_coordinators_assigning_at_once_never_double_book_a_driver_or_a_vehicle():
    scheme, coordinator = make_scheme()
    second_coordinator = UserFactory(role=Role.COORDINATOR, teams=[scheme.team])
    driver, car = make_driver(scheme), make_vehicle(scheme, seats=1)
    monday = coming(0)
    people = [make_passenger(scheme, coordinator, name=f"Passenger {n}") for n in range(8)]
    # Eight trips at overlapping times (10:00 to 10:45 and 10:30 to 11:15), one seat: only one fits.
    trips = [
        make_trip(coordinator, p, scheme, monday, 10, journey_minutes=45 + 30 * (n % 2))
        for n, p in enumerate(people)
    ]
    gate, made, refused, failures = threading.Barrier(8), [], [], []

    def go(n):
        try:
            gate.wait()
            who = coordinator if n % 2 else second_coordinator
            made.append(assign_trip(who, trips[n], driver, car))
        except Refusal as error:
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
    assert Trip.objects.filter(status=Trip.Status.SCHEDULED).count() == 1
    assert Run.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_two_coordinators_assigning_one_vehicle_to_different_drivers_at_once():
    scheme, coordinator = make_scheme()
    car = make_vehicle(scheme)
    drivers = [make_driver(scheme, name=f"Driver {n}") for n in range(6)]
    monday = coming(0)
    trips = [
        make_trip(coordinator, make_passenger(scheme, coordinator, name=f"P {n}"), scheme, monday, 10)
        for n in range(6)
    ]
    gate, made, refused, failures = threading.Barrier(6), [], [], []

    def go(n):
        try:
            gate.wait()
            made.append(assign_trip(coordinator, trips[n], drivers[n], car))
        except Refusal as error:
            refused.append(error)
        except Exception as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(made) == 1 and len(refused) == 5
    assert all("already booked" in " ".join(e.message_dict["vehicle"]) for e in refused)


def test_availability_rows_are_in_local_time(setting):
    scheme, coordinator, passenger, _driver, car, _monday = setting
    summer_monday = date(2027, 6, 7)
    if summer_monday <= date.today():  # noqa: DTZ011 - only to keep the test in the future
        pytest.skip("The fixed summer day has passed.")
    early = make_driver(scheme, name="Early Ed", hours=(9, 11))
    trip = make_trip(
        coordinator, passenger, scheme, summer_monday, hour=9
    )  # 08:00 UTC in British Summer Time
    assert assign_trip(coordinator, trip, early, car).run.driver == early
    assert early.availability.filter(starts_at=time(9)).exists()
