"""Social prescribing referrals: the referral form a referring organisation reaches through its
link (no account), the team's referral inbox (accept, decline, ask for more), the referral links
a team's leads make and revoke, and a referral's own page (change it, close it with its outcome).

Thin, as every page: find the thing through a selector, call one service, draw."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import refusals_as_http
from common.forms import add_service_errors, error_summary
from common.network import client_address
from common.pages import act, bind, form_page

from . import forms, permissions, referral_services, selectors
from .models import IncomingReferral, Referral
from .views import FORM, _staff_only

INBOX_FORM = "people/referral_form_page.html"


@never_cache
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, token: str) -> HttpResponse:
    """The referral form behind a referring organisation's link: anyone holding the link may
    send a referral to the team's inbox; a revoked or unknown link is not found."""
    link = selectors.live_link_for_secret("form_digest", referral_services.digest(token))
    if link is None:
        raise Http404
    form = bind(request, forms.PublicReferralForm)

    def send(data: dict[str, Any]) -> IncomingReferral | None:
        if data["website"]:  # only a robot fills in the field no one sees: say thanks, keep nothing
            return None
        return referral_services.receive_referral(link, data, sender=client_address(request))

    return form_page(
        request,
        form,
        action=send,
        template="people/refer.html",
        next_url=reverse("people:refer", args=[token]),
        success=lambda incoming: (
            "Thank you: the referral is sent. We have emailed you an acknowledgement."
            + (f" Its reference is {incoming.reference}." if incoming else "")
        ),
        context={
            "title": f"Refer someone to {link.team}",
            "link": link,
            "started": forms.PublicReferralForm.started_now(),
        },
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The referrals sent to the user's teams: those waiting for an answer, oldest first, then the
    last answered."""
    _staff_only(request)
    return render(
        request,
        "people/inbox.html",
        {
            "waiting": list(selectors.inbox(request.user)),
            "answered": list(selectors.inbox(request.user, waiting=False)[:30]),
            "manages_links": selectors.teams_with_links_managed_by(request.user).exists(),
        },
    )


def _incoming(request: HttpRequest, pk: int, *, waiting: bool = False) -> IncomingReferral:
    """An incoming referral of the user's teams (404 otherwise); with ``waiting``, only one still
    waiting for an answer (an answered one has nothing left to answer: 404)."""
    _staff_only(request)
    with refusals_as_http():
        incoming = selectors.incoming_referral_for_viewer(request.user, pk)
    if waiting and not incoming.is_open:
        raise Http404
    return incoming


@login_required
@require_GET
def incoming_referral(request: HttpRequest, pk: int) -> HttpResponse:
    found = _incoming(request, pk)
    return render(
        request,
        "people/incoming_referral.html",
        {
            "incoming": found,
            "steps": list(found.steps.select_related("by")),
            "may_erase": found.person_id is None
            and permissions.may_manage_referral_links(request.user, found.team),
        },
    )


def _answer(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    action: Any,
    *,
    title: str,
    done: str,
    submit: str,
    **form_kwargs: Any,
) -> HttpResponse:
    found = _incoming(request, pk, waiting=True)
    return form_page(
        request,
        bind(request, form_class, **{k: v(found) for k, v in form_kwargs.items()}),
        action=lambda data: action(found, data),
        template=INBOX_FORM,
        next_url=lambda result: (
            reverse("people:referral", args=[result.pk])
            if isinstance(result, Referral)
            else reverse("people:inbox")
        ),
        success=done,
        context={"title": title.format(name=found.full_name), "incoming": found, "submit": submit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept_referral(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        forms.AcceptReferralForm,
        lambda found, data: referral_services.accept_referral(request.user, found, **data, request=request),
        title="Accept the referral of {name}",
        done="The referral is accepted and on their record. The referrer is told.",
        submit="Accept the referral",
        people=lambda found: selectors.people_to_link_referral(request.user, found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline_referral(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        forms.DeclineReferralForm,
        lambda found, data: referral_services.decline_referral(request.user, found, data["reason"]),
        title="Decline the referral of {name}",
        done="The referral is declined. The referrer is told why.",
        submit="Decline the referral",
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_about_referral(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        forms.AskForMoreForm,
        lambda found, data: referral_services.ask_for_more_information(request.user, found, data["question"]),
        title="Ask for more about the referral of {name}",
        done="Your question is sent to the referrer. The referral waits in the inbox.",
        submit="Send the question",
    )


@login_required
@require_POST
def erase_incoming_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral that never became a record (declined, or sent in error) can be erased."""
    found = _incoming(request, pk)
    if found.person_id is not None:
        raise Http404  # on a record: its erasure goes with the record's
    return act(
        request,
        lambda: referral_services.erase_incoming_referral(request.user, found),
        next_url=reverse("people:inbox"),
        success=f"Referral {found.reference} is erased.",
    )


def _link_manager(request: HttpRequest) -> Any:
    teams = selectors.teams_with_links_managed_by(request.user)
    if not teams.exists():
        raise PermissionDenied
    return teams


@login_required
@require_GET
def referral_links(request: HttpRequest) -> HttpResponse:
    """The referral links of the teams the user leads: who may send referrals to their inbox."""
    _link_manager(request)
    return render(
        request,
        "people/referral_links.html",
        {"links": list(selectors.referral_links_managed_by(request.user))},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def add_referral_link(request: HttpRequest) -> HttpResponse:
    """Make a referral link. Its two secrets are shown on the answer to the POST, once (only
    their digests are kept), so this page is drawn by hand rather than redirecting."""
    teams = _link_manager(request)
    form = bind(request, forms.ReferralLinkForm, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                issued = referral_services.create_referral_link(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(
                request,
                "people/referral_link_made.html",
                {
                    "link": issued.link,
                    "form_url": request.build_absolute_uri(
                        reverse("people:refer", args=[issued.form_secret])
                    ),
                    "api_url": request.build_absolute_uri(reverse("api_incoming_referrals")),
                    "api_token": issued.api_token,
                },
            )
    return render(
        request,
        FORM,
        {
            "form": form,
            "errors": error_summary(form),
            "title": "Make a referral link",
            "back": reverse("people:referral_links"),
            "submit": "Make the link",
        },
    )


@login_required
@require_POST
def revoke_referral_link(request: HttpRequest, pk: int) -> HttpResponse:
    _link_manager(request)
    link = selectors.referral_links_managed_by(request.user).filter(pk=pk).first()
    if link is None:
        raise Http404
    return act(
        request,
        lambda: referral_services.revoke_referral_link(request.user, link),
        next_url=reverse("people:referral_links"),
        success=f"The link for {link.referring_organisation} is revoked: it opens nothing now.",
    )


def _referral(request: HttpRequest, pk: int) -> Referral:
    _staff_only(request)
    with refusals_as_http():
        return selectors.referral_for_viewer(request.user, pk)


@login_required
@require_GET
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral with its whole history (received, accepted, changed, closed: who and when)."""
    found = _referral(request, pk)
    return render(
        request,
        "people/referral.html",
        {
            "referral": found,
            "person": found.person,
            "incoming": IncomingReferral.objects.filter(referral=found).first(),
            "steps": list(found.steps.select_related("by")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_referral(request: HttpRequest, pk: int) -> HttpResponse:
    found = _referral(request, pk)
    return form_page(
        request,
        bind(request, forms.ChangeReferralForm, instance=found),
        action=lambda data: referral_services.update_referral(
            request.user, selectors.referral_for_viewer(request.user, pk), dict(data)
        ),
        template=FORM,
        next_url=reverse("people:referral", args=[pk]),
        success="The referral is saved.",
        context={
            "title": f"Change the referral of {found.person.display_name}",
            "back": reverse("people:referral", args=[pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_referral(request: HttpRequest, pk: int) -> HttpResponse:
    found = _referral(request, pk)
    told = referral_services.outcome_goes_to(found)
    return form_page(
        request,
        bind(request, forms.CloseReferralForm),
        action=lambda data: referral_services.close_referral(request.user, found, **data),
        template=INBOX_FORM,
        next_url=reverse("people:referral", args=[pk]),
        success="The referral is closed." + (" The referrer is sent its outcome." if told else ""),
        context={
            "title": f"Close the referral of {found.person.display_name}",
            "back": reverse("people:referral", args=[pk]),
            "submit": "Close the referral",
            "note": "The outcome is emailed to the referrer."
            if told
            else "No outcome is sent to the referrer: they did not send it through a referral link, "
            "or the person has not agreed to us telling them how things are going.",
        },
    )
