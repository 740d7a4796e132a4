"""A resident's own rides: what is coming and what has been, asking for a ride (made for a phone),
and cancelling one. A resident without a passenger record is told how to join each scheme."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.pages import act, bind, form_page

from . import selectors, services
from .models import Trip
from .rider_forms import RideRequestForm


@login_required
@require_http_methods(["GET"])
def rides(request):
    """The resident's coming rides (with their driver's first name and vehicle once assigned) and
    their past ones; or, without a passenger record, the schemes and how to join them."""
    passenger = selectors.own_passenger_record(request.user)
    now = timezone.now()
    trips = list(selectors.rides_of(request.user).order_by("starts_at", "pk"))
    return render(
        request,
        "transport/rider/rides.html",
        {
            "passenger": passenger,
            "coming": [t for t in trips if t.ends_at >= now and t.status in Trip.OPEN],
            "past": [t for t in reversed(trips) if not (t.ends_at >= now and t.status in Trip.OPEN)][:20],
            "schemes": [] if passenger else list(selectors.schemes_listed()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ride_request(request):
    """The resident asks for a ride (and a ride home) from a scheme they may use."""
    passenger = selectors.own_passenger_record(request.user)
    if passenger is None:
        return render(
            request,
            "transport/rider/not_registered.html",
            {"schemes": list(selectors.schemes_listed())},
        )
    eligible, refused = selectors.schemes_for_passenger(passenger)
    context = {"title": "Ask for a ride", "submit": "Ask for the ride", "refused": refused}
    if not eligible:
        return render(request, "transport/rider/no_scheme.html", context)
    form = bind(request, RideRequestForm, passenger=passenger, schemes=eligible)

    def ask(data):
        wanted = form.request()
        return services.request_trip(
            request.user, passenger, wanted.pop("scheme"), wanted.pop("journey"), **wanted
        )

    return form_page(
        request,
        form,
        action=ask,
        template="transport/rider/request.html",
        next_url=reverse("transport:rides"),
        success=lambda made: (
            ("You have asked for a ride and a ride home." if len(made) > 1 else "You have asked for a ride.")
            + " The scheme will find a driver; you will see their name here."
        ),
        context=context,
    )


@login_required
@require_POST
def cancel_ride(request, pk):
    """The resident cancels a coming ride of theirs (anyone else's: 404)."""
    trip = get_object_or_404(selectors.rides_of(request.user), pk=pk)
    return act(
        request,
        lambda: services.cancel_own_ride(request.user, trip),
        next_url=reverse("transport:rides"),
        success=lambda done: (
            "Your ride is cancelled. As it was less than a day away, the scheme records it as a late "
            "cancellation."
            if done.status == Trip.Status.LATE_CANCEL
            else "Your ride is cancelled."
        ),
    )
