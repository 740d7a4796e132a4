"""Time credits: a scheme's partners and offers, redeeming credits, awarding them; a broker's
view of membership and hours with the community account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import message_of, refusals_as_http
from common.pages import act, bind, form_page

from . import forms, permissions, selectors, services
from .models import CreditScheme, Exchange, Membership, PartnerOffer
from .views import _broker, _inside, refusals_about_the_other_member


def credit_scheme(request: HttpRequest, slug: str) -> HttpResponse:
    """What a scheme's credits buy, and, for a member, their credits and what they can spend."""
    scheme = get_object_or_404(CreditScheme, slug=slug)
    return render(
        request,
        "timebank/credits.html",
        {
            "scheme": scheme,
            "partners": scheme.partners.prefetch_related("offers"),
            "account": selectors.credit_account_of(request.user, scheme),
            "may_award": permissions.may_award_credits(request.user, scheme),
        },
    )


@login_required
@require_POST
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(PartnerOffer.objects.select_related("partner__scheme"), pk=pk)
    return act(
        request,
        lambda: services.redeem(request.user, offer),
        next_url=reverse("timebank:credits", args=[offer.partner.scheme.slug]),
        success=(
            f"Spent {offer.credits} credit{'s' if offer.credits > 1 else ''}: show this at {offer.partner}."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, slug: str) -> HttpResponse:
    scheme = get_object_or_404(CreditScheme, slug=slug)
    if not permissions.may_award_credits(request.user, scheme):
        raise PermissionDenied
    return form_page(
        request,
        bind(request, forms.AwardForm),
        action=lambda data: services.award_credits_by_email(
            request.user, scheme, data["volunteer"], data["hours"], data["what"]
        ),
        template="timebank/award.html",
        next_url=reverse("timebank:award", args=[slug]),
        # The address they sign in with, not the name on the account: an email must not reveal
        # who holds it.
        success=lambda volunteer: f"Credits awarded to {volunteer.email}. Thank you for thanking them.",
        context={"scheme": scheme},
    )


@login_required
@require_POST
def membership_status(request: HttpRequest, slug: str) -> HttpResponse:
    """A member pauses, comes back, or leaves. Their hours stay on the ledger.

    Written out rather than with ``act``: after leaving, the member is no longer inside, so success
    goes to the timebank's public page while a refusal stays on their member page."""
    found = _inside(request, slug)
    membership = selectors.membership_of(request.user, found)
    if membership is None:
        raise Http404
    status = request.POST.get("status", "")
    try:
        with refusals_as_http():
            services.set_membership_status(request.user, membership, status)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("timebank:member", slug)
    words = {"paused": "paused", "active": "active again", "left": "ended; your hours stay on record"}
    messages.success(request, f"Your membership of {found} is {words.get(status, status)}.")
    return redirect("timebank:timebank" if status == Membership.Status.LEFT else "timebank:member", slug)


@login_required
@require_http_methods(["GET", "POST"])
def community_exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """A broker records hours between a member and the community account (group activities)."""
    found = _inside(request, slug)
    _broker(request, found)
    form = bind(
        request, forms.CommunityExchangeForm, members=selectors.members_visible_to(request.user, found)
    )

    def record(data: dict[str, Any]) -> Exchange:
        with refusals_about_the_other_member("member"):
            return services.record_community_exchange(
                request.user,
                found,
                member=data["member"],
                earned=data["direction"] == forms.CommunityExchangeForm.EARNED,
                hours=data["hours"],
                description=data["description"],
                happened_on=data["happened_on"],
            )

    return form_page(
        request,
        form,
        action=record,
        template="timebank/form.html",
        next_url=reverse("timebank:broker", args=[slug]),
        success=lambda exchange: (
            f"{exchange.hours} hours recorded for {form.cleaned_data['member'].full_name}."
        ),
        context={"timebank": found, "title": "Hours with the community account"},
    )
