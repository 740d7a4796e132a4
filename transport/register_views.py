"""The coordinators' registers: a scheme's passengers and their eligibility, its drivers and their
compliance, its vehicles, and the mileage claims for the treasurer. Every page is for the scheme's
coordinators; anyone else is answered as if the scheme (or the record) did not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import refusals_as_http
from common.pages import act, bind, form_page
from people.selectors import people_visible_to

from . import drivers as driver_actions
from . import mileage, selectors, services
from . import register_forms as forms
from . import register_selectors as registers
from . import vehicles as vehicle_actions
from .models import Availability

REGISTERS = "transport/registers/"


def _scheme(request, pk):
    with refusals_as_http():
        return registers.coordinated_scheme(request.user, pk)


# --- Passengers ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def passengers(request, pk):
    """The scheme's passengers with their eligibility, searchable by name."""
    scheme = _scheme(request, pk)
    search = forms.SearchForm(request.GET or None)
    words = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    return render(
        request,
        REGISTERS + "passengers.html",
        {
            "scheme": scheme,
            "search": search,
            "words": words,
            "rows": [
                (e, registers.passenger_name(e.passenger))
                for e in registers.scheme_passengers(request.user, scheme, words)
            ],
        },
    )


def _noted(data: dict) -> dict:
    names = ("mobility_aid", "has_mobility_need", "is_isolated", "escort_allowed", "notes_for_driver",
             "usual_places", "date_of_birth")  # fmt: skip
    return {name: data[name] for name in names}


