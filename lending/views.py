"""Lending pages for coordinators (their organisation's editors), service providers and helpers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from common.pages import act, bind, form_page, posted_id

from . import forms, permissions, selectors, services
from .models import Errand, Item, Reservation


def _coordinated(request) -> Organisation:
    organisation = selectors.organisations_coordinated(request.user).first()
    if organisation is None:
        raise PermissionDenied
    return organisation


def _item(request, pk, *, provider_too: bool = False) -> Item:
    item = get_object_or_404(Item.objects.select_related("organisation", "service_provider"), pk=pk)
    allowed = permissions.may_service_item if provider_too else permissions.may_coordinate_item
    if not allowed(request.user, item):
        raise PermissionDenied
    return item


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """The coordinator's dashboard. Someone whose organisation lends nothing but runs errands for
    others (the parish council's helper) is taken to their errands instead."""
    organisation = selectors.organisations_coordinated(request.user).first()
    lends = organisation is not None and selectors.lends_anything(organisation)
    if not lends and selectors.errands_for(request.user).exists():
        return redirect("lending:errands")
    if organisation is None:
        raise PermissionDenied
    today = timezone.localdate()
    waiting_form = bind(request, forms.WaitingForm, initial={"wanted_from": today})
    return form_page(
        request,
        waiting_form,
        action=lambda data: services.join_waiting_list(request.user, organisation, **data),
        template="lending/dashboard.html",
        next_url=reverse("lending:dashboard"),
        success="Added to the waiting list.",
        context={
            "organisation": organisation,
            **selectors.dashboard(organisation, today),
            "usage": selectors.usage(organisation, today),
            "today": today,
            "waiting_form": waiting_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item(request, pk):
    """An item: its bookings, servicing, and (for its coordinators) a form to book it."""
    found = _item(request, pk, provider_too=True)
    coordinator = permissions.may_coordinate_item(request.user, found)
    today = timezone.localdate()
    page = {
        "item": found,
        "bookings": selectors.calendar_for(found, today) if coordinator else [],
        "services_done": found.services.all()[:10],
        "servicing_due_on": services.servicing_due_on(found),
        "overdue_service": services.servicing_overdue(found, today),
        "coordinator": coordinator,
        "today": today,
    }
    if not coordinator:  # the service provider sees the item, and has nothing here to post
        return render(request, "lending/item.html", page | {"form": None, "errors": []})
    return form_page(
        request,
        bind(request, forms.ReserveForm),
        action=lambda data: services.reserve(request.user, found, **data),
        template="lending/item.html",
        next_url=reverse("lending:item", args=[pk]),
        success="Booked.",
        context=page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_item(request, pk=None):
    """A coordinator adds an item to lend, or changes one."""
    found = _item(request, pk) if pk else None
    organisation = found.organisation if found else _coordinated(request)
    return form_page(
        request,
        bind(
            request,
            forms.ItemForm,
            instance=found,
            providers=selectors.service_providers_choosable(organisation),
        ),
        action=lambda data: services.save_item(
            request.user, organisation, found, {name: data[name] for name in data}
        ),
        template="lending/item_form.html",
        next_url=lambda saved: reverse("lending:item", args=[saved.pk]),
        success=lambda saved: f"{saved.name} is saved.",
        context={"title": f"Change {found}" if found else "Add an item", "item": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def service(request, pk):
    """The service provider (or a coordinator) records a service."""
    found = _item(request, pk, provider_too=True)
    return form_page(
        request,
        bind(request, forms.ServiceForm, initial={"serviced_on": timezone.localdate()}),
        action=lambda data: services.record_service(request.user, found, data["serviced_on"], data["notes"]),
        template="lending/form.html",
        next_url=reverse("lending:item", args=[pk]),
        success=f"The service of {found} is recorded.",
        context={"item": found, "title": f"Record a service: {found}"},
    )


def _reservation(request, pk) -> Reservation:
    reservation = get_object_or_404(Reservation.objects.select_related("item__organisation"), pk=pk)
    if not permissions.may_coordinate_reservation(request.user, reservation):
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
    form_class, change, verb, done = ACTIONS[action]
    return form_page(
        request,
        bind(request, form_class),
        action=lambda data: change(request.user, reservation, data),
        template="lending/form.html",
        next_url=reverse("lending:item", args=[reservation.item_id]),
        success=done,
        context={
            "item": reservation.item,
            "submit": verb,
            "title": f"{verb}: {reservation.item} for {reservation.borrower_name}",
        },
    )


@login_required
@require_POST
def cancel(request, pk):
    reservation = _reservation(request, pk)
    return act(
        request,
        lambda: services.cancel(request.user, reservation),
        next_url=reverse("lending:item", args=[reservation.item_id]),
        success="The booking is cancelled.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def errand(request, pk):
    reservation = _reservation(request, pk)
    return form_page(
        request,
        bind(request, forms.ErrandForm, helpers=selectors.helpers_choosable_by(request.user, reservation)),
        action=lambda data: services.arrange_errand(request.user, reservation, **data),
        template="lending/form.html",
        next_url=reverse("lending:item", args=[reservation.item_id]),
        success="The errand is arranged.",
        context={"item": reservation.item, "title": f"Delivery or collection: {reservation.item}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def errands(request):
    """A helper organisation's collections and deliveries."""
    if request.method == "POST":
        found = get_object_or_404(Errand, pk=posted_id(request, "errand"))
        return act(
            request,
            lambda: services.errand_done(request.user, found),
            next_url=reverse("lending:errands"),
            success="Marked as done. Thank you.",
        )
    coordinated = selectors.organisations_coordinated(request.user).first()
    return render(
        request,
        "lending/errands.html",
        {
            "errands": selectors.errands_for(request.user),
            "lends": coordinated is not None and selectors.lends_anything(coordinated),
        },
    )
