"""The coordinators' pages: the day board, a trip with its suggested drivers, assigning and taking
off a run, outcomes, and asking for a ride (from a person's page too). Who may not gets 404 (or
403), bad input names its field and changes nothing, and the board's queries do not grow with
its trips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.testing import assert_denied, sign_in
from directory.models import Location, ServiceAtLocation
from directory.tests.factories import ServiceFactory
from people.models import Introduction
from people.tests.factories import PersonFactory
from places.tests.factories import PostcodeFactory
from transport import services
from transport.assignment import assign_trip
from transport.models import Passenger, Run, SchemeEligibility, Trip
from transport.tests.factories import (
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
def day(db):
    """A scheme with a coordinator, two passengers, two drivers (one nearer the pick-up) and a
    car, and a coming Monday with one trip each."""
    scheme, coordinator = make_scheme()
    edna = make_passenger(scheme, coordinator, name="Edna Marsh", escort_allowed=True)
    fred = make_passenger(scheme, coordinator, name="Fred Oldham")
    PostcodeFactory(postcode="M33 5AB", latitude=53.42, longitude=-2.31)
    near = make_driver(
        scheme, name="Nia Near", home_postcode=PostcodeFactory(latitude=53.421, longitude=-2.31)
    )
    far = make_driver(scheme, name="Fay Far", home_postcode=PostcodeFactory(latitude=53.5, longitude=-2.2))
    car = make_vehicle(scheme, name="The Corsa")
    monday = coming(0)
    trips = [
        make_trip(coordinator, edna, scheme, monday, 10),
        make_trip(coordinator, fred, scheme, monday, 9),
    ]
    return {
        "scheme": scheme,
        "coordinator": coordinator,
        "edna": edna,
        "fred": fred,
        "near": near,
        "far": far,
        "car": car,
        "monday": monday,
        "trips": trips,
    }


def board_url(d, on=None):
    return reverse("transport:board", args=[d["scheme"].pk, (on or d["monday"]).isoformat()])


def signed_in(client, user):
    sign_in(client, user)
    return client


# --- The day board --------------------------------------------------------------------------------


def test_the_board_shows_the_days_trips_in_time_order_unassigned_first_then_by_run(client, day):
    edna_trip, fred_trip = day["trips"]
    assign_trip(day["coordinator"], edna_trip, day["near"], day["car"])
    page = signed_in(client, day["coordinator"]).get(board_url(day)).content.decode()
    assert "2 trips · 1 needs a driver · 0 unmet" in page
    assert page.index("Not on a run") < page.index("Fred Oldham") < page.index("Nia Near in The Corsa")
    assert page.index("Nia Near in The Corsa") < page.index("Edna Marsh")
    assert "09:00 pick-up" in page and "12 Moss Lane, Sale, M33 5AB to Friendship lunch club" in page
    assert reverse("transport:trip", args=[fred_trip.pk]) in page
    before = board_url(day, day["monday"] - timedelta(days=1))
    assert before in page and board_url(day, day["monday"] + timedelta(days=1)) in page


def test_the_board_shows_mobility_aids_escorts_and_unmet_trips(client, day):
    edna_trip, fred_trip = day["trips"]
    Trip.objects.filter(pk=edna_trip.pk).update(escorts=2, mobility_aid="walker")
    Trip.objects.filter(pk=fred_trip.pk).update(status="unmet", outcome_reason="No driver free")
    page = signed_in(client, day["coordinator"]).get(board_url(day)).content.decode()
    assert "Walking frame or rollator · 2 escorts or guests" in page
    assert "2 trips · 1 needs a driver · 1 unmet" in page and "No driver free" in page


def test_the_board_without_a_day_is_today_and_its_date_form_goes_to_another_day(client, day):
    signed_in(client, day["coordinator"])
    today = client.get(reverse("transport:board", args=[day["scheme"].pk]), {"utm": "x"})
    assert f"Today, {timezone.localdate():%A} " in today.content.decode()
    assert "There is a problem" not in today.content.decode()
    went = client.get(reverse("transport:board", args=[day["scheme"].pk]), {"day": day["monday"].isoformat()})
    assert went.status_code == 302 and went.headers["Location"] == board_url(day)


@pytest.mark.parametrize("typed", ["31/02/2027", "someday", "1899-01-01"])
def test_a_bad_day_in_the_date_form_is_named_on_the_page(client, day, typed):
    response = signed_in(client, day["coordinator"]).get(
        reverse("transport:board", args=[day["scheme"].pk]), {"day": typed}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and "The day must" in page


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "20261201", "x", "0001-01-01", "9999-12-31"])
def test_a_day_that_is_not_one_in_the_address_is_not_found(client, day, bad):
    url = reverse("transport:board", args=[day["scheme"].pk, bad])
    assert signed_in(client, day["coordinator"]).get(url).status_code == 404


def test_the_boards_queries_do_not_grow_with_its_trips(client, day):
    signed_in(client, day["coordinator"])
    assign_trip(day["coordinator"], day["trips"][0], day["near"], day["car"])
    client.get(board_url(day))  # the session and the like settle
    with CaptureQueriesContext(connection) as few:
        assert client.get(board_url(day)).status_code == 200
    scheme, coordinator = day["scheme"], day["coordinator"]
    for hour in range(7, 19):
        other = make_passenger(scheme, coordinator, name=f"Passenger {hour}")
        trip = make_trip(coordinator, other, scheme, day["monday"], hour, journey=journey())
        if hour % 2:
            driver = make_driver(scheme, name=f"Driver {hour}")
            assign_trip(coordinator, trip, driver, make_vehicle(scheme, name=f"Car {hour}"))
    with CaptureQueriesContext(connection) as many:
        page = client.get(board_url(day)).content.decode()
    assert "14 trips" in page
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"] for q in many.captured_queries]


def test_the_board_is_audited_for_each_passenger_shown(client, day):
    signed_in(client, day["coordinator"]).get(board_url(day))
    shown = AuditEvent.objects.filter(actor=day["coordinator"], action="view", note="Transport day board.")
    assert {int(e.target_id) for e in shown} == {day["edna"].pk, day["fred"].pk}


# --- Who may not ---------------------------------------------------------------------------------


def outsiders(d):
    driver_user = d["near"].user
    return {
        "another team's coordinator": UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]),
        "a resident": UserFactory(role=Role.RESIDENT),
        "a driver of the scheme": driver_user,
        "an organisation editor on the team": UserFactory(
            role=Role.ORGANISATION_EDITOR, teams=[d["scheme"].team]
        ),
    }


def test_no_one_but_the_schemes_coordinators_gets_the_board_a_trip_or_assigning(client, day):
    trip = day["trips"][0]
    urls = [
        ("get", reverse("transport:board", args=[day["scheme"].pk])),
        ("get", board_url(day)),
        ("get", reverse("transport:trip", args=[trip.pk])),
        ("post", reverse("transport:assign", args=[trip.pk])),
        ("post", reverse("transport:unassign", args=[trip.pk])),
        ("get", reverse("transport:outcome", args=[trip.pk])),
        ("post", reverse("transport:outcome", args=[trip.pk])),
    ]
    data = {"driver": day["near"].pk, "vehicle": day["car"].pk, "outcome": "cancelled", "reason": "Ill"}
    for who, user in outsiders(day).items():
        signed_in(client, user)
        for method, url in urls:
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (who, url, response.status_code)
    client.logout()
    for method, url in urls:
        assert_denied(getattr(client, method)(url, data))
    trip.refresh_from_db()
    assert trip.status == "requested" and trip.run is None and not Run.objects.exists()
    assert "Edna" not in client.get(reverse("transport:trip", args=[trip.pk])).content.decode()


@pytest.mark.parametrize("bad", [0, 99999999, 2**63 - 1])
def test_a_trip_or_scheme_that_does_not_exist_is_not_found(client, day, bad):
    signed_in(client, day["coordinator"])
    assert client.get(reverse("transport:trip", args=[bad])).status_code == 404
    assert client.get(reverse("transport:board", args=[bad])).status_code == 404
    assert client.post(reverse("transport:assign", args=[bad])).status_code == 404


# --- A trip, its suggestions, assigning ----------------------------------------------------------


def test_a_trip_suggests_drivers_nearest_first_with_miles_and_leaves_out_others_with_why(client, day):
    scheme = day["scheme"]
    make_driver(scheme, name="Lou Lapsed", checks=("licence",))
    page = signed_in(client, day["coordinator"]).get(reverse("transport:trip", args=[day["trips"][0].pk]))
    text = page.content.decode()
    assert text.index("Nia Near") < text.index("Fay Far")
    assert "0.1 miles from the pick-up" in text
    assert "Drivers left out, and why (1)" in text and "Lou Lapsed has no DBS check on record." in text


def test_a_suggestions_button_assigns_and_the_trip_shows_its_run(client, day):
    edna_trip, fred_trip = day["trips"]
    assign_trip(day["coordinator"], fred_trip, day["near"], day["car"])
    signed_in(client, day["coordinator"])
    response = client.post(
        reverse("transport:assign", args=[edna_trip.pk]), {"driver": day["near"].pk, "vehicle": day["car"].pk}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).content.decode()
    assert "Nia Near will take this trip in The Corsa." in page
    assert "On the same run" in page and "Fred Oldham" in page
    assert "Move it to another driver" in page
    assert '<span class="govuk-visually-hidden"> Nia Near in The Corsa' not in page  # its own run is no move
    edna_trip.refresh_from_db()
    assert edna_trip.run == Trip.objects.get(pk=fred_trip.pk).run
    person = AuditEvent.objects.filter(action="update", target_id=str(day["edna"].person.pk))
    assert person.filter(note="Assigned a driver and vehicle to a trip.").exists()


def test_a_refused_assignment_shows_every_reason_in_the_error_summary_and_changes_nothing(client, day):
    edna_trip = day["trips"][0]
    lapsed = make_driver(day["scheme"], name="Lou Lapsed", checks=("licence",), hours=(14, 16))
    response = signed_in(client, day["coordinator"]).post(
        reverse("transport:assign", args=[edna_trip.pk]), {"driver": lapsed.pk, "vehicle": day["car"].pk}
    )
    page = response.content.decode()
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    assert response.status_code == 200
    assert "Lou Lapsed has no DBS check on record." in summary
    assert "is not available on Mondays from 10:00 to 10:45" in summary
    assert 'href="#id_driver"' in summary
    edna_trip.refresh_from_db()
    assert edna_trip.run is None and not Run.objects.exists()


def test_a_second_coordinator_assigning_the_same_trip_is_told_it_is_taken(client, day):
    edna_trip = day["trips"][0]
    assign_trip(day["coordinator"], edna_trip, day["near"], day["car"])
    other_car = make_vehicle(day["scheme"], name="The Fiesta")
    colleague = UserFactory(role=Role.COORDINATOR, teams=[day["scheme"].team])
    response = signed_in(client, colleague).post(
        reverse("transport:assign", args=[edna_trip.pk]), {"driver": day["far"].pk, "vehicle": other_car.pk}
    )
    assert "already assigned to Nia Near in The Corsa" in response.content.decode()
    assert Trip.objects.get(pk=edna_trip.pk).run.driver == day["near"]
    moved = client.post(
        reverse("transport:assign", args=[edna_trip.pk]),
        {"driver": day["far"].pk, "vehicle": other_car.pk, "reassign": "yes"},
    )
    assert moved.status_code == 302
    assert Trip.objects.get(pk=edna_trip.pk).run.driver == day["far"]
    assert not Run.objects.filter(driver=day["near"]).exists()  # the run left empty is gone


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a driver"),
        ({"driver": "x", "vehicle": "y"}, "Choose a driver from the list"),
        ({"driver": "99999999999999999999", "vehicle": "1"}, "Choose a driver from the list"),
    ],
)
def test_bad_assign_input_is_named_never_a_500(client, day, data, message):
    response = signed_in(client, day["coordinator"]).post(
        reverse("transport:assign", args=[day["trips"][0].pk]), data
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Run.objects.exists()


def test_another_schemes_driver_or_vehicle_cannot_be_chosen(client, day):
    other_scheme, other_coordinator = make_scheme("Other scheme")
    their_driver, their_car = make_driver(other_scheme, name="Oz Other"), make_vehicle(other_scheme)
    response = signed_in(client, day["coordinator"]).post(
        reverse("transport:assign", args=[day["trips"][0].pk]),
        {"driver": their_driver.pk, "vehicle": their_car.pk},
    )
    page = response.content.decode()
    assert "Choose a driver from the list" in page and "Choose a vehicle from the list" in page
    assert "Oz Other" not in page and not Run.objects.exists()


def test_taking_a_trip_off_its_run(client, day):
    edna_trip = day["trips"][0]
    assign_trip(day["coordinator"], edna_trip, day["near"], day["car"])
    response = signed_in(client, day["coordinator"]).post(reverse("transport:unassign", args=[edna_trip.pk]))
    assert response.status_code == 302
    edna_trip.refresh_from_db()
    assert edna_trip.status == "requested" and not Run.objects.exists()
    again = client.post(reverse("transport:unassign", args=[edna_trip.pk]), follow=True)
    assert "Only an assigned trip not yet made can be taken off its run." in again.content.decode()


# --- Outcomes -------------------------------------------------------------------------------------


def test_an_outcome_not_completed_needs_a_reason_beside_the_field(client, day):
    edna_trip = day["trips"][0]
    url = reverse("transport:outcome", args=[edna_trip.pk])
    response = signed_in(client, day["coordinator"]).post(url, {"outcome": "no_show", "reason": " "})
    page = response.content.decode()
    assert response.status_code == 200 and "Say why the trip was not completed." in page
    assert 'id="id_reason-error"' in page
    assert Trip.objects.get(pk=edna_trip.pk).status == "requested"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outcome": "teleported"}, "outcome", "Choose what happened from the list"),
        ({}, "outcome", "Choose what happened"),
        (
            {"outcome": "cancelled", "reason": "Ill", "fare": "-2"},
            "fare",
            "Enter the fare in pounds and pence",
        ),
        ({"outcome": "cancelled", "reason": "Ill", "donation": "lots"}, "donation", "Enter the donation in"),
        ({"outcome": "completed"}, "outcome", "Assign a driver and vehicle before"),
    ],
)
def test_bad_outcomes_are_named_and_change_nothing(client, day, data, field, message):
    response = signed_in(client, day["coordinator"]).post(
        reverse("transport:outcome", args=[day["trips"][0].pk]), data
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page and f'id="id_{field}' in page
    assert Trip.objects.get(pk=day["trips"][0].pk).status == "requested"


def test_a_coordinator_records_a_cancellation_and_the_return_goes_with_it(client, day):
    coordinator, scheme = day["coordinator"], day["scheme"]
    outward, back = services.request_trip(
        coordinator,
        day["fred"],
        scheme,
        journey(),
        pickup_at=at(day["monday"], 13),
        return_pickup_at=at(day["monday"], 16),
    )
    response = signed_in(client, coordinator).post(
        reverse("transport:outcome", args=[outward.pk]),
        {"outcome": "cancelled", "reason": "In hospital", "with_return": "on", "donation": "2.50"},
    )
    assert response.status_code == 302 and response.headers["Location"] == reverse(
        "transport:trip", args=[outward.pk]
    )
    outward.refresh_from_db()
    back.refresh_from_db()
    assert (outward.status, outward.outcome_reason, str(outward.donation)) == (
        "cancelled",
        "In hospital",
        "2.50",
    )
    assert back.status == "cancelled"


def test_the_trips_driver_records_its_outcome_and_another_driver_may_not(client, day):
    edna_trip = day["trips"][0]
    assign_trip(day["coordinator"], edna_trip, day["near"], day["car"])
    url = reverse("transport:outcome", args=[edna_trip.pk])
    signed_in(client, day["far"].user)
    assert client.get(url).status_code == 404
    signed_in(client, day["near"].user)
    page = client.get(url).content.decode()
    assert "Edna:" in page and "Marsh" not in page  # the driver is told the first name only
    response = client.post(url, {"outcome": "late_cancel", "reason": "Not ready when I called"})
    assert response.status_code == 302 and response.headers["Location"] == reverse("transport:home")
    assert Trip.objects.get(pk=edna_trip.pk).status == "late_cancel"


# --- Asking for a ride for a passenger -----------------------------------------------------------


def ride_data(d, **changes):
    data = {
        "passenger": d["edna"].pk,
        "scheme": d["scheme"].pk,
        "on": d["monday"].isoformat(),
        "pickup_at": "13:00",
        "return_pickup_at": "15:30",
        "pickup_address": "12 Moss Lane, Sale",
        "pickup_postcode": "M33 5AB",
        "destination": "Sale Moor surgery",
        "destination_postcode": "M33 2AA",
        "escorts": "1",
        "mobility_aid": "",
    }
    return data | changes


def test_a_coordinator_asks_for_a_ride_with_its_return(client, day):
    response = signed_in(client, day["coordinator"]).post(reverse("transport:request"), ride_data(day))
    assert response.status_code == 302
    made = Trip.objects.filter(passenger=day["edna"], destination="Sale Moor surgery").get()
    back = made.return_trip
    assert response.headers["Location"] == reverse("transport:trip", args=[made.pk])
    assert timezone.localtime(made.pickup_at).hour == 13 and made.escorts == 1
    assert (
        timezone.localtime(back.pickup_at).strftime("%H:%M") == "15:30"
        and back.destination == "12 Moss Lane, Sale"
    )


def test_a_weekly_ride_is_asked_for_every_week(client, day):
    until = (day["monday"] + timedelta(weeks=3)).isoformat()
    signed_in(client, day["coordinator"]).post(
        reverse("transport:request"), ride_data(day, repeats_weekly_until=until, return_pickup_at="")
    )
    made = Trip.objects.filter(passenger=day["edna"], destination="Sale Moor surgery")
    assert made.count() == 4 and len({t.series for t in made}) == 1
    assert {timezone.localtime(t.pickup_at).strftime("%H:%M") for t in made} == {"13:00"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pickup_at": "", "appointment_at": ""}, "pickup_at", "Give a pick-up time or an appointment time."),
        ({"pickup_postcode": "NOT A CODE"}, "pickup_postcode", ""),
        ({"destination": ""}, "destination", "Enter where they are going."),
        ({"on": "2020-01-06"}, "pickup_at", "The trip cannot be in the past."),
        ({"on": "31/02/2027"}, "on", "must be a real date"),
        ({"return_pickup_at": "12:00"}, "return_pickup_at", "must be after the outward journey ends"),
        ({"escorts": "9"}, "escorts", "Up to 3 escorts or guests"),
        ({"passenger": "x"}, "passenger", "Choose a passenger from the list"),
        ({"pickup_at": "25:00"}, "pickup_at", "The pick-up time must be a time"),
        ({"introduction": "99999"}, "passenger", "That introduction is not one you can book a ride to"),
    ],
)
def test_a_bad_ride_request_names_its_field_and_makes_nothing(client, day, changes, field, message):
    before = Trip.objects.count()
    response = signed_in(client, day["coordinator"]).post(
        reverse("transport:request"), ride_data(day, **changes)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert f'href="#id_{field}"' in page and message in page
    assert Trip.objects.count() == before


def test_a_passenger_of_another_team_cannot_be_chosen_or_named(client, day):
    other_scheme, other_coordinator = make_scheme("Elsewhere")
    stranger = make_passenger(other_scheme, other_coordinator, name="Stella Stranger")
    signed_in(client, day["coordinator"])
    form = client.get(reverse("transport:request"), {"passenger": stranger.pk}).content.decode()
    assert "Stella Stranger" not in form
    response = client.post(reverse("transport:request"), ride_data(day, passenger=stranger.pk))
    assert "Choose a passenger from the list" in response.content.decode()
    assert not Trip.objects.filter(passenger=stranger).exists()


def test_someone_who_sees_no_passengers_cannot_open_the_request_page(client, day):
    for user in (UserFactory(role=Role.RESIDENT), UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()])):
        assert signed_in(client, user).get(reverse("transport:request")).status_code == 404


@pytest.fixture
def introduced(day):
    """Edna has an open introduction to a lunch club meeting at a church hall, and an ended one."""
    person = day["edna"].person
    listing = ServiceFactory(name="Friendship lunch club")
    hall = Location.objects.create(
        name="Church hall", address_1="Northenden Road", city="Sale", postal_code="M33 2PW"
    )
    ServiceAtLocation.objects.create(service=listing, location=hall)
    open_one = Introduction.objects.create(person=person, listing=listing, status="introduced")
    ended = Introduction.objects.create(person=person, elsewhere="A choir", status="did_not_work_out")
    return day | {"introduction": open_one, "ended": ended}


def test_a_ride_to_an_introduction_is_prefilled_from_its_venue(client, introduced):
    d = introduced
    page = signed_in(client, d["coordinator"]).get(
        reverse("transport:request"), {"passenger": d["edna"].pk, "introduction": d["introduction"].pk}
    )
    text = page.content.decode()
    assert "A ride to their introduction to Friendship lunch club" in text
    assert 'value="Friendship lunch club, Northenden Road, Sale, M33 2PW"' in text
    assert 'value="M33 2PW"' in text
    data = ride_data(
        d,
        destination="Friendship lunch club, Northenden Road, Sale",
        destination_postcode="M33 2PW",
        introduction=d["introduction"].pk,
    )
    assert client.post(reverse("transport:request"), data).status_code == 302
    assert Trip.objects.filter(introduction=d["introduction"]).count() == 2  # there and back


def test_a_link_worker_who_sees_the_person_books_from_their_page(client, introduced):
    """A link worker of the person's own team, which does not run the scheme: the passenger was
    assessed for it by the scheme's team."""
    d = introduced
    team = TeamFactory()
    link_worker = UserFactory(role=Role.LINK_WORKER, teams=[team])
    person = PersonFactory(full_name="Lena Linked", team=team, coordinator=link_worker)
    passenger = Passenger.objects.create(person=person)
    SchemeEligibility.objects.create(
        passenger=passenger, scheme=d["scheme"], is_eligible=True, assessed_on=timezone.localdate()
    )
    introduction = Introduction.objects.create(person=person, listing=d["introduction"].listing)
    signed_in(client, link_worker)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Community transport" in page and "Book a ride to this introduction" in page
    assert f"passenger={passenger.pk}&amp;introduction={introduction.pk}" in page
    data = ride_data(d, passenger=passenger.pk, escorts="0", introduction=introduction.pk)
    response = client.post(reverse("transport:request"), data)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("people:person", args=[person.pk])
    made = Trip.objects.get(introduction=introduction, outward__isnull=True)
    assert made.requested_via == "link_worker"
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert (
        "Coming rides" in page and "Sale Moor surgery with Nellie the tuk-tuk · waiting for a driver" in page
    )
    assert client.get(reverse("transport:trip", args=[made.pk])).status_code == 404  # not their scheme


def test_the_panel_offers_only_open_introductions(client, introduced):
    d = introduced
    page = signed_in(client, d["coordinator"]).get(reverse("people:person", args=[d["edna"].person.pk]))
    text = page.content.decode()
    assert f"introduction={d['introduction'].pk}" in text and f"introduction={d['ended'].pk}" not in text


def test_no_rides_panel_without_a_passenger_record_or_for_someone_who_may_not(client, introduced):
    d = introduced
    lonely = PersonFactory(full_name="No Rides", team=d["scheme"].team)
    signed_in(client, d["coordinator"])
    assert (
        "Community transport" not in client.get(reverse("people:person", args=[lonely.pk])).content.decode()
    )
    assert not Passenger.objects.filter(person=lonely).exists()


def test_an_introduction_of_someone_else_cannot_be_booked_to(client, introduced):
    d = introduced
    response = signed_in(client, d["coordinator"]).post(
        reverse("transport:request"),
        ride_data(d, passenger=d["fred"].pk, escorts="0", introduction=d["introduction"].pk),
    )
    assert "Choose one of their own introductions." in response.content.decode()
    assert not Trip.objects.filter(introduction=d["introduction"]).exists()