@login_required
@require_http_methods(["GET", "POST"])
def register_passenger(request, pk):
    """Register someone on the team's records: find them by name, then note what their rides need."""
    scheme = _scheme(request, pk)
    search = forms.SearchForm(request.GET or None)
    words = search.cleaned_data["q"].strip() if search.is_bound and search.is_valid() else ""
    people = people_visible_to(request.user).order_by("full_name")
    found = people.filter(full_name__icontains=words)[:20] if words else people.none()
    return form_page(
        request,
        bind(request, forms.PassengerFromRecordForm, people=people),
        action=lambda data: services.register_passenger(
            request.user, scheme, person=data["person"], **_noted(data)
        ),
        template=REGISTERS + "register.html",
        next_url=lambda passenger: reverse("transport:passenger", args=[passenger.pk]),
        success=f"Registered with {scheme}, and assessed.",
        context={
            "scheme": scheme,
            "search": search,
            "words": words,
            "found": list(found),
            "title": f"Register a passenger: {scheme}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_new_passenger(request, pk):
    """Register someone the team has no record of: their record is started with their agreement."""
    scheme = _scheme(request, pk)
    return form_page(
        request,
        bind(request, forms.NewPassengerForm),
        action=lambda data: services.register_new_passenger(
            request.user,
            scheme,
            full_name=data["full_name"],
            postcode=data["postcode"],
            consent_method=data["consent_method"],
            **_noted(data),
        ),
        template=REGISTERS + "form.html",
        next_url=lambda passenger: reverse("transport:passenger", args=[passenger.pk]),
        success=f"Registered with {scheme}, and assessed.",
        context={
            "scheme": scheme,
            "back": reverse("transport:passengers", args=[scheme.pk]),
            "back_label": f"Back to {scheme}'s passengers",
            "title": "Register someone new",
            "submit": "Register",
        },
    )


def _passenger(request, pk):
    """The passenger: a page's reading of them is audited; a change is audited by its service."""
    with refusals_as_http():
        if request.method == "GET":
            return selectors.passenger_for_viewer(request.user, pk)
        return registers.passenger_to_change(request.user, pk)


@login_required
@require_http_methods(["GET"])
def passenger(request, pk):
    """A passenger: what is noted for their rides, their eligibility for each scheme the viewer
    coordinates, and their coming and past trips there."""
    found = _passenger(request, pk)
    coming, past = registers.passenger_trips(request.user, found)
    return render(
        request,
        REGISTERS + "passenger.html",
        {
            "passenger": found,
            "name": registers.passenger_name(found),
            "schemes": registers.passenger_schemes(request.user, found),
            "coming": coming,
            "past": past,
        },
    )


@login_required
@require_POST
def assess_passenger(request, pk, scheme_pk):
    """Assess the passenger against the scheme's rules again."""
    found = _passenger(request, pk)
    scheme = _scheme(request, scheme_pk)
    return act(
        request,
        lambda: services.assess_eligibility(request.user, found, scheme),
        next_url=reverse("transport:passenger", args=[found.pk]),
        success=lambda e: f"Assessed: {'they may' if e.is_eligible else 'they may not'} use {scheme}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide_eligibility(request, pk, scheme_pk):
    """The coordinator decides whether the passenger may use the scheme, saying why when not."""
    found = _passenger(request, pk)
    scheme = _scheme(request, scheme_pk)
    return form_page(
        request,
        bind(request, forms.DecisionForm),
        action=lambda data: services.decide_eligibility(request.user, found, scheme, **data),
        template=REGISTERS + "form.html",
        next_url=reverse("transport:passenger", args=[found.pk]),
        success="Your decision is recorded.",
        context={
            "back": reverse("transport:passenger", args=[found.pk]),
            "back_label": "Back to the passenger",
            "title": f"Decide: may {registers.passenger_name(found)} use {scheme}?",
            "submit": "Record the decision",
        },
    )


# --- Drivers ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def drivers(request, pk):
    """The compliance register: each driver, what they drive and each check's standing."""
    scheme = _scheme(request, pk)
    today = timezone.localdate()
    return render(
        request,
        REGISTERS + "drivers.html",
        {"scheme": scheme, "rows": registers.compliance_register(scheme, today), "today": today},
    )


def _driver(request, pk):
    with refusals_as_http():
        return registers.driver_for_coordinator(request.user, pk)


def _driver_page(driver) -> str:
    return reverse("transport:driver", args=[driver.pk])


@login_required
@require_http_methods(["GET", "POST"])
def driver(request, pk):
    """A driver's record: their checks (with a form to record one), weekly availability, leave and
    the passengers they are kept apart from."""
    found = _driver(request, pk)
    today = timezone.localdate()
    return form_page(
        request,
        bind(request, forms.CheckForm),
        action=lambda data: driver_actions.record_check(request.user, found, **data),
        template=REGISTERS + "driver.html",
        next_url=_driver_page(found),
        success=lambda check: f"Recorded: {check.get_kind_display()}, to {check.expires_on:%-d %B %Y}.",
        context={
            "driver": found,
            "standing": registers.driver_standing(found, today),
            "history": found.checks.order_by("kind", "-expires_on"),
            "availability": found.availability.all(),
            "leave": found.leave.filter(ends_on__gte=today),
            "exclusions": [
                (e, registers.passenger_name(e.passenger))
                for e in registers.driver_exclusions(request.user, found)
            ],
            "schemes": registers.driver_schemes(request.user, found),
            "title": f"{found}: driver",
            "submit": "Record the check",
        },
    )


def _driver_form(request, found, form_class, action, title, success, **form_kwargs):
    return form_page(
        request,
        bind(request, form_class, **form_kwargs),
        action=action,
        template=REGISTERS + "form.html",
        next_url=_driver_page(found),
        success=success,
        context={"back": _driver_page(found), "back_label": f"Back to {found}", "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_availability(request, pk):
    found = _driver(request, pk)
    return _driver_form(
        request,
        found,
        forms.AvailabilityForm,
        lambda data: driver_actions.add_availability(request.user, found, **data),
        f"A time {found} is free each week",
        lambda slot: f"Added: {slot}.",
    )


@login_required
@require_POST
def remove_availability(request, pk, slot_pk):
    found = _driver(request, pk)
    slot = get_object_or_404(Availability, pk=slot_pk, driver=found)
    return act(
        request,
        lambda: driver_actions.remove_availability(request.user, slot),
        next_url=_driver_page(found),
        success=f"Removed: {slot}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_leave(request, pk):
    found = _driver(request, pk)
    return _driver_form(
        request,
        found,
        forms.LeaveForm,
        lambda data: driver_actions.record_leave(request.user, found, **data),
        f"Leave for {found}",
        "The leave is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def keep_apart(request, pk):
    found = _driver(request, pk)
    return _driver_form(
        request,
        found,
        forms.KeepApartForm,
        lambda data: driver_actions.keep_apart(request.user, found, data["passenger"], data["reason"]),
        f"Keep {found} apart from a passenger",
        f"{found} will not be given that passenger.",
        passengers=registers.passengers_to_keep_apart(request.user, found),
        name_of=registers.passenger_name,
    )


# --- Vehicles -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def vehicles(request, pk):
    """The scheme's vehicles, with what is overdue (and so why each cannot be used)."""
    scheme = _scheme(request, pk)
    today = timezone.localdate()
    return render(
        request,
        REGISTERS + "vehicles.html",
        {"scheme": scheme, "rows": registers.vehicles_register(scheme, today), "today": today},
    )


VEHICLE_FORMS = {
    "service": (
        forms.ServiceForm,
        vehicle_actions.record_vehicle_service,
        "Record a service",
        "The service is recorded.",
    ),
    "mot": (forms.MotForm, vehicle_actions.record_mot, "Record an MOT", "The MOT is recorded."),
    "permit": (
        forms.PermitForm,
        vehicle_actions.record_permit,
        "Record a new permit",
        "The permit is recorded.",
    ),
}


def _vehicle_page(request, pk, what):
    with refusals_as_http():
        found = registers.coordinated_vehicle(request.user, pk)
    form_class, change, title, success = VEHICLE_FORMS[what]
    back = reverse("transport:vehicles", args=[found.scheme_id])
    return form_page(
        request,
        bind(request, form_class),
        action=lambda data: change(request.user, found, **data),
        template=REGISTERS + "form.html",
        next_url=back,
        success=success,
        context={"back": back, "back_label": "Back to the vehicles", "title": f"{title}: {found}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_service(request, pk):
    return _vehicle_page(request, pk, "service")


@login_required
@require_http_methods(["GET", "POST"])
def record_mot(request, pk):
    return _vehicle_page(request, pk, "mot")


@login_required
@require_http_methods(["GET", "POST"])
def record_permit(request, pk):
    return _vehicle_page(request, pk, "permit")


# --- Claims -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def claims(request, pk):
    """The tax year's mileage claims for the scheme's vehicles, by driver with their running total,
    and the year's CSV for the treasurer."""
    scheme = _scheme(request, pk)
    today = timezone.localdate()
    years = registers.claim_years(scheme, today)
    year = mileage.tax_year_of(today)
    chooser = forms.TaxYearForm(request.GET or None, years=years, initial={"year": year})
    if chooser.is_bound and chooser.is_valid():
        year = chooser.cleaned_data["year"]
    return render(
        request,
        REGISTERS + "claims.html",
        {
            "scheme": scheme,
            "chooser": chooser,
            "errors": [("id_year", e) for e in chooser.errors.get("year", [])],
            "year": year,
            "rows": registers.claims_register(scheme, year),
        },
    )


@login_required
@require_http_methods(["GET"])
def claims_csv(request, pk, tax_year):
    """The tax year's claims as CSV for the treasurer (audited)."""
    scheme = _scheme(request, pk)
    with refusals_as_http():
        text = mileage.claims_csv(request.user, scheme, tax_year)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"mileage-claims-{scheme.pk}-{tax_year}-{str(tax_year + 1)[-2:]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
