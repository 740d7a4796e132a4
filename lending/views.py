"""Lending pages for coordinators (their organisation's editors), service providers and helpers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from common.forms import add_service_errors, error_summary

from . import forms, selectors, services
from .models import Errand, Item, Reservation


def _coordinated(request) -> Organisation:
    organisation = selectors.organisations_coordinated(request.user).first()
    if organisation is None:
        raise PermissionDenied
    return organisation


def _item(request, pk, *, provider_too: bool = False) -> Item:
    item = get_object_or_404(Item.objects.select_related("organisation", "service_provider"), pk=pk)
    allowed = (
        services.may_service
        if provider_too
        else (lambda user, it: services.coordinates(user, it.organisation))
    )
    if not allowed(request.user, item):
        raise PermissionDenied
    return item


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    organisation = _coordinated(request)
    today = timezone.localdate()
    waiting_form = forms.WaitingForm(
        request.POST if request.method == "POST" else None, initial={"wanted_from": today}
    )
    if request.method == "POST" and waiting_form.is_valid():
        try:
            services.join_waiting_list(request.user, organisation, **waiting_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(waiting_form, error)
        else:
            messages.success(request, "Added to the waiting list.")
            return redirect("lending:dashboard")
    return render(
        request,
        "lending/dashboard.html",
        {
            "organisation": organisation,
            **selectors.dashboard(organisation, today),
            "usage": selectors.usage(organisation, today),
            "today": today,
            "waiting_form": waiting_form,
            "errors": error_summary(waiting_form),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item(request, pk):
    """An item: its bookings, servicing, and a form to book it."""
    found = _item(request, pk, provider_too=True)
    coordinator = services.coordinates(request.user, found.organisation)
    today = timezone.localdate()
    form = forms.ReserveForm(request.POST if request.method == "POST" else None) if coordinator else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.reserve(request.user, found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Booked.")
            return redirect("lending:item", pk)
    return render(
        request,
        "lending/item.html",
        {
            "item": found,
            "bookings": selectors.calendar_for(found, today) if coordinator else [],
            "services_done": found.services.all()[:10],
            "servicing_due_on": services.servicing_due_on(found),
            "overdue_service": services.servicing_overdue(found, today),
            "form": form,
            "errors": error_summary(form) if form else [],
            "coordinator": coordinator,
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service(request, pk):
    """The service provider (or a coordinator) records a service."""
    found = _item(request, pk, provider_too=True)
    form = forms.ServiceForm(
        request.POST if request.method == "POST" else None, initial={"serviced_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_service(
                request.user, found, form.cleaned_data["serviced_on"], form.cleaned_data["notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The service of {found} is recorded.")
            return redirect("lending:item", pk)
    return render(
        request,
        "lending/form.html",
        {"form": form, "errors": error_summary(form), "item": found, "title": f"Record a service: {found}"},
    )


def _reservation(request, pk) -> Reservation:
    reservation = get_object_or_404(Reservation.objects.select_related("item__organisation"), pk=pk)
    if not services.coordinates(request.user, reservation.item.organisation):
        raise PermissionDenied
    return reservation


ACTIONS = {
    "lend": (
        forms.LendForm,
        lambda user, r, data: services.lend(user, r, **data),
        "Lend",
        "It is out on loan.",
    ),
    "return": (
        forms.ReturnForm,
        lambda user, r, data: services.take_back(user, r, **data),
        "Take back",
        "It is back.",
    ),
    "extend": (
        forms.ExtendForm,
        lambda user, r, data: services.extend(user, r, data["ends_on"]),
        "Extend",
        "Extended.",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def reservation_action(request, pk, action):
    reservation = _reservation(request, pk)
    if action not in ACTIONS:
        raise PermissionDenied
    form_class, act, verb, done = ACTIONS[action]
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act(request.user, reservation, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("lending:item", reservation.item_id)
    return render(
        request,
        "lending/form.html",
        {
            "form": form,
            "errors": error_summary(form),
            "item": reservation.item,
            "submit": verb,
            "title": f"{verb}: {reservation.item} for {reservation.borrower_name}",
        },
    )


@login_required
@require_POST
def cancel(request, pk):
    reservation = _reservation(request, pk)
    try:
        services.cancel(request.user, reservation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The booking is cancelled.")
    return redirect("lending:item", reservation.item_id)


@login_required
@require_http_methods(["GET", "POST"])
def errand(request, pk):
    reservation = _reservation(request, pk)
    form = forms.ErrandForm(
        request.POST if request.method == "POST" else None, helpers=Organisation.objects.order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.arrange_errand(request.user, reservation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The errand is arranged.")
            return redirect("lending:item", reservation.item_id)
    return render(
        request,
        "lending/form.html",
        {
            "form": form,
            "errors": error_summary(form),
            "item": reservation.item,
            "title": f"Delivery or collection: {reservation.item}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def errands(request):
    """A helper organisation's collections and deliveries."""
    mine = selectors.errands_for(request.user)
    if request.method == "POST":
        found = get_object_or_404(Errand, pk=request.POST.get("errand"))
        try:
            services.errand_done(request.user, found)
        except ValidationError:
            raise PermissionDenied from None
        messages.success(request, "Marked as done. Thank you.")
        return redirect("lending:errands")
    return render(request, "lending/errands.html", {"errands": mine})
