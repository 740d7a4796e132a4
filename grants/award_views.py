"""Pages after the award: the grant's page, the offer letter (and its PDF), acceptance, payments,
monitoring returns and their photos, and the link to the funded group's listing.

Every grant is found through ``award_selectors.grants_visible_to`` (anyone else gets 404, as for a
grant that does not exist); fund officers prove a second factor first. What only the applicant or
only an officer may do answers 404 to the other, except where both see the page and one of them
may not press its button (403 from the service). Reads of the grant, a return and a photo are
audited: they carry the contact, the masked account and what the group wrote."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import require_second_factor
from accounts.models import AuditEvent
from accounts.services import record_audit_event
from common.pages import act, bind, form_page
from common.pdf import pdf_available, pdf_response

from . import award_selectors as selectors
from . import award_services as services
from .award_forms import AcceptanceForm, ListingForm, PaidForm, PaymentForm, ReturnForm
from .models import Grant, MonitoringReturn, Payment, ReturnPhoto
from .selectors import is_any_fund_officer


def _grant(request: HttpRequest, pk: int) -> Grant:
    """A grant ``request.user`` may see; fund officers prove a second factor first."""
    if is_any_fund_officer(request.user):
        require_second_factor(request)
    return get_object_or_404(selectors.grants_visible_to(request.user), pk=pk)


def _officer_grant(request: HttpRequest, pk: int) -> Grant:
    grant = _grant(request, pk)
    if not selectors.is_grant_officer(request.user, grant):
        raise Http404("No such grant.")
    return grant


def _payment(request: HttpRequest, pk: int) -> Payment:
    payment = get_object_or_404(Payment.objects.select_related("grant"), pk=pk)
    _officer_grant(request, payment.grant_id)
    return payment


def _return(request: HttpRequest, pk: int) -> MonitoringReturn:
    found = get_object_or_404(MonitoringReturn.objects.select_related("grant"), pk=pk)
    found.grant = _grant(request, found.grant_id)
    return found


@login_required
@require_http_methods(["GET"])
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    """The grant: the offer and its acceptance, payments, returns and the listing, with what the
    person reading may do next."""
    found = _grant(request, pk)
    record_audit_event(request.user, AuditEvent.Action.VIEW, found, request=request)
    officer = selectors.is_grant_officer(request.user, found)
    return render(
        request,
        "grants/award/grant.html",
        {
            "grant": found,
            "application": found.application,
            "officer": officer,
            "grantee": selectors.is_grantee(request.user, found),
            "may_send_offer": selectors.may_send_offer(request.user, found),
            "may_accept": selectors.may_accept(request.user, found),
            "may_link": selectors.may_link_listing(request.user, found),
            "payments": list(selectors.payments_of(found)),
            "promised": selectors.paid_and_promised(found),
            "returns": list(selectors.returns_of(found)),
            "next_return": selectors.next_return(found),
        },
    )


@login_required
@require_http_methods(["GET"])
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer letter: amount, conditions, planned dates, the returns it will ask for and what
    accepting means. ``?format=pdf`` gives the same as a PDF. The applicant sees it once it is sent."""
    found = _grant(request, pk)
    if found.offer_sent_at is None and not selectors.is_grant_officer(request.user, found):
        raise Http404("No offer yet.")
    record_audit_event(request.user, AuditEvent.Action.VIEW, found, request=request, note="offer letter")
    context = {
        "grant": found,
        "application": found.application,
        # The returns as they were scheduled, or as accepting today would schedule them.
        "schedule": (
            [(owed.due_on, owed.is_final) for owed in found.returns.order_by("due_on")]
            if found.accepted_at
            else selectors.monitoring_schedule(
                found.planned_start, found.planned_end, accepted_on=timezone.localdate()
            )
        ),
        "may_accept": selectors.may_accept(request.user, found),
        "pdf": pdf_available(),
    }
    if request.GET.get("format") == "pdf" and pdf_available():
        return pdf_response(
            request, "grants/award/offer.html", context, f"grant-offer-{found.application_id}.pdf"
        )
    return render(request, "grants/award/offer.html", context)


@login_required
@require_POST
def send_offer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _officer_grant(request, pk)
    link = request.build_absolute_uri(reverse("grants:offer", args=[found.pk]))
    return act(
        request,
        lambda: services.send_offer(request.user, found, link=link),
        next_url=reverse("grants:grant", args=[found.pk]),
        success="The offer is sent: the applicant is emailed a link to read and accept it.",
    )


