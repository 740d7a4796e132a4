"""Time credits: a scheme's partners and offers, redeeming credits, awarding them; a broker's
view of membership and hours with the community account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from common.forms import add_service_errors, error_summary

from . import forms, selectors, services
from .models import CreditScheme, Membership, PartnerOffer
from .views import _about_the_other_member, _broker, _inside


def credit_scheme(request, slug):
    """What a scheme's credits buy, and, for a member, their credits and what they can spend."""
    scheme = get_object_or_404(CreditScheme, slug=slug)
    account = None
    if request.user.is_authenticated:
        account = scheme.ledger.accounts.filter(holder=request.user).first()
    return render(
        request,
        "timebank/credits.html",
        {
            "scheme": scheme,
            "partners": scheme.partners.prefetch_related("offers"),
            "account": account,
            "may_award": services.may_award(request.user, scheme),
        },
    )


@login_required
@require_POST
def redeem(request, pk):
    offer = get_object_or_404(PartnerOffer.objects.select_related("partner__scheme"), pk=pk)
    try:
        services.redeem(request.user, offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Spent {offer.credits} credit{'s' if offer.credits > 1 else ''}: show this at {offer.partner}.",
        )
    return redirect("timebank:credits", offer.partner.scheme.slug)


@login_required
@require_http_methods(["GET", "POST"])
def award(request, slug):
    scheme = get_object_or_404(CreditScheme, slug=slug)
    if not services.may_award(request.user, scheme):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = forms.AwardForm(data)
    if data is not None and form.is_valid():
        volunteer = User.objects.filter(email__iexact=form.cleaned_data["volunteer"], is_active=True).first()
        try:
            if volunteer is None:
                raise services.TimebankError("volunteer", "There is no account with that email address.")
            services.award_credits(
                request.user, scheme, volunteer, form.cleaned_data["hours"], form.cleaned_data["what"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                # The address they typed, not the name on the account: an email must not reveal
                # who holds it.
                request,
                f"Credits awarded to {volunteer.email}. Thank you for thanking them.",
            )
            return redirect("timebank:award", slug)
    return render(
        request,
        "timebank/award.html",
        {"scheme": scheme, "form": form, "errors": error_summary(form)},
    )


@login_required
@require_POST
def membership_status(request, slug):
    """A member pauses, comes back, or leaves. Their hours stay on the ledger."""
    found = _inside(request, slug)
    membership = selectors.membership_of(request.user, found)
    if membership is None:
        raise Http404
    status = request.POST.get("status", "")
    try:
        services.set_membership_status(request.user, membership, status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("timebank:member", slug)
    words = {"paused": "paused", "active": "active again", "left": "ended; your hours stay on record"}
    messages.success(request, f"Your membership of {found} is {words.get(status, status)}.")
    return redirect("timebank:timebank" if status == Membership.Status.LEFT else "timebank:member", slug)


@login_required
@require_http_methods(["GET", "POST"])
def community_exchange(request, slug):
    """A broker records hours between a member and the community account (group activities)."""
    found = _inside(request, slug)
    _broker(request, found)
    data = request.POST if request.method == "POST" else None
    form = forms.CommunityExchangeForm(data, members=selectors.members_visible_to(request.user, found))
    if data is not None and form.is_valid():
        member = form.cleaned_data["member"]
        earned = form.cleaned_data["direction"] == forms.CommunityExchangeForm.EARNED
        try:
            exchange = services.record_community_exchange(
                request.user,
                found,
                member=member,
                earned=earned,
                hours=form.cleaned_data["hours"],
                description=form.cleaned_data["description"],
                happened_on=form.cleaned_data["happened_on"],
            )
        except ValidationError as error:
            add_service_errors(form, _about_the_other_member(error, "member"))
        else:
            messages.success(request, f"{exchange.hours} hours recorded for {member.full_name}.")
            return redirect("timebank:broker", slug)
    return render(
        request,
        "timebank/form.html",
        {
            "timebank": found,
            "form": form,
            "errors": error_summary(form),
            "title": "Hours with the community account",
        },
    )
