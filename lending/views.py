"""Lending pages: the public Borrow pages, a resident's asking and their own loans, and the pages
of coordinators (their organisation's editors), service providers and helpers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from common.pages import act, bind, form_page, posted_id

from . import forms, permissions, selectors, services
from .models import Errand, Item, Reservation


@require_http_methods(["GET"])
def borrow(request):
    """The things lent in the district, for anyone: by organisation, with when each is next free.
    Never who has them."""
    form = forms.BorrowFilterForm(request.GET or None, kinds=selectors.kinds_lent())
    words = kind = ""
    if form.is_bound and form.is_valid():
        words, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    today = timezone.localdate()
    items = selectors.with_coming_bookings(selectors.borrowable_items(words, kind), today)
    page = Paginator(items, selectors.BORROW_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"item": i, "free_on": selectors.next_free_on(i, today)} for i in page]
    return render(
        request,
        "lending/borrow.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "filtered": bool(words or kind),
            "query": urlencode({"q": words, "kind": kind}) if words or kind else "",
        },
    )


def _borrowable(pk) -> Item:
    item = get_object_or_404(Item.objects.select_related("organisation"), pk=pk)
    if item.is_retired:
        raise Http404
    return item


@require_http_methods(["GET"])
def borrowable(request, pk):
    """One thing to borrow, for anyone: the days it is booked (never by whom), and how to ask."""
    found = _borrowable(pk)
    today = timezone.localdate()
    asked = selectors.loans_of(request.user).filter(item=found)
    return render(
        request,
        "lending/borrowable.html",
        {
            "item": found,
            "booked": selectors.booked_periods(found, today),
            "free_on": selectors.next_free_on(found, today),
            "today": today,
            "longest": services.longest_loan(found),
            "yours": list(asked),
            "ask_url": reverse("lending:ask", args=[found.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask(request, pk):
    """A signed-in person asks to borrow an item; their name comes from their account."""
    found = _borrowable(pk)
    today = timezone.localdate()
    return form_page(
        request,
        bind(request, forms.AskForm, initial={"contact": request.user.email}),
        action=lambda data: services.ask_to_borrow(request.user, found, **data),
        template="lending/ask.html",
        next_url=reverse("lending:yours"),
        success=f"You have asked to borrow {found.name}. {found.organisation} will answer by email.",
        context={
            "item": found,
            "title": f"Ask to borrow {found.name}",
            "submit": "Ask to borrow it",
            "booked": selectors.booked_periods(found, today),
            "longest": services.longest_loan(found),
        },
    )


@login_required
@require_http_methods(["GET"])
def yours(request):
    """The signed-in person's own loans: asked for, booked and out."""
    return render(request, "lending/yours.html", {"loans": selectors.loans_of(request.user)})


@login_required
@require_POST
def withdraw(request, pk):
    """The borrower withdraws a request or cancels a booking not yet lent (anyone else: 404)."""
    found = get_object_or_404(selectors.loans_of(request.user), pk=pk)
    was_request = found.status == Reservation.Status.REQUESTED
    return act(
        request,
        lambda: services.withdraw(request.user, found),
        next_url=reverse("lending:yours"),
        success="Your request is withdrawn." if was_request else "Your booking is cancelled.",
    )


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
            "requests": selectors.requests_for(organisation),
            "serviced": [
                (i, services.servicing_due_on(i)) for i in selectors.items_serviced_by(organisation)
            ],
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
def accept(request, pk):
    """A coordinator accepts a resident's request: it becomes a booking."""
    reservation = _reservation(request, pk)
    return act(
        request,
        lambda: services.accept_request(request.user, reservation),
        next_url=reverse("lending:dashboard"),
        success=f"Booked for {reservation.borrower_name}. They are emailed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, pk):
    """A coordinator declines a resident's request, saying why."""
    reservation = _reservation(request, pk)
    return form_page(
        request,
        bind(request, forms.DeclineForm),
        action=lambda data: services.decline_request(request.user, reservation, data["reason"]),
        template="lending/decline.html",
        next_url=reverse("lending:dashboard"),
        success="Declined. The borrower is emailed why.",
        context={
            "item": reservation.item,
            "reservation": reservation,
            "submit": "Decline",
            "title": f"Decline: {reservation.item} for {reservation.borrower_name}",
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
