"""A resident's own rides: asking for one (with a ride home), seeing it listed with the driver's
first name once assigned, cancelling it; and every way in for someone else refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from transport import services
from transport.assignment import assign_trip
from transport.models import Trip
from transport.tests.factories import at, coming, journey, make_driver, make_scheme, make_vehicle


@pytest.fixture
def rider(db):
    """A resident registered with a scheme (by its coordinator), who may bring an escort."""
    scheme, coordinator = make_scheme()
    resident = UserFactory(role=Role.RESIDENT, full_name="Rita Holt")
    passenger = services.register_passenger(
        coordinator,
        scheme,
        account=resident,
        escort_allowed=True,
        usual_places="Friendship lunch club, M33 7XZ\nSale Moor surgery",
    )
    return scheme, coordinator, resident, passenger


def _ask(**changes):
    day = coming(weekday=1)
    data = {
        "scheme": "",
        "pickup_address": "4 Cherry Lane, Sale",
        "pickup_postcode": "M33 5AB",
        "place": "usual:0",
        "destination": "",
        "destination_postcode": "",
        "on": day.isoformat(),
        "time_is": "pickup",
        "pickup_at": "10:30",
        "return_pickup_at": "14:00",
        "mobility_aid": "walker",
        "escorts": "1",
    }
    return data | changes


def test_a_resident_asks_for_a_ride_with_a_ride_home_and_sees_it_listed(client, rider):
    scheme, _coordinator, resident, passenger = rider
    sign_in(client, resident)
    form = client.get(reverse("transport:ride_request"))
    assert form.status_code == 200 and "Friendship lunch club, M33 7XZ" in form.content.decode()
    response = client.post(reverse("transport:ride_request"), _ask(scheme=scheme.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    outward, back = Trip.objects.filter(passenger=passenger).order_by("starts_at")
    assert outward.destination == "Friendship lunch club" and outward.destination_postcode == "M33 7XZ"
    assert outward.requested_via == Trip.RequestedVia.RESIDENT and outward.escorts == 1
    assert outward.mobility_aid == "walker"
    assert back.outward == outward and back.pickup_address == "Friendship lunch club"
    assert timezone.localtime(back.pickup_at).strftime("%H:%M") == "14:00"
    listed = client.get(reverse("transport:rides")).content.decode()
    assert listed.count("Cancel this ride") == 2 and "finding a driver" in listed


def test_the_driver_s_first_name_and_vehicle_show_once_assigned(client, rider):
    scheme, coordinator, resident, passenger = rider
    trip = services.request_trip(coordinator, passenger, scheme, journey(), pickup_at=at(coming(), 10))[0]
    driver = make_driver(scheme, name="Dev Anand Patel")
    assign_trip(coordinator, trip, driver, make_vehicle(scheme, name="Nellie"))
    page = sign_in(client, resident).get(reverse("transport:rides")).content.decode()
    assert "Dev, in Nellie" in page and "Patel" not in page and driver.user.email not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pickup_address": ""}, "pickup_address", "Enter the pick-up address"),
        ({"pickup_postcode": "NOT A PC"}, "pickup_postcode", "postcode"),
        ({"place": "elsewhere"}, "destination", "Enter where you are going"),
        ({"place": "usual:1"}, "destination_postcode", "Enter the postcode of where you are going"),
        ({"place": "usual:99"}, "place", "Select a valid choice"),
        ({"on": "31/02/2027"}, "on", "must be a real date"),
        ({"pickup_at": "25:00"}, "pickup_at", "must be a time"),
        ({"return_pickup_at": "09:00"}, "return_pickup_at", "after the outward journey ends"),
        ({"escorts": "4"}, "escorts", "Up to 3 people"),
        ({"escorts": "two"}, "escorts", "as a number"),
        ({"mobility_aid": "jetpack"}, "mobility_aid", "Select a valid choice"),
        ({"scheme": "999999"}, "scheme", "Choose one of your schemes"),
    ],
)
def test_bad_input_is_answered_on_its_field_and_nothing_is_saved(client, rider, changes, field, message):
    scheme, _coordinator, resident, passenger = rider
    sign_in(client, resident)
    response = client.post(reverse("transport:ride_request"), _ask(scheme=scheme.pk) | changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert not Trip.objects.filter(passenger=passenger).exists()


def test_a_time_in_the_past_is_refused_by_the_service_on_the_time(client, rider):
    scheme, _coordinator, resident, passenger = rider
    yesterday = timezone.localdate() - timedelta(days=1)
    response = sign_in(client, resident).post(
        reverse("transport:ride_request"), _ask(scheme=scheme.pk, on=yesterday.isoformat())
    )
    assert "cannot be in the past" in " ".join(response.context["form"].errors["pickup_at"])
    assert not Trip.objects.filter(passenger=passenger).exists()


def test_another_teams_scheme_is_not_offered_nor_accepted(client, rider):
    _scheme, _coordinator, resident, passenger = rider
    other, _ = make_scheme("Another scheme")
    response = sign_in(client, resident).post(reverse("transport:ride_request"), _ask(scheme=other.pk))
    assert "scheme" in response.context["form"].errors
    assert not Trip.objects.filter(passenger=passenger).exists()


def test_a_scheme_that_said_no_says_why_and_how_to_ask(client, rider):
    scheme, coordinator, resident, passenger = rider
    scheme.listing = ServiceFactory(phone="0161 496 0000", how_to_join="Ring Mon to Fri, 9 to 5.")
    scheme.save()
    services.decide_eligibility(
        coordinator, passenger, scheme, is_eligible=False, reason="We only go to M33."
    )
    page = sign_in(client, resident).get(reverse("transport:ride_request")).content.decode()
    assert "We only go to M33." in page and "0161 496 0000" in page and "Ring Mon to Fri" in page
    assert "<form" not in page.split("<main")[1]


def test_a_resident_without_a_passenger_record_sees_how_to_join(client, db):
    scheme, _ = make_scheme(who_can_use="Anyone over 60 in Sale Moor.")
    scheme.listing = ServiceFactory(phone="0161 496 0001", how_to_join="Ring us to join.")
    scheme.save()
    resident = UserFactory(role=Role.RESIDENT)
    sign_in(client, resident)
    for name in ("transport:rides", "transport:ride_request"):
        page = client.get(reverse(name)).content.decode()
        assert "Anyone over 60 in Sale Moor." in page and "Ring us to join." in page, name
        assert 'href="tel:01614960001"' in page
    assert client.post(reverse("transport:ride_request"), _ask(scheme=scheme.pk)).status_code == 200
    assert not Trip.objects.exists()


def test_cancelling_a_ride_a_week_away_cancels_it_and_its_return(client, rider):
    scheme, coordinator, resident, passenger = rider
    outward, back = services.request_trip(
        coordinator,
        passenger,
        scheme,
        journey(),
        pickup_at=at(coming(), 10),
        return_pickup_at=at(coming(), 14),
    )
    driver, car = make_driver(scheme), make_vehicle(scheme)
    assign_trip(coordinator, outward, driver, car)
    response = sign_in(client, resident).post(reverse("transport:cancel_ride", args=[outward.pk]))
    assert response.status_code == 302
    outward.refresh_from_db()
    back.refresh_from_db()
    assert (outward.status, back.status) == (Trip.Status.CANCELLED, Trip.Status.CANCELLED)
    assert outward.run is None and not driver.runs.exists()  # the driver and vehicle are freed
    assert "Your ride is cancelled." in client.get(reverse("transport:rides")).content.decode()


def test_cancelling_within_a_day_is_a_late_cancel_that_stays_on_the_drivers_manifest(client, rider):
    scheme, coordinator, resident, passenger = rider
    soon = (timezone.localtime() + timedelta(hours=2)).replace(second=0, microsecond=0)
    if soon.hour >= 22 or soon.hour < 1:  # the ride must not cross midnight
        soon = (soon + timedelta(hours=4)).replace(hour=1, minute=0)
    outward, back = services.request_trip(
        coordinator,
        passenger,
        scheme,
        journey(),
        pickup_at=soon,
        return_pickup_at=soon + timedelta(hours=1),
    )
    driver = make_driver(scheme, hours=(0, 23))
    assign_trip(coordinator, outward, driver, make_vehicle(scheme))
    response = sign_in(client, resident).post(
        reverse("transport:cancel_ride", args=[outward.pk]), follow=True
    )
    assert "late cancellation" in response.content.decode()
    outward.refresh_from_db()
    back.refresh_from_db()
    assert outward.status == Trip.Status.LATE_CANCEL and outward.run is not None
    assert "less than a day" in outward.outcome_reason
    assert back.status == Trip.Status.LATE_CANCEL and back.run is None  # it was never assigned


def test_a_cancelled_ride_cannot_be_cancelled_again(client, rider):
    scheme, coordinator, resident, passenger = rider
    trip = services.request_trip(coordinator, passenger, scheme, journey(), pickup_at=at(coming(), 10))[0]
    sign_in(client, resident)
    client.post(reverse("transport:cancel_ride", args=[trip.pk]))
    response = client.post(reverse("transport:cancel_ride", args=[trip.pk]), follow=True)
    assert "already cancelled" in response.content.decode()


def test_another_residents_ride_cannot_be_cancelled_or_seen(client, rider):
    scheme, coordinator, _resident, passenger = rider
    trip = services.request_trip(coordinator, passenger, scheme, journey(), pickup_at=at(coming(), 10))[0]
    for someone in (
        UserFactory(role=Role.RESIDENT),
        coordinator,
        UserFactory(role=Role.COORDINATOR),
    ):
        client.logout()
        sign_in(client, someone)
        assert client.post(reverse("transport:cancel_ride", args=[trip.pk])).status_code == 404
        assert "4 Cherry" not in client.get(reverse("transport:rides")).content.decode()
    trip.refresh_from_db()
    assert trip.status == Trip.Status.REQUESTED


def test_cancel_takes_only_a_post_and_a_whole_number(client, rider):
    _scheme, _coordinator, resident, _passenger = rider
    sign_in(client, resident)
    assert client.get("/transport/rides/1/cancel/").status_code == 405
    assert client.post("/transport/rides/99999999999999999999/cancel/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for name in ("transport:rides", "transport:ride_request"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
