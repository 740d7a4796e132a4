"""Odometer readings and volunteer mileage claims at HMRC's approved rates: 45p a mile for the first
10,000 business miles in a tax year (6 April to 5 April), 25p after; the rates in force on the
day; a running total; the treasurer's CSV."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotPermitted, NotVisible, Refusal
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
def own_car(hmrc):
    """A volunteer and their own car, registered with a scheme, and the scheme's coordinator."""
    scheme, coordinator = make_scheme(name="Sale volunteer cars")
    driver = make_driver(scheme)
    return scheme, coordinator, driver, make_vehicle(scheme, name="Dev's Corsa", owner=driver)


def run_on(driver, vehicle, day):
    return Run.objects.create(driver=driver, vehicle=vehicle, on=day)


def claim_for(driver, vehicle, day, miles, start=None, **extra):
    run = run_on(driver, vehicle, day)
    start = vehicle.odometer_miles if start is None else start
    mileage.record_odometer(driver.user, run, start=start, end=start + miles, **extra)
    vehicle.refresh_from_db()
    return MileageClaim.objects.get(run=run)


def test_the_hmrc_rates_are_seeded_by_a_migration(db):
    rate = MileageRate.objects.get(applies_from=date(2011, 4, 6))
    assert (rate.first_rate, rate.later_rate, rate.threshold_miles) == (
        Decimal("0.450"),
        Decimal("0.250"),
        10000,
    )


def test_a_run_in_their_own_car_makes_a_claim_at_45p(own_car):
    scheme, _coordinator, driver, car = own_car
    claim = claim_for(driver, car, date(2026, 5, 4), 23, parking="1.50")
    assert (claim.miles, claim.miles_at_first_rate, claim.miles_at_later_rate) == (23, 23, 0)
    assert claim.mileage_amount == Decimal("10.35") and claim.total == Decimal("11.85")
    assert claim.tax_year == 2026 and claim.status == MileageClaim.Status.SUBMITTED
    assert car.odometer_miles == 23


def test_a_claim_crossing_10000_miles_in_a_tax_year_is_split_between_45p_and_25p(own_car):
    _scheme, _coordinator, driver, car = own_car
    claim_for(driver, car, date(2026, 4, 6), 990)  # the first day of the tax year
    for week in range(1, 10):
        claim_for(driver, car, date(2026, 4, 6) + timedelta(weeks=week), 999)
    assert mileage.miles_claimed(driver, 2026) == 9981
    crossing = claim_for(driver, car, date(2026, 7, 1), 40)
    assert (crossing.miles_at_first_rate, crossing.miles_at_later_rate) == (19, 21)
    assert crossing.mileage_amount == Decimal("13.80")  # 19 x 45p + 21 x 25p
    after = claim_for(driver, car, date(2026, 7, 2), 10)
    assert (after.miles_at_first_rate, after.miles_at_later_rate, after.mileage_amount) == (
        0,
        10,
        Decimal("2.50"),
    )
    total = mileage.running_total(driver, 2026)
    assert (total.miles, total.miles_at_first_rate, total.miles_at_later_rate) == (10031, 10000, 31)
    assert total.mileage_amount == Decimal("4507.75")  # 10,000 x 45p + 31 x 25p


def test_miles_in_one_tax_year_do_not_count_in_the_next(own_car):
    _scheme, _coordinator, driver, car = own_car
    for week in range(11):
        claim_for(driver, car, date(2026, 4, 5) - timedelta(weeks=week), 999)  # to 5 April 2026
    assert mileage.miles_claimed(driver, 2025) == 10989
    next_year = claim_for(driver, car, date(2026, 4, 6), 30)
    assert next_year.tax_year == 2026 and next_year.miles_at_later_rate == 0
    assert next_year.mileage_amount == Decimal("13.50")


@pytest.mark.parametrize(
    ("day", "tax_year"),
    [
        (date(2026, 4, 5), 2025),
        (date(2026, 4, 6), 2026),
        (date(2027, 1, 1), 2026),
        (date(2026, 12, 31), 2026),
    ],
)
def test_the_tax_year_runs_from_6_april(day, tax_year):
    assert mileage.tax_year_of(day) == tax_year