@login_required
@sensitive_post_parameters("account_name", "sort_code", "account_number")  # never in an error report
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant accepts, once, giving the bank account; afterwards this page is gone."""
    found = _grant(request, pk)
    if not selectors.may_accept(request.user, found):
        return redirect("grants:grant", pk=found.pk)
    form = bind(request, AcceptanceForm)
    return form_page(
        request,
        form,
        action=lambda data: services.accept_grant(
            request.user, found, conditions_agreed=data["conditions_agreed"], account=form.account()
        ),
        template="grants/award/accept.html",
        next_url=reverse("grants:grant", args=[found.pk]),
        success="Thank you: the grant is accepted. Your monitoring returns are listed below.",
        context={
            "grant": found,
            "application": found.application,
            "title": "Accept the grant",
            "submit": "Accept the grant",
        },
    )


@login_required
@require_http_methods(["GET"])
def payments(request: HttpRequest, pk: int) -> HttpResponse:
    found = _officer_grant(request, pk)
    record_audit_event(request.user, AuditEvent.Action.VIEW, found, request=request, note="payments")
    rows = [
        (p, selectors.may_approve_payment(request.user, p), selectors.may_record_paid(request.user, p))
        for p in selectors.payments_of(found)
    ]
    promised = selectors.paid_and_promised(found)
    return render(
        request,
        "grants/award/payments.html",
        {
            "grant": found,
            "application": found.application,
            "rows": rows,
            "promised": promised,
            "left": found.amount_pence - promised,
            "may_set_up": selectors.may_set_up_payment(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_payment(request: HttpRequest, pk: int) -> HttpResponse:
    found = _officer_grant(request, pk)
    form = bind(request, PaymentForm)
    back = reverse("grants:payments", args=[found.pk])
    return form_page(
        request,
        form,
        action=lambda data: services.set_up_payment(
            request.user, found, amount_pence=form.amount_pence(), due_on=data["due_on"]
        ),
        template="grants/officer_form.html",
        next_url=back,
        success="The payment is set up. Another of the fund's officers must approve it before it is paid.",
        context={
            "title": "Set up a payment",
            "submit": "Set up the payment",
            "back": back,
            "caption": found.application.title,
        },
    )


@login_required
@require_POST
def approve_payment(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    return act(
        request,
        lambda: services.approve_payment(request.user, payment),
        next_url=reverse("grants:payments", args=[payment.grant_id]),
        success="The payment is approved: it can now be paid and recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_paid(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    form = bind(request, PaidForm)
    back = reverse("grants:payments", args=[payment.grant_id])
    return form_page(
        request,
        form,
        action=lambda data: services.record_payment(
            request.user, payment, paid_on=data["paid_on"], reference=data["reference"]
        ),
        template="grants/officer_form.html",
        next_url=back,
        success="The payment is recorded as paid; the group is emailed.",
        context={
            "title": f"Record payment {payment.position} as paid",
            "submit": "Record it as paid",
            "back": back,
        },
    )


@login_required
@require_http_methods(["GET"])
def returns(request: HttpRequest, pk: int) -> HttpResponse:
    found = _grant(request, pk)
    return render(
        request,
        "grants/award/returns.html",
        {
            "grant": found,
            "application": found.application,
            "returns": list(selectors.returns_of(found)),
            "grantee": selectors.is_grantee(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_return(request: HttpRequest, pk: int) -> HttpResponse:
    """A return: the applicant fills it in, saves and sends it; afterwards (and for the fund's
    officers) it is read, with its photos."""
    found = _return(request, pk)
    record_audit_event(request.user, AuditEvent.Action.VIEW, found, request=request)
    photos = list(found.photos.all())
    context = {
        "grant": found.grant,
        "application": found.grant.application,
        "monitoring_return": found,
        "photos": photos,
    }
    if not selectors.may_fill_return(request.user, found):
        return render(request, "grants/award/return.html", context)
    form = bind(
        request,
        ReturnForm,
        photos_left=max(services.MOST_PHOTOS - len(photos), 0),
        initial={
            "what_happened": found.what_happened,
            "people_reached": found.people_reached,
            "spend": None if found.spend_pence is None else Decimal(found.spend_pence) / 100,
        },
    )
    send = request.POST.get("send") == "yes"
    return form_page(
        request,
        form,
        action=lambda data: services.save_return(request.user, found, form.answers(), send=send),
        template="grants/award/return_form.html",
        next_url=(
            reverse("grants:grant", args=[found.grant_id])
            if send
            else reverse("grants:return", args=[found.pk])
        ),
        success="Thank you: your return is sent to the fund."
        if send
        else "Your return is saved: send it when it is ready.",
        context={**context, "title": f"Monitoring return due {found.due_on:%-d %B %Y}"},
    )


@login_required
@require_http_methods(["GET"])
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A return's photo, for its applicant and the fund's officers only; never cached by others."""
    found = get_object_or_404(ReturnPhoto.objects.select_related("monitoring_return"), pk=pk)
    monitoring_return = _return(request, found.monitoring_return_id)
    # The fund reads a return, photos and all, once the group sends it; until then it is theirs.
    if monitoring_return.submitted_at is None and not selectors.is_grantee(
        request.user, monitoring_return.grant
    ):
        raise Http404("No such photo.")
    record_audit_event(
        request.user, AuditEvent.Action.VIEW, found.monitoring_return, request=request, note="photo"
    )
    response = HttpResponse(bytes(found.image), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_POST
def remove_photo(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ReturnPhoto.objects.select_related("monitoring_return"), pk=pk)
    monitoring_return = _return(request, found.monitoring_return_id)
    found.monitoring_return = monitoring_return
    return act(
        request,
        lambda: services.remove_photo(request.user, found),
        next_url=reverse("grants:return", args=[monitoring_return.pk]),
        success="The photo is removed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_listing(request: HttpRequest, pk: int) -> HttpResponse:
    found = _grant(request, pk)
    if not selectors.may_link_listing(request.user, found):
        raise Http404("No such grant.")
    listings = selectors.listings_to_link(request.user, found)
    form = bind(request, ListingForm, listings=listings, initial={"listing": found.listing_id})
    back = reverse("grants:grant", args=[found.pk])
    return form_page(
        request,
        form,
        action=lambda data: services.link_listing(request.user, found, data["listing"]),
        template="grants/award/listing.html",
        next_url=back,
        success="The listing is linked: it now says who funded it.",
        context={
            "title": "Link the group's listing",
            "submit": "Save",
            "back": back,
            "caption": found.application.title,
            "application": found.application,
            "none_to_choose": not listings.exists(),
        },
    )
