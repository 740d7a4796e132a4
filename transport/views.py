"""Community transport pages for coordinators: where each person starts, the day board, a trip,
assigning, outcomes, and asking for a ride for a passenger (with the person page's panel)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.dates import EARLIEST_EVENT, YEARS_AHEAD, years_from
from common.errors import NotVisible
from common.pages import LARGEST_ID, act, bind, form_page
from people.models import Person

from . import assignment, forms, permissions, selectors, services
from .models import Purpose, Run, Scheme, Trip


@login_required
@require_http_methods(["GET"])
def home(request):
    """Where each person starts: the schemes they coordinate, their own rides, their driving."""
    return render(
        request,
        "transport/home.html",
        {
            "schemes": list(selectors.schemes_coordinated(request.user).order_by("name")),
            "passenger": selectors.own_passenger_record(request.user),
            "drives": hasattr(request.user, "driver") and request.user.driver.is_active,
            "today": timezone.localdate(),
        },
    )


# --- The day board --------------------------------------------------------------------------------


@dataclass
class RunGroup:
    """Trips on the board under one heading: a run (driver and vehicle), or none yet."""

    run: Run | None
    trips: list[Trip] = field(default_factory=list)


def group_by_run(trips: list[Trip]) -> list[RunGroup]:
    """The unassigned trips first (those still open, then those not made), then each run in the
    order of its first trip; trips keep their time order within each group."""
    unassigned = RunGroup(None)
    runs: dict[int, RunGroup] = {}
    for trip in trips:
        if trip.run_id is None:
            unassigned.trips.append(trip)
        else:
            runs.setdefault(trip.run_id, RunGroup(trip.run)).trips.append(trip)
    unassigned.trips.sort(key=lambda t: (t.status not in Trip.OPEN, t.starts_at, t.pk))
    return ([unassigned] if unassigned.trips else []) + list(runs.values())


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    """The scheme, for its coordinators; 404 for anyone else, as for a scheme that does not exist."""
    scheme = Scheme.objects.filter(pk=pk).first()
    if scheme is None or not permissions.may_coordinate_scheme(request.user, scheme):
        raise Http404("No such scheme.")
    return scheme


def _day(value: str) -> date:
    """A day in the address, written 2026-12-08 and within the sensible range (``common.dates``);
    anything else is a page that does not exist."""
    try:
        day = date.fromisoformat(value) if ISO_DAY.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_EVENT <= day <= years_from(timezone.localdate(), YEARS_AHEAD):
        raise Http404("Not a day.")
    return day


@login_required
@require_http_methods(["GET"])
def board(request, pk, day=None):
    """A scheme's trips on a day (today without one), grouped by run, unassigned first; a date
    form (``?day=``) takes the coordinator to another day."""
    scheme = _scheme(request, pk)
    on = _day(day) if day is not None else timezone.localdate()
    date_form = forms.DayForm(request.GET if "day" in request.GET else None, initial={"day": on})
    if date_form.is_bound and date_form.is_valid():
        return redirect("transport:board", pk=scheme.pk, day=date_form.cleaned_data["day"].isoformat())
    trips = selectors.day_board(request.user, scheme, on)
    counts = {
        "trips": len(trips),
        "unassigned": sum(trip.status == Trip.Status.REQUESTED for trip in trips),
        "unmet": sum(trip.status == Trip.Status.UNMET for trip in trips),
    }
    return render(
        request,
        "transport/board.html",
        {
            "scheme": scheme,
            "on": on,
            "today": timezone.localdate(),
            "groups": group_by_run(trips),
            "counts": counts,
            "previous_day": on - timedelta(days=1),
            "next_day": on + timedelta(days=1),
            "date_form": date_form,
            "errors": [("id_day", error) for error in date_form.errors.get("day", [])],
        },
    )


# --- A trip, assigning, outcomes ------------------------------------------------------------------


def _trip(request: HttpRequest, pk: int) -> Trip:
    """The trip for its coordinators; its read is audited when a page shows it (a GET, or
    :func:`_trip_page` drawn after a POST), a change being audited by its own event."""
    try:
        return selectors.trip_for_coordinator(request.user, pk, audited=request.method == "GET")
    except NotVisible:
        raise Http404("No such trip.") from None


def _assignable(trip: Trip) -> bool:
    return trip.status in Trip.OPEN and trip.ends_at >= timezone.now()


def _trip_page(request: HttpRequest, trip: Trip) -> dict[str, Any]:
    """What the trip page shows besides its assign form (its passenger's read audited, when drawn
    after a POST)."""
    if request.method != "GET":
        selectors.record_trip_read(request.user, trip)
    suggestions = assignment.suggest_drivers(request.user, trip) if _assignable(trip) else None
    if suggestions is not None and trip.run is not None:  # its own run is no move
        suggestions.suggested[:] = [
            s
            for s in suggestions.suggested
            if (s.driver.pk, s.vehicle.pk) != (trip.run.driver_id, trip.run.vehicle_id)
        ]
    return {
        "trip": trip,
        "assignable": _assignable(trip),
        "suggestions": suggestions,
        "companions": selectors.run_companions(request.user, trip),
        "board_day": timezone.localdate(trip.starts_at).isoformat(),
        "may_record_outcome": trip.status in Trip.OPEN,
    }


def _assign_form(request: HttpRequest, trip: Trip) -> forms.AssignForm:
    return bind(
        request,
        forms.AssignForm,
        drivers=selectors.drivers_to_assign(request.user, trip.scheme),
        vehicles=selectors.vehicles_to_assign(request.user, trip.scheme),
    )


@login_required
@require_http_methods(["GET"])
def trip(request, pk):
    """A trip: its details, the drivers suggested for it (nearest first) and those left out with
    why, a form to assign any driver and vehicle, and the other trips on its run."""
    found = _trip(request, pk)
    form = _assign_form(request, found)
    return render(request, "transport/trip.html", _trip_page(request, found) | {"form": form, "errors": []})


@login_required
@require_POST
def assign(request, pk):
    """Put the trip on a driver's run in a vehicle (a suggestion's button, or the form). Every
    reason the service refuses is shown on the trip page; a trip already assigned is moved only
    when the page said so (``reassign``)."""
    found = _trip(request, pk)
    moving = request.POST.get("reassign") == "yes"
    return form_page(
        request,
        _assign_form(request, found),
        action=lambda data: assignment.assign_trip(
            request.user, found, data["driver"], data["vehicle"], reassign=moving
        ),
        template="transport/trip.html",
        next_url=reverse("transport:trip", args=[found.pk]),
        success=lambda done: f"{done.run.driver} will take this trip in {done.run.vehicle}.",
        context=lambda: _trip_page(request, found),
    )


@login_required
@require_POST
def unassign(request, pk):
    """Take the trip off its run: it waits for a driver again."""
    found = _trip(request, pk)
    return act(
        request,
        lambda: assignment.unassign_trip(request.user, found),
        next_url=reverse("transport:trip", args=[found.pk]),
        success="The trip is off its run and waits for a driver again.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request, pk):
    """What became of a trip, for its scheme's coordinators and its driver."""
    try:
        found = selectors.trip_for_outcome(request.user, pk, audited=request.method == "GET")
    except NotVisible:
        raise Http404("No such trip.") from None
    coordinator = permissions.may_coordinate_scheme(request.user, found.scheme)
    back = reverse("transport:trip", args=[found.pk]) if coordinator else reverse("transport:home")
    return form_page(
        request,
        bind(request, forms.OutcomeForm),
        action=lambda data: services.record_outcome(request.user, found, **data),
        template="transport/outcome.html",
        next_url=back,
        success=lambda done: f"Recorded: {done.get_status_display().lower()}.",
        context=lambda: _outcome_page(request, found, back),
    )


