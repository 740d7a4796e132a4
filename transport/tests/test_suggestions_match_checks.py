"""The day's suggestions count reasons instead of writing them, from what was worked out once for
the day: they must choose exactly what trying every vehicle with ``reasons_against`` chooses."""

import random
from datetime import date, timedelta

from transport.assignment import (
    DayPlan,
    Suggestions,
    _vehicles_to_try,
    assign_trip,
    load_day_plan,
    plan_board,
    reasons_against,
    suggest_for,
)
from transport.models import (
    ComplianceCheck,
    Driver,
    Leave,
    MobilityAid,
    PairingExclusion,
    Trip,
    Vehicle,
    VehicleKind,
)
from transport.tests.factories import (
    coming,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)


def tried_one_by_one(trip: Trip, plan: DayPlan) -> Suggestions:
    """What ``suggest_for`` promises, the plain way: each vehicle's reasons written in full."""
    suggested, left_out = [], []
    for facts in plan.drivers.values():
        if trip.scheme_id not in facts.schemes:
            continue
        best = None
        for vehicle in _vehicles_to_try(trip, facts, plan):
            reasons = reasons_against(trip, facts, vehicle, plan)
            if not reasons:
                suggested.append((facts.driver.pk, vehicle.pk))
                break
            if best is None or len(reasons) < len(best):
                best = reasons
        else:
            left_out.append((facts.driver.pk, [sentence for _, sentence in best] if best else []))
    return sorted(suggested), sorted(left_out)


def as_rows(found: Suggestions):
    return (
        sorted((s.driver.pk, s.vehicle.pk) for s in found.suggested),
        sorted((left.driver.pk, left.reasons) for left in found.left_out),
    )


