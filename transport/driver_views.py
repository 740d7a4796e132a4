"""A driver's pages: their manifest for a day (on a phone, or printed), recording a run's odometer
readings, and their mileage claims with the running total for the tax year. Someone who does not
drive is answered as if the pages did not exist."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.errors import Refusal, refusals_as_http
from common.pages import bind, form_page

from . import mileage, selectors
from .models import Driver
from .rider_forms import OdometerForm


def _day(text: str | None) -> date:
    if text is None:
        return timezone.localdate()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Http404("No such day.") from None
    if not 2000 <= day.year <= 2100:  # and the day before and after can still be written
        raise Http404("No such day.")
    return day


@login_required
@require_http_methods(["GET"])
def manifest(request, day: str | None = None):
    """The driver's trips on a day: times, first names, pick-ups, destinations, mobility aids,
    escorts, notes for the driver and the vehicle; nothing else about a passenger. Audited."""
    on = _day(day)
    with refusals_as_http():
        driver = selectors.own_driver(request.user)
    stops = selectors.manifest_for(driver, on)
    today = timezone.localdate()
    return render(
        request,
        "transport/driver/manifest.html",
        {
            "day": on,
            "today": today,
            "stops": stops,
            "runs": selectors.runs_of_driver(driver, on),
            "to_record": [] if on != today else selectors.runs_to_record(driver, today),
            "previous": on - timedelta(days=1),
            "next": on + timedelta(days=1),
        },
    )


def _claims(driver: Driver, run_vehicle_owner_id: int | None) -> bool:
    return driver.kind == Driver.Kind.VOLUNTEER and run_vehicle_owner_id == driver.pk


@login_required
@require_http_methods(["GET", "POST"])
def odometer(request, pk: int):
    """The driver records a run's start and end readings (and, in their own car, parking and
    passenger miles); the claim is then made at the rates in force. Anyone else's run: 404."""
    with refusals_as_http():
        run = selectors.own_run(request.user, pk)
    claims = _claims(run.driver, run.vehicle.owner_id)
    context = {
        "run": run,
        "title": f"Odometer: {run.vehicle.name}, {run.on:%A %-d %B}",
        "submit": "Save the readings",
        "claims": claims,
    }
    if run.end_odometer is not None:
        return render(request, "transport/driver/odometer_done.html", context)
    return form_page(
        request,
        bind(
            request,
            OdometerForm,
            claims=claims,
            supplement=run.vehicle.scheme.passenger_supplement_per_mile > 0,
            initial={"start_odometer": run.vehicle.odometer_miles or None},
        ),
        action=lambda data: mileage.record_odometer(
            request.user,
            run,
            start=data["start_odometer"],
            end=data["end_odometer"],
            parking=data.get("parking"),
            passenger_miles=data.get("passenger_miles") or 0,
        ),
        template="transport/driver/odometer.html",
        next_url=reverse("transport:driver_claims") if claims else reverse("transport:driving"),
        success=lambda saved: (
            f"The readings are saved: {saved.end_odometer - saved.start_odometer} miles."
            + (" Your claim is below." if claims else "")
        ),
        context=context,
    )


@login_required
@require_http_methods(["GET"])
def driver_claims(request):
    """The driver's mileage claims this tax year, with the running total (and where the first
    rate's miles run out)."""
    with refusals_as_http():
        driver = selectors.own_driver(request.user)
    today = timezone.localdate()
    tax_year = mileage.tax_year_of(today)
    total = mileage.running_total(driver, tax_year)
    try:
        rate = mileage.rate_on(today)
    except Refusal:
        rate = None
    return render(
        request,
        "transport/driver/claims.html",
        {
            "driver": driver,
            "tax_year": tax_year,
            "tax_year_ends": mileage.tax_year_bounds(tax_year)[1],
            "claims": list(selectors.claims_of_driver(driver, tax_year)),
            "total": total,
            "rate": rate,
            "first_rate_left": max(0, rate.threshold_miles - total.miles) if rate else None,
            "claims_anything": driver.kind == Driver.Kind.VOLUNTEER and driver.own_vehicles.exists(),
        },
    )
