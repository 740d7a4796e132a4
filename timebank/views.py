"""Timebank pages. Public: the list of timebanks and each one's page. Members: their balance,
exchanges and statement. Brokers: applications, approvals, corrections and the dashboard.
Someone outside a timebank gets 404 for its member pages; a member gets 403 for broker pages."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import NotPermitted, NotVisible, Refusal
from common.pages import act, bind, form_page
from common.pdf import pdf_available, pdf_response

from . import forms, permissions, selectors, services
from .models import Exchange, Membership, Timebank


def timebanks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "timebank/list.html",
        {"timebanks": selectors.public_timebanks(), "schemes": selectors.public_credit_schemes()},
    )


def timebank(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(selectors.public_timebanks(), slug=slug)
    return render(
        request,
        "timebank/timebank.html",
        {
            "timebank": found,
            "membership": selectors.membership_of(request.user, found),
            "inside": permissions.may_see_inside_timebank(request.user, found),
            "broker": permissions.may_broker_timebank(request.user, found),
        },
    )


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Timebank, slug=slug)
    return act(
        request,
        lambda: services.apply_to_join(request.user, found),
        next_url=reverse("timebank:timebank", args=[slug]),
        success=f"Thank you. A broker from {found} will be in touch to welcome you.",
    )


def _inside(request: HttpRequest, slug: str) -> Timebank:
    found = get_object_or_404(Timebank.objects.select_related("ledger"), slug=slug)
    _refuse_outsiders(request, found)
    return found


def _refuse_outsiders(request: HttpRequest, timebank: Timebank) -> None:
    """Someone outside the timebank is answered as if its member pages did not exist."""
    if not permissions.may_see_inside_timebank(request.user, timebank):
        raise Http404


def _broker(request: HttpRequest, timebank: Timebank) -> None:
    if not permissions.may_broker_timebank(request.user, timebank):
        raise PermissionDenied


@login_required
def member_area(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's balance, what waits for them to confirm, and their exchanges."""
    found = _inside(request, slug)
    membership = selectors.membership_of(request.user, found)
    return render(
        request,
        "timebank/member.html",
        {
            "timebank": found,
            "membership": membership,
            "waiting": selectors.waiting_for(request.user, found),
            "exchanges": selectors.exchanges_for(request.user, found)[:30],
            "broker": permissions.may_broker_timebank(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, slug: str) -> HttpResponse:
    found = _inside(request, slug)
    if not permissions.may_take_part_in_timebank(request.user, found):
        raise PermissionDenied
    form = bind(request, forms.ExchangeForm, others=selectors.exchange_partners_for(request.user, found))

    def record(data: dict[str, Any]) -> Exchange:
        gave = data["direction"] == forms.ExchangeForm.GAVE
        other = data["other"]
        with refusals_about_the_other_member("other"):
            return services.propose_exchange(
                request.user,
                found,
                giver=request.user if gave else other,
                receiver=other if gave else request.user,
                hours=data["hours"],
                description=data["description"],
                happened_on=data["happened_on"],
            )

    return form_page(
        request,
        form,
        action=record,
        template="timebank/form.html",
        next_url=reverse("timebank:member", args=[slug]),
        success=lambda exchange: (
            f"Sent to {form.cleaned_data['other'].full_name} to confirm: {exchange.hours} hours."
        ),
        context={"timebank": found, "title": "Record an exchange"},
    )


@contextmanager
def refusals_about_the_other_member(field: str) -> Iterator[None]:
    """The service speaks of the giver and receiver; the form asks only for the other member, so
    a refusal about either is said on ``field``."""
    try:
        yield
    except (NotPermitted, NotVisible):
        raise
    except ValidationError as error:
        if hasattr(error, "error_dict") and {"giver", "receiver"} & set(error.error_dict):
            said = [message for problems in error.message_dict.values() for message in problems]
            raise Refusal(said, field=field) from None
        raise


def _exchange(request: HttpRequest, pk: int) -> Exchange:
    exchange = get_object_or_404(Exchange.objects.select_related("timebank", "giver", "receiver"), pk=pk)
    if not permissions.may_see_exchange(request.user, exchange):
        raise Http404
    return exchange


def _confirmed(exchange: Exchange) -> str:
    if exchange.status == Exchange.Status.RECORDED:
        return "The exchange is recorded."
    return "The exchange is confirmed; a broker will record it."


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    # The service answers someone who may not see the exchange as if it did not exist (404).
    exchange = get_object_or_404(Exchange.objects.select_related("timebank"), pk=pk)
    return act(
        request,
        lambda: services.confirm_exchange(request.user, exchange),
        next_url=reverse("timebank:member", args=[exchange.timebank.slug]),
        success=_confirmed,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = get_object_or_404(Exchange.objects.select_related("timebank"), pk=pk)
    return act(
        request,
        lambda: services.cancel_exchange(request.user, exchange),
        next_url=reverse("timebank:member", args=[exchange.timebank.slug]),
        success="The exchange is cancelled.",
    )


@login_required
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's statement over a period (a year by default), as a page or CSV."""
    found = _inside(request, slug)
    membership = selectors.membership_of(request.user, found)
    if membership is None or membership.account is None:
        raise Http404
    form = forms.StatementForm(request.GET or None)
    since, until = form.period()
    opening, lines = selectors.statement(membership.account, since, until)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{found.slug}-statement-{since}-{until}.csv"'
        writer = csv.writer(response)
        writer.writerow(["date", "with", "what", "kind", "hours", "balance", "recorded"])
        writer.writerow([since.isoformat(), "", "Opening balance", "", "", opening, ""])
        for line in lines:
            writer.writerow(
                [
                    line.happened_on.isoformat(),
                    line.with_whom,
                    line.what,
                    line.kind,
                    line.amount,
                    line.balance,
                    timezone.localtime(line.recorded_at).date().isoformat(),
                ]
            )
        return response
    context = {
        "timebank": found,
        "membership": membership,
        "form": form,
        "since": since,
        "until": until,
        "opening": opening,
        "lines": lines,
        "closing": lines[-1].balance if lines else opening,
        "pdf": pdf_available(),
    }
    if request.GET.get("format") == "pdf" and pdf_available():
        return pdf_response(
            request, "timebank/statement.html", context, f"{found.slug}-statement-{since}-{until}.pdf"
        )
    return render(request, "timebank/statement.html", context)


@login_required
def broker_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    found = _inside(request, slug)
    _broker(request, found)
    return render(
        request,
        "timebank/broker.html",
        {
            "timebank": found,
            **selectors.broker_dashboard(found, timezone.localdate()),
            "waiting": selectors.waiting_for(request.user, found),
            "recorded": selectors.recently_recorded(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("timebank", "user"), pk=pk)
    _refuse_outsiders(request, membership.timebank)
    _broker(request, membership.timebank)
    return form_page(
        request,
        bind(request, forms.ApproveForm),
        action=lambda data: services.approve_member(request.user, membership, **data),
        template="timebank/form.html",
        next_url=reverse("timebank:broker", args=[membership.timebank.slug]),
        success=f"{membership.user.full_name} is welcomed to {membership.timebank}.",
        context={"timebank": membership.timebank, "title": f"Welcome {membership.user.full_name}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    _broker(request, exchange.timebank)
    return form_page(
        request,
        bind(request, forms.CorrectForm),
        action=lambda data: services.correct_exchange(request.user, exchange, data["reason"]),
        template="timebank/form.html",
        next_url=reverse("timebank:broker", args=[exchange.timebank.slug]),
        success="The exchange is corrected with a reversing entry.",
        context={
            "timebank": exchange.timebank,
            "title": f"Correct: {exchange.hours} hours, {exchange.description}",
            "submit": "Correct the exchange",
        },
    )