def test_suggestions_for_a_busy_day_match_trying_every_vehicle(db):
    rng = random.Random(18)
    scheme, coordinator = make_scheme()
    day: date = coming(2)
    drivers = [
        make_driver(
            scheme,
            name=f"Driver {n}",
            hours=rng.choice([(7, 20), (9, 13), (12, 18)]),
            drives_tuk_tuks=rng.random() < 0.5,
            drives_minibuses=rng.random() < 0.5,
            has_d1_entitlement=rng.random() < 0.3,
        )
        for n in range(8)
    ]
    ComplianceCheck.objects.filter(driver=drivers[1], kind="dbs").update(expires_on=day - timedelta(days=3))
    Leave.objects.create(driver=drivers[2], starts_on=day, ends_on=day)
    make_vehicle(scheme, name="Own car", owner=drivers[0])
    make_vehicle(scheme, name="Small car", seats=1)
    make_vehicle(scheme, VehicleKind.TUK_TUK, name="Nellie", seats=2)
    make_vehicle(
        scheme, VehicleKind.MINIBUS, name="Minibus", seats=8, wheelchair_spaces=2, has_lift_or_ramp=True
    )
    make_vehicle(scheme, name="Off-road car", is_off_road=True)
    passengers = [
        make_passenger(scheme, coordinator, name=f"Passenger {n}", escort_allowed=True) for n in range(8)
    ]
    PairingExclusion.objects.create(driver=drivers[3], passenger=passengers[0])
    trips = [
        make_trip(
            coordinator,
            passengers[n % 8],
            scheme,
            day,
            hour=8 + 3 * (n // 8) + rng.choice([0, 1]),
            escorts=rng.choice([0, 0, 1]),
            mobility_aid=rng.choice([MobilityAid.NONE, MobilityAid.WHEELCHAIR_SEATED, MobilityAid.WALKER]),
        )
        for n in range(24)
    ]
    # Put some on runs, as a coordinator would: the clash and shared-room checks then have work.
    assigned = 0
    for trip in trips[:12]:
        plan = load_day_plan(
            day, drivers=Driver.objects.filter(schemes=scheme), vehicles=Vehicle.objects.all(), trips=[trip]
        )
        found = suggest_for(trip, plan)
        if found.suggested:
            choice = found.suggested[rng.randrange(len(found.suggested))]
            assign_trip(coordinator, trip, choice.driver, choice.vehicle)
            assigned += 1
    assert assigned >= 6

    trips = list(Trip.objects.filter(scheme=scheme).select_related("scheme", "run"))
    plan = load_day_plan(
        day, drivers=Driver.objects.filter(schemes=scheme), vehicles=Vehicle.objects.all(), trips=trips
    )
    kinds_of_reason = set()
    for trip in trips:
        expected = tried_one_by_one(trip, plan)
        assert as_rows(suggest_for(trip, plan)) == expected, trip
        kinds_of_reason |= {sentence.split(" ", 2)[-1][:20] for _, why in expected[1] for sentence in why}
    assert len(kinds_of_reason) >= 5  # the day exercised many different checks


def test_a_planned_board_suggests_as_trying_every_vehicle_where_runs_overlap(db, django_assert_num_queries):
    """The shortcuts of a day's suggestions, each met: a driver away, not available then or kept
    apart from the passenger is left out at once; a driver already driving then takes the vehicle
    of their run only when it is their only one, carries no one else's trips then and has room; a
    vehicle someone else drives then is passed over. (Two vehicles for a driver, or two drivers
    for a vehicle, at once: trips moved after they were assigned.)"""
    scheme, coordinator = make_scheme()
    day: date = coming(2)
    sharing = make_driver(scheme, name="Ann Sharing", drives_minibuses=True, has_d1_entitlement=True)
    full = make_driver(scheme, name="Bob Full", drives_tuk_tuks=True)
    twice = make_driver(scheme, name="Cat Twice", drives_tuk_tuks=True)
    make_driver(scheme, name="Dan Free")
    make_driver(scheme, name="Eve Evenings", hours=(17, 22))
    away = make_driver(scheme, name="Fay Away")
    Leave.objects.create(driver=away, starts_on=day, ends_on=day)
    apart = make_driver(scheme, name="Gil Apart")
    first, second = make_driver(scheme, name="Hal First"), make_driver(scheme, name="Ivy Second")
    minibus = make_vehicle(
        scheme, VehicleKind.MINIBUS, name="Minibus", seats=8, wheelchair_spaces=2, has_lift_or_ramp=True
    )
    small = make_vehicle(scheme, name="Small car", seats=1)
    car = make_vehicle(scheme, name="Car", seats=3)
    nellie = make_vehicle(scheme, VehicleKind.TUK_TUK, name="Nellie", seats=2)
    passengers = [make_passenger(scheme, coordinator, name=f"Passenger {n}") for n in range(12)]
    PairingExclusion.objects.create(driver=apart, passenger=passengers[1])
    hours = [10, 10, 10, 13, 15, 13, 12, 16, 12]
    trip = [make_trip(coordinator, p, scheme, day, hour=h) for p, h in zip(passengers, hours, strict=False)]

    def moved(pk, to):
        times = {name: getattr(to, name) for name in ("pickup_at", "starts_at", "ends_at")}
        Trip.objects.filter(pk=pk).update(**times)

    assign_trip(coordinator, trip[0], sharing, minibus)  # room beside it for more at 10:00
    assign_trip(coordinator, trip[1], full, small)  # no room beside it
    assign_trip(coordinator, trip[3], twice, car)
    assign_trip(coordinator, trip[4], twice, nellie)
    moved(trip[4].pk, trip[3])  # Cat Twice at 13:00 in two vehicles
    assign_trip(coordinator, trip[6], first, car)
    assign_trip(coordinator, trip[7], second, car)
    moved(trip[7].pk, trip[6])  # the car at 12:00 with two drivers

    trips, plan = plan_board(coordinator, scheme, day)
    with django_assert_num_queries(0):  # the board's trips carry all the checks read
        found = {trip.pk: suggest_for(trip, plan) for trip in trips}
        for each in trips:
            assert as_rows(found[each.pk]) == tried_one_by_one(each, plan), each

    def suggested(n):
        return {str(s.driver): s.vehicle for s in found[trip[n].pk].suggested}

    def left_out(n):
        return {str(left.driver): left.reasons for left in found[trip[n].pk].left_out}

    assert suggested(2)["Ann Sharing"] == minibus
    assert any("Small car has 1 passenger seats" in r for r in left_out(2)["Bob Full"])
    assert left_out(2)["Eve Evenings"] == [f"Eve Evenings is not available on {day:%A}s from 10:00 to 10:45."]
    assert any("on leave" in r for r in left_out(2)["Fay Away"])
    assert "Gil Apart" in suggested(2) and "Gil Apart" in left_out(1)
    assert any("Cat Twice is already driving another trip" in r for r in left_out(5)["Cat Twice"])
    assert suggested(5)["Dan Free"] not in (car, nellie)  # Cat Twice drives both then
    assert {"Hal First", "Ivy Second"} <= left_out(8).keys()  # the car is taken twice then
    assert suggested(8)["Dan Free"] != car
