"""The vehicles' register (overdue — cannot be used, by assignment's own rules; a service, an MOT
and a permit recorded) and the claims for the treasurer (the tax year's claims with each driver's
running total, the CSV download, safe from spreadsheet formulas)."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import Refusal
from common.testing import sign_in
from transport import mileage
from transport.assignment import assign_trip
from transport.models import MileageRate, Run, Vehicle
from transport.tests.factories import (
    coming,
    make_driver,
    make_passenger,
    make_scheme,
    make_trip,
    make_vehicle,
)


@pytest.fixture
def scheme_and_coordinator(db):
    return make_scheme(name="Sale Moor community minibus")


def _client(client, user):
    sign_in(client, user)
    return client


def test_an_overdue_vehicle_says_it_cannot_be_used_and_assignment_agrees(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    today = timezone.localdate()
    bus = make_vehicle(
        scheme,
        "minibus",
        name="The Sale Moor bus",
        seats=12,
        service_due_at_miles=30000,
        odometer_miles=30010,
    )
    make_vehicle(scheme, name="Fine car", mot_expires_on=today + timedelta(days=100))
    text = _client(client, coordinator).get(reverse("transport:vehicles", args=[scheme.pk])).content.decode()
    assert "Overdue — cannot be used" in text and "due a service (at 30,000 miles)" in text
    assert "Can be used" in text
    driver = make_driver(scheme, drives_minibuses=True, has_d1_entitlement=True)
    trip = make_trip(coordinator, make_passenger(scheme, coordinator), scheme, coming())
    with pytest.raises(Refusal, match="due a service"):
        assign_trip(coordinator, trip, driver, bus)


def test_recording_a_service_makes_the_vehicle_usable_again(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    today = timezone.localdate()
    bus = make_vehicle(
        scheme, "minibus", seats=12, service_due_on=today - timedelta(days=2), odometer_miles=100
    )
    response = _client(client, coordinator).post(
        reverse("transport:record_service", args=[bus.pk]),
        {
            "serviced_on": today.isoformat(),
            "odometer_miles": "150",
            "next_due_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    bus.refresh_from_db()
    assert bus.odometer_miles == 150 and bus.service_due_on == today + timedelta(days=365)
    text = client.get(reverse("transport:vehicles", args=[scheme.pk])).content.decode()
    assert "Can be used" in text and "cannot be used" not in text


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"serviced_on": ""}, "Enter the date of the service"),
        ({"next_due_on": "", "next_due_at_miles": ""}, "Say when the next service is due"),
        ({"odometer_miles": "50"}, "cannot be below the last one"),
        ({"odometer_miles": "a lot"}, "whole number"),
        ({"next_due_at_miles": "90"}, "must be due after 100 miles"),
        ({"next_due_on": "(yesterday)"}, "must be due after this one"),
    ],
)
def test_bad_input_to_a_service_names_the_field_and_saves_nothing(
    client, scheme_and_coordinator, posted, message
):
    scheme, coordinator = scheme_and_coordinator
    today = timezone.localdate()
    bus = make_vehicle(scheme, "minibus", seats=12, service_due_on=today, odometer_miles=100)
    data = {
        "serviced_on": today.isoformat(),
        "next_due_on": (today + timedelta(days=200)).isoformat(),
    } | posted
    data = {k: (today - timedelta(days=1)).isoformat() if v == "(yesterday)" else v for k, v in data.items()}
    response = _client(client, coordinator).post(reverse("transport:record_service", args=[bus.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert (
        Vehicle.objects.get(pk=bus.pk).service_due_on == today
        and Vehicle.objects.get(pk=bus.pk).odometer_miles == 100
    )


def test_an_mot_and_a_permit_are_recorded_with_their_rules(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    today = timezone.localdate()
    bus = make_vehicle(scheme, "minibus", seats=12, mot_expires_on=today - timedelta(days=1))
    signed_in = _client(client, coordinator)
    mot = reverse("transport:record_mot", args=[bus.pk])
    too_long = signed_in.post(
        mot, {"tested_on": today.isoformat(), "expires_on": (today + timedelta(days=900)).isoformat()}
    )
    assert "An MOT lasts a year" in too_long.content.decode()
    assert (
        signed_in.post(
            mot, {"tested_on": today.isoformat(), "expires_on": (today + timedelta(days=364)).isoformat()}
        ).status_code
        == 302
    )
    permit = reverse("transport:record_permit", args=[bus.pk])
    assert (
        "Choose Section 19 or Section 22"
        in signed_in.post(
            permit, {"permit": "s99", "permit_number": "PH1", "expires_on": "1/1/2029"}
        ).content.decode()
    )
    assert (
        "Enter the permit number"
        in signed_in.post(permit, {"permit": "s19", "expires_on": "1/1/2029"}).content.decode()
    )
    ran_out = signed_in.post(
        permit,
        {"permit": "s19", "permit_number": "PH1", "expires_on": (today - timedelta(days=1)).isoformat()},
    )
    assert "already run out" in ran_out.content.decode()
    expires = today + timedelta(days=4 * 365)
    assert (
        signed_in.post(
            permit, {"permit": "s19", "permit_number": "PH1020304", "expires_on": expires.isoformat()}
        ).status_code
        == 302
    )
    bus.refresh_from_db()
    assert bus.mot_expires_on == today + timedelta(days=364)
    assert (bus.permit, bus.permit_number, bus.permit_expires_on) == ("s19", "PH1020304", expires)


def test_others_get_404_for_vehicles_and_claims(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    bus = make_vehicle(scheme, "minibus", seats=12)
    today = timezone.localdate().isoformat()
    pages = {
        reverse("transport:vehicles", args=[scheme.pk]): {},
        reverse("transport:record_service", args=[bus.pk]): {
            "serviced_on": today,
            "next_due_at_miles": "5000",
        },
        reverse("transport:record_mot", args=[bus.pk]): {"tested_on": today, "expires_on": "1/1/2030"},
        reverse("transport:record_permit", args=[bus.pk]): {
            "permit": "s19",
            "permit_number": "X",
            "expires_on": "1/1/2030",
        },
        reverse("transport:claims", args=[scheme.pk]): {},
        reverse("transport:claims_csv", args=[scheme.pk, 2026]): {},
    }
    others = [
        UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
        UserFactory(role=Role.RESIDENT, teams=[scheme.team]),
        UserFactory(role=Role.COMMISSIONER, teams=[scheme.team]),
    ]
    for user in others:
        signed_in = _client(client, user)
        for url, data in pages.items():
            assert signed_in.get(url).status_code == 404, (user.role, url)
            assert signed_in.post(url, data).status_code in (404, 405), (user.role, url)
        client.logout()
    assert client.get(reverse("transport:claims_csv", args=[scheme.pk, 2026])).status_code == 302
    bus.refresh_from_db()
    assert bus.service_due_at_miles is None and bus.mot_expires_on is None and bus.permit == ""


@pytest.fixture
def claims(db):
    """A volunteer whose own car has crossed 10,000 miles this tax year, and one with a name a
    spreadsheet would run as a formula."""
    MileageRate.objects.get_or_create(
        applies_from=date(2011, 4, 6), defaults={"first_rate": Decimal("0.45"), "later_rate": Decimal("0.25")}
    )
    scheme, coordinator = make_scheme(name="Sale volunteer cars")
    day = timezone.localdate()
    year = mileage.tax_year_of(day)
    start = date(year, 4, 6)
    made = []
    # At most 1,000 miles a run: ten runs of 999 miles on the tax year's first day, then 30 today.
    for name, runs in (("Dev Patel", [(start, 999)] * 10 + [(day, 30)]), ('=HYPERLINK("x")', [(day, 12)])):
        driver = make_driver(scheme, name=name)
        for number, (on, miles) in enumerate(runs):
            car = make_vehicle(scheme, name=f"{name}'s car {number}", owner=driver)
            run = Run.objects.create(driver=driver, vehicle=car, on=on)
            mileage.record_odometer(driver.user, run, start=0, end=miles)
        made.append(driver)
    return scheme, coordinator, year, made


def test_the_claims_page_shows_each_drivers_running_total_for_the_year(client, claims):
    scheme, coordinator, year, (dev, _) = claims
    text = _client(client, coordinator).get(reverse("transport:claims", args=[scheme.pk])).content.decode()
    assert "Dev Patel" in text
    assert "10020 miles" in text and "10000 at the first rate, 20 at the later" in text
    assert f"6 April {year} to 5 April {year + 1}" in text
    last_year = client.get(reverse("transport:claims", args=[scheme.pk]), {"year": year - 1}).content.decode()
    assert "Choose a tax year from the list" in last_year  # no claims then: not a year to choose


def test_the_csv_is_an_attachment_audited_and_safe_from_formulas(client, claims):
    scheme, coordinator, year, _ = claims
    response = _client(client, coordinator).get(reverse("transport:claims_csv", args=[scheme.pk, year]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    drivers = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in drivers and not any(d.startswith("=") for d in drivers)
    assert [row[-1] for row in rows[1:] if row[1] == "Dev Patel"][-2:] == ["9990", "10020"]
    assert AuditEvent.objects.filter(actor=coordinator, action="export").exists()
