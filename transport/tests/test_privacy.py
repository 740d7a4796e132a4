"""Who sees a passenger, what a driver's manifest tells them, audited reads, subject access and
erasure reaching transport."""

import dataclasses

import pytest

from accounts.models import AuditEvent, Role
from accounts.privacy import account_sections, erase_account
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotVisible
from people.services import erase_person
from people.subject_access import subject_access_data
from people.tests.factories import PersonFactory
from places.geo import Point
from places.models import Postcode
from transport import selectors, services
from transport.assignment import assign_trip, plan_board
from transport.models import Passenger, Trip
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
def booked(db):
    """A passenger with a ride assigned to a driver on a coming Monday."""
    scheme, coordinator = make_scheme()
    passenger = make_passenger(
        scheme,
        coordinator,
        name="Edna Mary Marsh",
        notes_for_driver="Ring twice; takes a minute to reach the door.",
        usual_places="Sale Moor surgery",
    )
    passenger.person.phone, passenger.person.address = "07700 900123", "12 Moss Lane"
    passenger.person.save()
    driver, car = make_driver(scheme), make_vehicle(scheme)
    monday = coming()
    trip = assign_trip(coordinator, make_trip(coordinator, passenger, scheme, monday), driver, car)
    return scheme, coordinator, passenger, driver, trip, monday


def test_the_schemes_team_sees_its_passengers_and_other_teams_do_not(booked):
    scheme, coordinator, passenger, driver, _trip, _monday = booked
    assert list(selectors.passengers_visible_to(coordinator)) == [passenger]
    admin = UserFactory(role=Role.ADMINISTRATOR)
    assert list(selectors.passengers_visible_to(admin)) == [passenger]
    outsiders = [
        UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
        UserFactory(role=Role.ORGANISATION_EDITOR, teams=[scheme.team]),
        UserFactory(role=Role.RESIDENT, teams=[scheme.team]),
        UserFactory(role=Role.COMMISSIONER, teams=[scheme.team]),
        driver.user,
    ]
    for outsider in outsiders:
        assert not selectors.passengers_visible_to(outsider).exists()
        with pytest.raises(NotVisible):
            selectors.passenger_for_viewer(outsider, passenger.pk)


def test_a_link_worker_who_sees_the_person_sees_the_passenger(booked):
    _scheme, _coordinator, passenger, _driver, _trip, _monday = booked
    link_worker = UserFactory(role=Role.LINK_WORKER, teams=[passenger.person.team])
    assert selectors.passenger_for_viewer(link_worker, passenger.pk) == passenger


def test_a_passenger_assessed_for_the_scheme_is_seen_by_its_team_though_on_another_teams_records(db):
    scheme, coordinator = make_scheme()
    their_team = TeamFactory()
    person = PersonFactory(team=their_team)
    coordinator.teams.add(their_team)
    passenger = services.register_passenger(coordinator, scheme, person=person)
    coordinator.teams.remove(their_team)
    assert selectors.passengers_visible_to(coordinator).get() == passenger


def test_reading_a_passenger_is_audited(booked):
    _scheme, coordinator, passenger, _driver, _trip, _monday = booked
    selectors.passenger_for_viewer(coordinator, passenger.pk)
    assert AuditEvent.objects.filter(
        actor=coordinator, action=AuditEvent.Action.VIEW, target_id=str(passenger.pk)
    ).exists()


@pytest.mark.parametrize("bad_id", ["999999", "abc", None])
def test_a_missing_passenger_looks_like_one_you_may_not_see(booked, bad_id):
    _scheme, coordinator, _passenger, _driver, _trip, _monday = booked
    with pytest.raises(NotVisible):
        selectors.passenger_for_viewer(coordinator, bad_id)


def test_the_manifest_holds_only_what_the_driver_needs(booked):
    _scheme, _coordinator, passenger, driver, trip, monday = booked
    [stop] = selectors.manifest_for_user(driver.user, monday)
    assert stop.first_name == "Edna" and stop.trip_id == trip.pk
    assert stop.notes_for_driver == "Ring twice; takes a minute to reach the door."
    assert {field.name for field in dataclasses.fields(stop)} == {
        "trip_id",
        "first_name",
        "pickup_address",
        "pickup_postcode",
        "destination",
        "destination_postcode",
        "starts_at",
        "pickup_at",
        "appointment_at",
        "mobility_aid",
        "escorts",
        "notes_for_driver",
        "vehicle",
        "status",
    }
    text = " ".join(str(value) for value in dataclasses.astuple(stop))
    for private in ("Marsh", "Mary", "07700 900123", "Sale Moor surgery"):
        assert private not in text
    assert AuditEvent.objects.filter(
        actor=driver.user,
        action=AuditEvent.Action.VIEW,
        target_id=str(passenger.pk),
        note="Driver's manifest.",
    ).exists()