def _outcome_page(request: HttpRequest, trip: Trip, back: str) -> dict[str, Any]:
    """The outcome page's context; drawn after a POST (refused), its passenger's read is audited."""
    if request.method != "GET":
        selectors.record_trip_read(request.user, trip)
    return {"trip": trip, "back": back, "title": "What happened to this trip", "submit": "Record it"}


# --- Asking for a ride for a passenger ------------------------------------------------------------


def _prefill(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    """What ``?passenger=&introduction=`` fill in: the passenger, where they live, and the
    introduction's venue as the destination. Ids the requester may not see fill in nothing."""
    initial: dict[str, Any] = {"escorts": 0}
    wanted = request.GET.get("passenger", "")
    if not wanted.isdecimal() or int(wanted) > LARGEST_ID:
        return initial, None
    passenger = (
        selectors.passengers_visible_to(request.user)
        .filter(pk=wanted)
        .select_related("person__postcode", "home_postcode")
        .first()
    )
    if passenger is None:
        return initial, None
    initial["passenger"] = passenger.pk
    if passenger.postcode is not None:
        initial["pickup_postcode"] = passenger.postcode.postcode
    if passenger.person is not None and passenger.person.address:
        initial["pickup_address"] = " ".join(passenger.person.address.split())[:300]
    wanted = request.GET.get("introduction", "")
    introduction = (
        selectors.open_introductions(request.user, passenger).filter(pk=wanted).first()
        if wanted.isdecimal() and int(wanted) <= LARGEST_ID
        else None
    )
    if introduction is not None:
        initial["introduction"] = introduction.pk
        initial["purpose"] = Purpose.GROUP
        venue = selectors.venue_of(introduction)
        initial["destination"] = introduction.to_label
        if venue is not None:
            initial["destination"] = f"{introduction.to_label}, {venue.one_line_address}"[:300]
            initial["destination_postcode"] = venue.postal_code
    return initial, introduction


@login_required
@require_http_methods(["GET", "POST"])
def request_ride(request):
    """A coordinator or a link worker asks for a ride for a passenger they may see: outward and
    return, weekly if wanted; from a person's page, a ride to one of their introductions."""
    passengers = selectors.passengers_visible_to(request.user).select_related("person", "account")
    if not passengers.exists():
        raise Http404("No passengers to ask a ride for.")
    initial, introduction = _prefill(request)
    form = bind(
        request,
        forms.RequestForm,
        initial=initial,
        passengers=passengers.order_by("person__full_name", "account__full_name", "pk"),
        schemes=selectors.schemes_to_request(request.user),
        introductions=selectors.open_introductions_for(request.user),
    )

    def ask(data: dict[str, Any]) -> list[Trip]:
        journey = services.Journey(
            data["pickup_address"], data["pickup_postcode"], data["destination"], data["destination_postcode"]
        )
        return services.request_trip(request.user, data["passenger"], data["scheme"], journey, **form.ride())

    def next_url(made: list[Trip]) -> str:
        first = made[0]
        if permissions.may_coordinate_scheme(request.user, first.scheme):
            return reverse("transport:trip", args=[first.pk])
        if first.passenger.person_id is not None:
            return reverse("people:person", args=[first.passenger.person_id])
        return reverse("transport:home")

    return form_page(
        request,
        form,
        action=ask,
        template="transport/request.html",
        next_url=next_url,
        success=lambda made: (
            f"Asked for {len(made)} {'trip' if len(made) == 1 else 'trips'}. "
            f"{made[0].scheme}'s coordinators will find a driver."
        ),
        context={"title": "Ask for a ride", "introduction": introduction},
    )


def rides_panel(request: HttpRequest, person: Person) -> str | None:
    """The person page's panel (``people.registries.person_panels``): for someone who may ask for
    rides for the person's passenger record, their coming rides and a "Book a ride" link for each
    introduction still open. Nothing when they have no passenger record or the viewer may not."""
    passenger = selectors.passengers_visible_to(request.user).filter(person=person).first()
    if passenger is None:
        return None
    return render_to_string(
        "transport/_rides_panel.html",
        {
            "person": person,
            "passenger": passenger,
            "rides": selectors.coming_rides(request.user, passenger),
            "introductions": list(selectors.open_introductions(request.user, passenger)),
        },
        request=request,
    )