def test_rejected_claims_do_not_count_towards_the_10000(own_car):
    _scheme, _coordinator, driver, car = own_car
    for week in range(10):
        claim_for(driver, car, date(2026, 4, 6) + timedelta(weeks=week), 999)
    MileageClaim.objects.filter(driver=driver).update(status=MileageClaim.Status.REJECTED)
    assert claim_for(driver, car, date(2026, 7, 1), 50).miles_at_later_rate == 0


def test_the_rate_in_force_on_the_day_is_used(own_car):
    _scheme, _coordinator, driver, car = own_car
    MileageRate.objects.create(
        applies_from=date(2026, 6, 1), first_rate=Decimal("0.55"), later_rate=Decimal("0.30")
    )
    assert claim_for(driver, car, date(2026, 5, 31), 10).mileage_amount == Decimal("4.50")
    assert claim_for(driver, car, date(2026, 6, 1), 10).mileage_amount == Decimal("5.50")


def test_no_rate_in_force_is_a_refusal_not_a_crash(own_car):
    _scheme, _coordinator, driver, car = own_car
    MileageRate.objects.all().delete()
    with pytest.raises(Refusal, match="No mileage rate applies"):
        claim_for(driver, car, date(2026, 5, 1), 10)
    assert Run.objects.get().end_odometer is None  # nothing half-saved


def test_the_passenger_supplement_is_paid_when_the_scheme_pays_it(own_car):
    scheme, _coordinator, driver, car = own_car
    scheme.passenger_supplement_per_mile = Decimal("0.05")
    scheme.save()
    claim = claim_for(driver, car, date(2026, 5, 4), 20, passenger_miles=30)
    assert claim.passenger_supplement == Decimal("1.50") and claim.total == Decimal("10.50")


def test_a_paid_driver_or_a_scheme_vehicle_makes_no_claim(own_car):
    scheme, coordinator, driver, _car = own_car
    minibus = make_vehicle(scheme, name="Scheme car")
    run = run_on(driver, minibus, date(2026, 5, 4))
    mileage.record_odometer(driver.user, run, start=100, end=130)
    assert not MileageClaim.objects.exists()
    with pytest.raises(Refusal) as refused:
        mileage.record_odometer(
            driver.user, run_on(driver, minibus, date(2026, 5, 5)), start=130, end=140, parking=2
        )
    assert "parking" in refused.value.message_dict
    paid = make_driver(scheme, name="Pam Paid", kind=Driver.Kind.PAID)
    paid_own = make_vehicle(scheme, name="Pam's car", owner=paid)
    mileage.record_odometer(paid.user, run_on(paid, paid_own, date(2026, 5, 4)), start=0, end=10)
    assert not MileageClaim.objects.exists()


@pytest.mark.parametrize(
    ("readings", "field", "message"),
    [
        ({"start": 100, "end": 90}, "end_odometer", "not be below the start"),
        ({"start": 100, "end": 1200}, "end_odometer", "1,100 miles in a day"),
        ({"start": "a lot", "end": 90}, "start_odometer", "whole number"),
        ({"start": -5, "end": 90}, "start_odometer", "whole number"),
        ({"start": 100, "end": 110, "parking": "-2"}, "parking", "pounds and pence"),
        ({"start": 100, "end": 110, "passenger_miles": 1000}, "passenger_miles", "check them"),
    ],
)
def test_bad_readings_are_refused_naming_the_field(own_car, readings, field, message):
    _scheme, _coordinator, driver, car = own_car
    run = run_on(driver, car, date(2026, 5, 4))
    with pytest.raises(Refusal) as refused:
        mileage.record_odometer(driver.user, run, **readings)
    assert message in refused.value.message_dict[field][0]
    run.refresh_from_db()
    assert run.end_odometer is None and not MileageClaim.objects.exists()


