"""The drivers' compliance register and a driver's page: each check's standing (expired, expires in
N days, in date, none recorded), recording a check, availability, leave and passengers kept apart;
bad input named by field; another team's coordinator, a resident and a visitor get 404."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.errors import NotPermitted, Refusal
from common.testing import sign_in
from transport import drivers
from transport.assignment import assign_trip
from transport.models import Availability, ComplianceCheck, Leave, PairingExclusion
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
    return make_scheme()


def _client(client, user):
    sign_in(client, user)
    return client


def _check(driver, kind, checked_days_ago, expires_in_days):
    today = timezone.localdate()
    return ComplianceCheck.objects.create(
        driver=driver,
        kind=kind,
        checked_on=today - timedelta(days=checked_days_ago),
        expires_on=today + timedelta(days=expires_in_days),
    )


def _register(client, scheme):
    return client.get(reverse("transport:drivers", args=[scheme.pk])).content.decode()


def test_the_register_shows_each_checks_standing(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, name="Dev Patel", checks=())
    _check(driver, "licence", 300, 200)
    _check(driver, "dbs", 1000, 12)
    text = _register(_client(client, coordinator), scheme)
    assert "Dev Patel" in text
    assert "In date" in text and "Expires in 12 days" in text and "govuk-tag--yellow" in text
    assert "cannot be assigned" not in text


def test_an_expired_check_is_red_and_says_the_driver_cannot_be_assigned(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, name="Dev Patel", checks=("licence",))
    _check(driver, "dbs", 1200, -3)
    text = _register(_client(client, coordinator), scheme)
    assert "Expired" in text and "govuk-tag--red" in text
    assert "Dev Patel cannot be assigned" in text


def test_the_register_agrees_with_assignment_about_a_missing_midas(client, scheme_and_coordinator):
    """A minibus driver without D1 needs MiDAS: the register says so, and assignment refuses."""
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, name="Mo Khan", checks=("licence", "dbs"), drives_minibuses=True)
    minibus = make_vehicle(scheme, "minibus", seats=12)
    passenger = make_passenger(scheme, coordinator)
    trip = make_trip(coordinator, passenger, scheme, coming())
    text = _register(_client(client, coordinator), scheme)
    assert "MiDAS minibus driver assessment" in text and "None recorded" in text
    assert "Mo Khan cannot be assigned" in text
    with pytest.raises(Refusal, match="MiDAS"):
        assign_trip(coordinator, trip, driver, minibus)


def test_recording_a_dbs_check_puts_it_in_date(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, checks=("licence",))
    today = timezone.localdate()
    signed_in = _client(client, coordinator)
    response = signed_in.post(
        reverse("transport:driver", args=[driver.pk]),
        {
            "kind": "dbs",
            "reference": "001234567890",
            "checked_on": today.isoformat(),
            "expires_on": (today + timedelta(days=3 * 365)).isoformat(),
        },
    )
    assert response.status_code == 302
    check = ComplianceCheck.objects.get(driver=driver, kind="dbs")
    assert check.reference == "001234567890" and check.recorded_by == coordinator
    assert "cannot be assigned" not in _register(signed_in, scheme)


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"kind": ""}, "Choose which check"),
        ({"kind": "pilot"}, "Choose which check"),
        ({"checked_on": "31/02/2026"}, "must be a real date"),
        ({"checked_on": "(tomorrow)"}, "cannot be in the future"),
        ({"expires_on": "(checked)"}, "must run out after the day it was made"),
        ({"expires_on": "1/1/2099"}, ""),
        ({"reference": "x" * 101}, "100 characters or fewer"),
    ],
)
def test_bad_input_to_a_check_names_the_field_and_saves_nothing(
    client, scheme_and_coordinator, posted, message
):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, checks=())
    today = timezone.localdate()
    data = {
        "kind": "dbs",
        "checked_on": today.isoformat(),
        "expires_on": (today + timedelta(days=900)).isoformat(),
    }
    data |= posted
    data = {
        k: {"(tomorrow)": (today + timedelta(days=1)).isoformat(), "(checked)": data["checked_on"]}.get(v, v)
        for k, v in data.items()
    }
    response = _client(client, coordinator).post(reverse("transport:driver", args=[driver.pk]), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert message in response.content.decode()
    assert not ComplianceCheck.objects.filter(driver=driver).exists()


def test_availability_is_added_and_removed_and_overlaps_are_refused(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, checks=(), hours=(9, 12))
    Availability.objects.filter(driver=driver).exclude(weekday=0).delete()
    signed_in = _client(client, coordinator)
    url = reverse("transport:add_availability", args=[driver.pk])
    clash = signed_in.post(url, {"weekday": "0", "starts_at": "11:00", "ends_at": "14:00"})
    assert clash.status_code == 200 and "already free then" in clash.content.decode()
    backwards = signed_in.post(url, {"weekday": "1", "starts_at": "14:00", "ends_at": "11:00"})
    assert "The end must be after the start" in backwards.content.decode()
    assert (
        "Choose a day"
        in signed_in.post(url, {"weekday": "9", "starts_at": "9:00", "ends_at": "10:00"}).content.decode()
    )
    assert signed_in.post(url, {"weekday": "1", "starts_at": "13:00", "ends_at": "17:30"}).status_code == 302
    added = Availability.objects.get(driver=driver, weekday=1)
    assert (added.starts_at, added.ends_at) == (time(13), time(17, 30))
    remove = reverse("transport:remove_availability", args=[driver.pk, added.pk])
    assert signed_in.post(remove).status_code == 302
    assert not Availability.objects.filter(pk=added.pk).exists()


def test_leave_is_recorded_and_blocks_assignment(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme)
    car = make_vehicle(scheme, owner=driver)
    trip = make_trip(coordinator, make_passenger(scheme, coordinator), scheme, coming())
    day = coming().isoformat()
    signed_in = _client(client, coordinator)
    url = reverse("transport:record_leave", args=[driver.pk])
    backwards = signed_in.post(url, {"starts_on": day, "ends_on": (coming() - timedelta(days=1)).isoformat()})
    assert "The last day must be on or after the first" in backwards.content.decode()
    assert signed_in.post(url, {"starts_on": day, "ends_on": day}).status_code == 302
    assert Leave.objects.filter(driver=driver).count() == 1
    with pytest.raises(Refusal, match="on leave"):
        assign_trip(coordinator, trip, driver, car)


def test_a_driver_is_kept_apart_from_a_passenger(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme)
    car = make_vehicle(scheme, owner=driver)
    passenger = make_passenger(scheme, coordinator, name="Edna Marsh")
    trip = make_trip(coordinator, passenger, scheme, coming())
    signed_in = _client(client, coordinator)
    url = reverse("transport:keep_apart", args=[driver.pk])
    assert "Edna Marsh" in signed_in.get(url).content.decode()
    assert "Choose a passenger" in signed_in.post(url, {}).content.decode()
    assert signed_in.post(url, {"passenger": passenger.pk, "reason": "She asked."}).status_code == 302
    assert PairingExclusion.objects.get(driver=driver, passenger=passenger).reason == "She asked."
    assert "Edna Marsh" in signed_in.get(reverse("transport:driver", args=[driver.pk])).content.decode()
    with pytest.raises(Refusal, match="not to be paired"):
        assign_trip(coordinator, trip, driver, car)


def test_another_teams_passenger_cannot_be_chosen_to_keep_apart(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme)
    other_scheme, other_coordinator = make_scheme(name="Elsewhere")
    theirs = make_passenger(other_scheme, other_coordinator, name="Bert Elsewhere")
    signed_in = _client(client, coordinator)
    url = reverse("transport:keep_apart", args=[driver.pk])
    assert "Bert Elsewhere" not in signed_in.get(url).content.decode()
    response = signed_in.post(url, {"passenger": theirs.pk})
    assert "Choose a passenger from the list" in response.content.decode()
    assert not PairingExclusion.objects.exists()


def test_others_get_404_for_the_register_and_a_drivers_pages(client, scheme_and_coordinator):
    scheme, coordinator = scheme_and_coordinator
    driver = make_driver(scheme, checks=())
    slot = driver.availability.first()
    today = timezone.localdate().isoformat()
    pages = {
        reverse("transport:drivers", args=[scheme.pk]): {},
        reverse("transport:driver", args=[driver.pk]): {
            "kind": "dbs",
            "checked_on": today,
            "expires_on": "1/1/2029",
        },
        reverse("transport:add_availability", args=[driver.pk]): {
            "weekday": 1,
            "starts_at": "1:00",
            "ends_at": "2:00",
        },
        reverse("transport:record_leave", args=[driver.pk]): {"starts_on": today, "ends_on": today},
        reverse("transport:keep_apart", args=[driver.pk]): {},
        reverse("transport:remove_availability", args=[driver.pk, slot.pk]): {},
    }
    others = [
        UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
        UserFactory(role=Role.RESIDENT, teams=[scheme.team]),
        driver.user,  # the driver themselves: their record is the coordinators'
    ]
    for user in others:
        signed_in = _client(client, user)
        for url, data in pages.items():
            assert signed_in.get(url).status_code in (404, 405), (user, url)
            assert signed_in.post(url, data).status_code in (404, 405), (user, url)
        client.logout()
    assert client.get(reverse("transport:drivers", args=[scheme.pk])).status_code == 302
    assert not ComplianceCheck.objects.filter(driver=driver).exists()
    assert driver.availability.count() == 7 and not driver.leave.exists()


def test_the_services_refuse_someone_who_does_not_coordinate_the_drivers_scheme(scheme_and_coordinator):
    scheme, _ = scheme_and_coordinator
    driver = make_driver(scheme)
    stranger = UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()])
    today = timezone.localdate()
    with pytest.raises(NotPermitted):
        drivers.record_check(
            stranger, driver, kind="dbs", checked_on=today, expires_on=today + timedelta(days=9)
        )
    with pytest.raises(NotPermitted):
        drivers.record_leave(stranger, driver, starts_on=today, ends_on=today)
