"""Requesting trips (outward and return, weekly, by whom) and recording what became of them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotVisible, Refusal
from people.tests.factories import IntroductionFactory, PersonFactory
from transport import services
from transport.assignment import assign_trip
from transport.models import MobilityAid, Run, Trip
from transport.tests.factories import (
    LONDON,
    at,
    coming,
    journey,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)


@pytest.fixture
def scheme_and_passenger(db):
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator, escort_allowed=True)
    return scheme, coordinator, passenger


def test_a_return_trip_is_linked_and_goes_back_the_other_way(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    day = coming()
    outward, back = services.request_trip(
        coordinator, passenger, scheme, journey(), appointment_at=at(day, 11), return_pickup_at=at(day, 14)
    )
    assert back.outward == outward and outward.return_trip == back
    assert (back.pickup_address, back.pickup_postcode) == (outward.destination, outward.destination_postcode)
    assert (back.destination, back.destination_postcode) == (outward.pickup_address, outward.pickup_postcode)
    # An appointment at 11:00: the vehicle is taken for the 45 minutes before it.
    assert outward.starts_at == at(day, 10, 15) and outward.ends_at == at(day, 11)
    assert back.starts_at == at(day, 14) and back.ends_at == at(day, 14, 45)


@pytest.mark.parametrize(
    ("back_hour", "message"),
    [(10, "after the outward journey ends"), (None, "same day")],
)
def test_a_return_before_the_outward_trip_ends_or_on_another_day_is_refused(
    scheme_and_passenger, back_hour, message
):
    scheme, coordinator, passenger = scheme_and_passenger
    day = coming()
    back = at(day, back_hour, 30) if back_hour else at(day + timedelta(days=1), 10)
    with pytest.raises(Refusal) as refused:
        services.request_trip(
            coordinator, passenger, scheme, journey(), pickup_at=at(day, 10), return_pickup_at=back
        )
    assert message in refused.value.message_dict["return_pickup_at"][0]
    assert not Trip.objects.exists()


def test_a_weekly_trip_makes_each_week_with_its_return_at_the_same_clock_time(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    # Across the clocks going forward (28 March 2027): still 10:00 in Sale, an hour earlier in UTC.
    first = date(2027, 3, 22)
    made = services.request_trip(
        coordinator,
        passenger,
        scheme,
        journey(),
        pickup_at=at(first, 10),
        return_pickup_at=at(first, 13),
        repeats_weekly_until=date(2027, 4, 5),
    )
    outwards = [trip for trip in made if trip.outward_id is None]
    assert [timezone.localtime(t.starts_at).date() for t in outwards] == [
        date(2027, 3, 22),
        date(2027, 3, 29),
        date(2027, 4, 5),
    ]
    assert {timezone.localtime(t.starts_at, LONDON).hour for t in outwards} == {10}
    assert {t.starts_at.utctimetuple().tm_hour for t in outwards} == {10, 9}
    assert len(made) == 6 and len({t.series for t in made}) == 1
    assert all(t.return_trip.starts_at - t.starts_at == timedelta(hours=3) for t in outwards)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"journey": journey(pickup_address="  ")}, "pickup_address"),
        ({"journey": journey(destination="")}, "destination"),
        ({"journey": journey(pickup_postcode="not a postcode")}, "pickup_postcode"),
        ({"journey": journey(destination_postcode="M33")}, "destination_postcode"),
        ({"pickup_at": None}, "pickup_at"),
        ({"pickup_at": timezone.now() - timedelta(hours=2)}, "pickup_at"),
        ({"escorts": 4}, "escorts"),
        ({"escorts": -1}, "escorts"),
        ({"mobility_aid": "hovercraft"}, "mobility_aid"),
        ({"journey_minutes": 2}, "journey_minutes"),
        ({"repeats_weekly_until": date(2020, 1, 1)}, "repeats_weekly_until"),
        ({"repeats_weekly_until": date.today() + timedelta(weeks=60)}, "repeats_weekly_until"),  # noqa: DTZ011
    ],
)
def test_bad_requests_are_refused_naming_the_field_and_nothing_is_saved(scheme_and_passenger, change, field):
    scheme, coordinator, passenger = scheme_and_passenger
    fields = {"journey": journey(), "pickup_at": at(coming(), 10)} | change
    trip_journey = fields.pop("journey")
    with pytest.raises(Refusal) as refused:
        services.request_trip(coordinator, passenger, scheme, trip_journey, **fields)
    assert field in refused.value.message_dict
    assert not Trip.objects.exists()


def test_an_escort_needs_the_scheme_to_have_agreed(db):
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator, escort_allowed=False)
    with pytest.raises(Refusal) as refused:
        make_trip(coordinator, passenger, scheme, coming(), escorts=1)
    assert "escorts" in refused.value.message_dict


def test_a_passenger_cannot_have_two_rides_at_once(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    day = coming()
    make_trip(coordinator, passenger, scheme, day, 10)
    with pytest.raises(Refusal) as refused:
        make_trip(coordinator, passenger, scheme, day, hour=10)
    assert "already have a ride at 10:00" in refused.value.message_dict["pickup_at"][0]
    make_trip(coordinator, passenger, scheme, day, 11)  # after the first one ends


def test_a_resident_asks_for_their_own_ride(db):
    scheme, coordinator = make_scheme()
    resident = UserFactory(role=Role.RESIDENT)
    passenger = services.register_passenger(coordinator, scheme, account=resident)
    trip = make_trip(resident, passenger, scheme, coming())
    assert trip.requested_via == Trip.RequestedVia.RESIDENT and trip.requested_by == resident
    someone_else = UserFactory(role=Role.RESIDENT)
    with pytest.raises(NotVisible):
        make_trip(someone_else, passenger, scheme, coming(), hour=15)


def test_a_link_worker_books_a_ride_to_an_introduction(db):
    scheme, coordinator = make_scheme()
    their_team = TeamFactory()
    link_worker = UserFactory(role=Role.LINK_WORKER, teams=[their_team])
    person = PersonFactory(team=their_team)
    coordinator.teams.add(their_team)  # the scheme's coordinator registers them
    passenger = services.register_passenger(coordinator, scheme, person=person)
    introduction = IntroductionFactory(person=person)
    trip = make_trip(link_worker, passenger, scheme, coming(), introduction=introduction)
    assert trip.requested_via == Trip.RequestedVia.LINK_WORKER and trip.introduction == introduction
    with pytest.raises(Refusal) as refused:
        make_trip(link_worker, passenger, scheme, coming(), hour=15, introduction=IntroductionFactory())
    assert "introduction" in refused.value.message_dict
    stranger = UserFactory(role=Role.LINK_WORKER, teams=[TeamFactory()])
    with pytest.raises(NotVisible):
        make_trip(stranger, passenger, scheme, coming(), hour=16)


def test_requests_are_audited(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    make_trip(coordinator, passenger, scheme, coming())
    assert AuditEvent.objects.filter(actor=coordinator, action=AuditEvent.Action.CREATE).exists()


# --- Outcomes ---------------------------------------------------------------------------------


def test_a_trip_not_completed_needs_a_reason(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    trip = make_trip(coordinator, passenger, scheme, coming())
    for outcome in ("cancelled", "late_cancel", "no_show", "turned_down", "unmet"):
        with pytest.raises(Refusal) as refused:
            services.record_outcome(coordinator, trip, outcome, reason=" ")
        assert "reason" in refused.value.message_dict
    with pytest.raises(Refusal) as refused:
        services.record_outcome(coordinator, trip, "teleported", reason="x")
    assert "outcome" in refused.value.message_dict
    trip.refresh_from_db()
    assert trip.status == Trip.Status.REQUESTED


def test_cancelling_the_outward_trip_cancels_its_return_and_frees_the_run(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    day = coming()
    outward, back = services.request_trip(
        coordinator, passenger, scheme, journey(), pickup_at=at(day, 10), return_pickup_at=at(day, 13)
    )
    driver, car = make_driver(scheme), make_vehicle(scheme)
    assign_trip(coordinator, back, driver, car)
    services.record_outcome(coordinator, outward, "cancelled", reason="In hospital.")
    back.refresh_from_db()
    assert back.status == Trip.Status.CANCELLED and back.run is None
    assert "In hospital." in back.outcome_reason
    assert not Run.objects.exists()  # the run held only the return


def test_a_completed_trip_needs_a_driver_and_to_have_started(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    trip = make_trip(coordinator, passenger, scheme, coming())
    with pytest.raises(Refusal, match="Assign a driver"):
        services.record_outcome(coordinator, trip, "completed")
    assign_trip(coordinator, trip, make_driver(scheme), make_vehicle(scheme))
    with pytest.raises(Refusal, match="not started yet"):
        services.record_outcome(coordinator, trip, "completed")


def test_fares_and_donations_are_money_and_never_negative(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    trip = make_trip(coordinator, passenger, scheme, coming())
    for bad in ("-1", "abc", "2.555", "NaN"):
        with pytest.raises(Refusal) as refused:
            services.record_outcome(coordinator, trip, "unmet", reason="No driver.", fare=bad)
        assert "fare" in refused.value.message_dict
    with pytest.raises(Refusal) as refused:
        services.record_outcome(coordinator, trip, "unmet", reason="No driver.", donation="-0.01")
    assert "donation" in refused.value.message_dict
    services.record_outcome(
        coordinator, trip, "late_cancel", reason="Changed plans.", fare="2.50", donation=1
    )
    trip.refresh_from_db()
    assert (trip.fare, trip.donation) == (Decimal("2.50"), Decimal("1.00"))


def test_an_outcome_is_recorded_once(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    trip = make_trip(coordinator, passenger, scheme, coming())
    services.record_outcome(coordinator, trip, "unmet", reason="No driver free.")
    with pytest.raises(Refusal, match="already recorded"):
        services.record_outcome(coordinator, trip, "cancelled", reason="x")


def test_only_the_scheme_or_its_driver_records_an_outcome(scheme_and_passenger):
    scheme, coordinator, passenger = scheme_and_passenger
    trip = make_trip(coordinator, passenger, scheme, coming())
    driver = make_driver(scheme)
    for outsider in (UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]), driver.user):
        with pytest.raises(NotVisible):
            services.record_outcome(outsider, trip, "cancelled", reason="x")
    assign_trip(coordinator, trip, driver, make_vehicle(scheme))
    services.record_outcome(driver.user, trip, "no_show", reason="Nobody answered the door.")


def test_the_trip_takes_its_mobility_aid_from_the_passenger_unless_told(db):
    scheme, coordinator = make_scheme()
    passenger = make_passenger(scheme, coordinator, mobility_aid=MobilityAid.WALKER)
    assert make_trip(coordinator, passenger, scheme, coming()).mobility_aid == MobilityAid.WALKER
    on_the_day = make_trip(
        coordinator, passenger, scheme, coming(), hour=15, mobility_aid=MobilityAid.WHEELCHAIR_SEATED
    )
    assert on_the_day.mobility_aid == MobilityAid.WHEELCHAIR_SEATED