def test_readings_go_forward_are_recorded_once_and_not_before_the_day(own_car):
    _scheme, _coordinator, driver, car = own_car
    first = claim_for(driver, car, date(2026, 5, 4), 20, start=5000)
    with pytest.raises(Refusal) as refused:
        mileage.record_odometer(driver.user, first.run, start=5020, end=5030)
    assert "already recorded" in refused.value.message_dict["start_odometer"][0]
    with pytest.raises(Refusal) as refused:
        mileage.record_odometer(driver.user, run_on(driver, car, date(2026, 5, 5)), start=4000, end=4010)
    assert "last read 5,020" in refused.value.message_dict["start_odometer"][0]
    with pytest.raises(Refusal) as refused:
        mileage.record_odometer(driver.user, run_on(driver, car, coming()), start=5020, end=5030)
    assert "end_odometer" in refused.value.message_dict


def test_only_the_runs_driver_or_the_schemes_coordinators_record_it(own_car):
    scheme, coordinator, driver, car = own_car
    run = run_on(driver, car, date(2026, 5, 4))
    for outsider in (
        make_driver(scheme, name="Other Driver").user,
        UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
    ):
        with pytest.raises(NotVisible):
            mileage.record_odometer(outsider, run, start=0, end=10)
    mileage.record_odometer(coordinator, run, start=0, end=10)
    assert MileageClaim.objects.get(run=run).driver == driver


def test_recorded_miles_make_servicing_by_mileage_fall_due(own_car):
    scheme, coordinator, driver, car = own_car
    car.service_due_at_miles, car.odometer_miles = 12000, 11950
    car.save()
    claim_for(driver, car, date(2026, 5, 4), 60)
    passenger = make_passenger(scheme, coordinator)
    trip = make_trip(coordinator, passenger, scheme, coming())
    with pytest.raises(Refusal) as refused:
        assign_trip(coordinator, trip, driver, car)
    assert "due a service (at 12,000 miles)" in refused.value.message_dict["vehicle"][0]


def test_the_treasurers_csv_has_every_claim_with_running_miles(own_car):
    scheme, coordinator, driver, car = own_car
    driver.user.full_name = "=HYPERLINK(evil)"
    driver.user.save()
    for day in range(10):
        claim_for(driver, car, date(2026, 5, 4) + timedelta(days=day), 999)
    claim_for(driver, car, date(2026, 6, 1), 900)
    claim_for(driver, car, date(2026, 6, 2), 30)
    claim_for(driver, car, date(2025, 5, 6), 30)  # the tax year before: not in this export
    rows = list(csv.DictReader(io.StringIO(mileage.claims_csv(coordinator, scheme, 2026))))
    assert [row["miles"] for row in rows[-3:]] == ["999", "900", "30"]
    assert [row["driver's miles this tax year"] for row in rows[-3:]] == ["9990", "10890", "10920"]
    assert rows[-2]["miles at first rate"] == "10" and rows[-2]["miles at later rate"] == "890"
    assert rows[-2]["total"] == "227.00"  # 10 x 45p + 890 x 25p
    assert rows[0]["driver"] == "'=HYPERLINK(evil)"  # never run as a formula
    assert AuditEvent.objects.filter(actor=coordinator, action=AuditEvent.Action.EXPORT).exists()


def test_only_the_schemes_coordinators_export_claims(own_car):
    scheme, _coordinator, driver, _car = own_car
    for outsider in (driver.user, UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()])):
        with pytest.raises(NotPermitted):
            mileage.claims_csv(outsider, scheme, 2026)


def test_a_driver_sees_their_manifest_trip_then_records_the_run(own_car):
    scheme, coordinator, driver, car = own_car
    trip = make_trip(coordinator, make_passenger(scheme, coordinator), scheme, coming())
    run = assign_trip(coordinator, trip, driver, car).run
    Run.objects.filter(pk=run.pk).update(on=date(2026, 5, 4))  # as if the day had come
    mileage.record_odometer(driver.user, run, start=0, end=12)
    assert mileage.running_total(driver, 2026).total == Decimal("5.40")
