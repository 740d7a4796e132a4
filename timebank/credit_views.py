"""Time credits: a scheme's partners and offers, spending credits (choose, confirm, then a code to
show, undone within minutes), a venue checking codes, awarding credits; a member's membership and
a broker's hours with the community account."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import error_summary
from common.pages import act, bind, form_page

from . import forms, permissions, selectors, services
from .models import CreditScheme, Exchange, Membership, Partner, PartnerOffer
from .views import _broker, _inside, refusals_about_the_other_member


def credit_scheme(request: HttpRequest, slug: str) -> HttpResponse:
    """What a scheme's credits buy, and, for a member, their credits and what they can spend."""
    scheme = get_object_or_404(CreditScheme, slug=slug)
    partners = list(scheme.partners.prefetch_related("offers"))
    account = selectors.credit_account_of(request.user, scheme)
    return render(
        request,
        "timebank/credits.html",
        {
            "scheme": scheme,
            "partners": partners,
            "account": account,
            "history": selectors.credit_history(account),
            "may_award": permissions.may_award_credits(request.user, scheme),
            "venues_to_check": [p for p in partners if permissions.may_check_codes_at(request.user, p)],
        },
    )


def _credits(count: int) -> str:
    return f"{count} credit{'' if count == 1 else 's'}"


@login_required
@require_http_methods(["GET", "POST"])
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    """Spending is two steps: this page says what it costs, its button spends (then the code)."""
    offer = get_object_or_404(PartnerOffer.objects.select_related("partner__scheme"), pk=pk)
    scheme = offer.partner.scheme
    account = selectors.credit_account_of(request.user, scheme)
    return form_page(
        request,
        bind(request, forms.SpendForm),
        action=lambda data: services.redeem(request.user, offer),
        template="timebank/spend.html",
        next_url=lambda spent: reverse("timebank:redemption", args=[spent.pk]),
        success=lambda spent: f"Spent {_credits(spent.credits)}: show code {spent.code} at {spent.partner}.",
        context={
            "offer": offer,
            "scheme": scheme,
            "account": account,
            "title": f"Spend {_credits(offer.credits)} on {offer.what}?",
            "submit": f"Spend {_credits(offer.credits)}",
        },
    )


@login_required
def redemption(request: HttpRequest, pk: int) -> HttpResponse:
    """The code to show at the venue, when it was spent, and an undo while it may be undone."""
    found = selectors.redemption_of(request.user, pk)
    if found is None:
        raise Http404
    return render(
        request,
        "timebank/redemption.html",
        {
            "redemption": found,
            "scheme": found.partner.scheme,
            "may_undo": permissions.may_undo_redemption(request.user, found),
        },
    )


@login_required
@require_POST
def undo_redemption(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.redemption_of(request.user, pk)
    if found is None:
        raise Http404
    return act(
        request,
        lambda: services.undo_redemption(request.user, found),
        next_url=reverse("timebank:redemption", args=[pk]),
        success=lambda undone: f"Undone: your {_credits(undone.credits)} are back.",
    )


def _venue(request: HttpRequest, pk: int) -> Partner:
    partner = get_object_or_404(Partner.objects.select_related("scheme"), pk=pk)
    if not permissions.may_check_codes_at(request.user, partner):
        raise PermissionDenied
    return partner


@login_required
def check_code(request: HttpRequest, pk: int) -> HttpResponse:
    """A venue checks the code a volunteer shows: whether it is real, spent here, when, and whether
    it is still to be used; then marks it used."""
    partner = _venue(request, pk)
    form = forms.CodeForm(request.GET or None)
    found = None
    if form.is_valid():
        found = selectors.redemption_at_venue(request.user, partner, form.cleaned_data["code"])
        if found is None:
            typed = selectors.normalise_code(form.cleaned_data["code"])
            form.add_error("code", selectors.not_a_code(typed, partner))
    return render(
        request,
        "timebank/check_code.html",
        {"partner": partner, "form": form, "errors": error_summary(form), "redemption": found},
    )


@login_required
@require_POST
def use_code(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    code = selectors.normalise_code(request.POST.get("code", ""))[:20]
    return act(
        request,
        lambda: services.mark_code_used(request.user, partner, code),
        next_url=f"{reverse('timebank:check_code', args=[pk])}?{urlencode({'code': code})}",
        success=lambda used: f"Code {used.code} is marked used. Thank you.",
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
    """A member pauses, comes back, or leaves. Their hours stay on the ledger. After leaving, the
    member is no longer inside, so success then goes to the timebank's public page; a refusal
    stays on their member page."""
    found = _inside(request, slug)
    membership = selectors.membership_of(request.user, found)
    if membership is None:
        raise Http404
    status = request.POST.get("status", "")
    words = {"paused": "paused", "active": "active again", "left": "ended; your hours stay on record"}
    member_page = reverse("timebank:member", args=[slug])
    return act(
        request,
        lambda: services.set_membership_status(request.user, membership, status),
        success=f"Your membership of {found} is {words.get(status, status)}.",
        next_url=lambda _: (
            reverse("timebank:timebank", args=[slug]) if status == Membership.Status.LEFT else member_page
        ),
        refused_url=member_page,
    )


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