def test_a_driver_sees_only_their_own_trips_and_someone_who_does_not_drive_sees_none(booked):
    scheme, _coordinator, _passenger, _driver, _trip, monday = booked
    other = make_driver(scheme, name="Ola Other")
    assert selectors.manifest_for_user(other.user, monday) == []
    for outsider in (UserFactory(role=Role.COORDINATOR), UserFactory(role=Role.RESIDENT)):
        with pytest.raises(NotVisible):
            selectors.manifest_for_user(outsider, monday)
    other.is_active = False
    other.save()
    with pytest.raises(NotVisible):
        selectors.manifest_for_user(other.user, monday)


def test_the_day_board_is_for_the_schemes_coordinators_and_audited(booked):
    scheme, coordinator, passenger, _driver, trip, monday = booked
    assert selectors.day_board(coordinator, scheme, monday) == [trip]
    assert AuditEvent.objects.filter(actor=coordinator, note="Transport day board.").count() == 1
    with pytest.raises(NotVisible):
        selectors.day_board(UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]), scheme, monday)


def test_a_planned_board_is_for_the_schemes_coordinators_audited_and_shows_each_run(
    booked, django_assert_max_num_queries
):
    scheme, coordinator, passenger, driver, trip, monday = booked
    Postcode.objects.create(postcode="M33 5AB", latitude=53.4240, longitude=-2.3220)  # the pick-up
    with pytest.raises(NotVisible):
        plan_board(UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]), scheme, monday)
    assert not AuditEvent.objects.filter(note="Transport day board.").exists()
    trips, plan = plan_board(coordinator, scheme, monday)
    assert trips == selectors.day_board(coordinator, scheme, monday) == [trip]
    assert AuditEvent.objects.filter(actor=coordinator, note="Transport day board.").count() == 2
    assert trips[0].run.driver is plan.drivers[driver.pk].driver  # read once, for both
    assert trips[0].run.vehicle is plan.vehicles[trip.run.vehicle_id]
    assert plan.places == {"M33 5AB": Point(53.4240, -2.3220)}
    # A run whose driver no longer drives (not in the plan) is still shown with its driver.
    driver.is_active = False
    driver.save()
    with django_assert_max_num_queries(14):
        trips, plan = plan_board(coordinator, scheme, monday)
    assert driver.pk not in plan.drivers
    assert (trips[0].run.driver, str(trips[0].run.driver)) == (driver, "Dev Patel")


def test_subject_access_for_a_person_includes_their_rides(booked):
    _scheme, _coordinator, passenger, _driver, _trip, _monday = booked
    sections = {s["key"]: s for s in subject_access_data(passenger.person)["sections"]}
    assert sections["transport_passenger"]["records"][0]["notes_for_driver"].startswith("Ring twice")
    assert len(sections["transport_trips"]["records"]) == 1
    assert sections["transport_eligibility"]["records"][0]["eligible"] == "Yes"


def test_erasing_a_person_erases_their_passenger_notes_and_withdraws_coming_rides(booked):
    scheme, coordinator, passenger, _driver, trip, _monday = booked
    lead = UserFactory(role=Role.COORDINATOR)
    lead.memberships.create(team=scheme.team, is_lead=True)
    erase_person(lead, passenger.person)
    passenger.refresh_from_db()
    trip.refresh_from_db()
    assert passenger.notes_for_driver == "" and passenger.usual_places == ""
    assert trip.status == Trip.Status.CANCELLED and trip.run is None
    assert "Moss Lane" not in trip.pickup_address and trip.outcome_reason == "(erased)"
    assert not selectors.passengers_visible_to(coordinator).exists()


def test_a_residents_own_sign_in_reaches_their_passenger_record(db):
    scheme, coordinator = make_scheme()
    resident = UserFactory(role=Role.RESIDENT)
    passenger = services.register_passenger(
        coordinator, scheme, account=resident, notes_for_driver="Dog barks."
    )
    services.request_trip(resident, passenger, scheme, journey(), pickup_at=coming_at())
    assert selectors.own_passenger_record(resident) == passenger
    keys = {s["key"] for s in account_sections(resident)}
    assert {"transport_sign_in_passenger", "transport_sign_in_trips"} <= keys
    erase_account(resident)
    passenger = Passenger.objects.get(pk=passenger.pk)
    assert passenger.notes_for_driver == ""
    assert passenger.trips.get().status == Trip.Status.CANCELLED


def coming_at():
    from transport.tests.factories import at

    return at(coming(), 10)
