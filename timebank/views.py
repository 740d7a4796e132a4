"""Timebank pages. Public: the list of timebanks and each one's page. Members: their balance,
exchanges and statement. Brokers: applications, approvals, corrections and the dashboard.
Someone outside a timebank gets 404 for its member pages; a member gets 403 for broker pages."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import add_service_errors, error_summary
from common.pdf import pdf_available, pdf_response

from . import forms, selectors, services
from .models import CreditScheme, Exchange, Membership, Timebank


def timebanks(request):
    return render(
        request,
        "timebank/list.html",
        {"timebanks": selectors.public_timebanks(), "schemes": CreditScheme.objects.order_by("name")},
    )


def timebank(request, slug):
    found = get_object_or_404(selectors.public_timebanks(), slug=slug)
    return render(
        request,
        "timebank/timebank.html",
        {
            "timebank": found,
            "membership": selectors.membership_of(request.user, found),
            "inside": selectors.may_see_member_area(request.user, found),
            "broker": services.is_broker(request.user, found),
        },
    )


@login_required
@require_POST
def join(request, slug):
    found = get_object_or_404(Timebank, slug=slug)
    try:
        services.apply_to_join(request.user, found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Thank you. A broker from {found} will be in touch to welcome you.")
    return redirect("timebank:timebank", slug)


def _inside(request, slug) -> Timebank:
    found = get_object_or_404(Timebank.objects.select_related("ledger"), slug=slug)
    if not selectors.may_see_member_area(request.user, found):
        raise Http404
    return found


def _broker(request, timebank: Timebank) -> None:
    if not services.is_broker(request.user, timebank):
        raise PermissionDenied


@login_required
def member_area(request, slug):
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
            "broker": services.is_broker(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, slug):
    found = _inside(request, slug)
    if selectors.active_membership(request.user, found) is None:
        raise PermissionDenied
    others = selectors.members_visible_to(request.user, found).exclude(pk=request.user.pk)
    data = request.POST if request.method == "POST" else None
    form = forms.ExchangeForm(data, others=others)
    if data is not None and form.is_valid():
        gave = form.cleaned_data["direction"] == forms.ExchangeForm.GAVE
        other = form.cleaned_data["other"]
        try:
            exchange = services.propose_exchange(
                request.user,
                found,
                giver=request.user if gave else other,
                receiver=other if gave else request.user,
                hours=form.cleaned_data["hours"],
                description=form.cleaned_data["description"],
                happened_on=form.cleaned_data["happened_on"],
            )
        except ValidationError as error:
            add_service_errors(form, _about_the_other_member(error, "other"))
        else:
            messages.success(request, f"Sent to {other.full_name} to confirm: {exchange.hours} hours.")
            return redirect("timebank:member", slug)
    return render(
        request,
        "timebank/form.html",
        {"timebank": found, "form": form, "errors": error_summary(form), "title": "Record an exchange"},
    )


def _about_the_other_member(error: ValidationError, field: str) -> ValidationError:
    """The service speaks of the giver and receiver; the form asks only for the other member."""
    if hasattr(error, "error_dict") and {"giver", "receiver"} & set(error.error_dict):
        return ValidationError({field: [m for problems in error.message_dict.values() for m in problems]})
    return error


def _exchange(request, pk) -> Exchange:
    exchange = get_object_or_404(Exchange.objects.select_related("timebank", "giver", "receiver"), pk=pk)
    if not selectors.may_see_member_area(request.user, exchange.timebank):
        raise Http404
    if not selectors.exchanges_for(request.user, exchange.timebank).filter(pk=pk).exists():
        raise Http404
    return exchange


@login_required
@require_POST
def confirm(request, pk):
    exchange = _exchange(request, pk)
    try:
        exchange = services.confirm_exchange(request.user, exchange)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = (
            "recorded"
            if exchange.status == Exchange.Status.RECORDED
            else "confirmed; a broker will record it"
        )
        messages.success(request, f"The exchange is {done}.")
    return redirect("timebank:member", exchange.timebank.slug)


@login_required
@require_POST
def cancel(request, pk):
    exchange = _exchange(request, pk)
    try:
        services.cancel_exchange(request.user, exchange)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The exchange is cancelled.")
    return redirect("timebank:member", exchange.timebank.slug)


@login_required
def statement(request, slug):
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
        writer.writerow(["date", "what", "kind", "hours", "balance"])
        writer.writerow([since.isoformat(), "Opening balance", "", "", opening])
        for line in lines:
            writer.writerow(
                [
                    timezone.localtime(line.when).date().isoformat(),
                    line.what,
                    line.kind,
                    line.amount,
                    line.balance,
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
def broker_dashboard(request, slug):
    found = _inside(request, slug)
    _broker(request, found)
    return render(
        request,
        "timebank/broker.html",
        {
            "timebank": found,
            **selectors.broker_dashboard(found, timezone.localdate()),
            "waiting": selectors.waiting_for(request.user, found),
            "recorded": found.exchanges.filter(status=Exchange.Status.RECORDED).select_related(
                "giver", "receiver"
            )[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def approve(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("timebank", "user"), pk=pk)
    _inside(request, membership.timebank.slug)
    _broker(request, membership.timebank)
    data = request.POST if request.method == "POST" else None
    form = forms.ApproveForm(data)
    if data is not None and form.is_valid():
        try:
            services.approve_member(request.user, membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{membership.user.full_name} is welcomed to {membership.timebank}.")
            return redirect("timebank:broker", membership.timebank.slug)
    return render(
        request,
        "timebank/form.html",
        {
            "timebank": membership.timebank,
            "form": form,
            "errors": error_summary(form),
            "title": f"Welcome {membership.user.full_name}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, pk):
    exchange = _exchange(request, pk)
    _broker(request, exchange.timebank)
    data = request.POST if request.method == "POST" else None
    form = forms.CorrectForm(data)
    if data is not None and form.is_valid():
        try:
            services.correct_exchange(request.user, exchange, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The exchange is corrected with a reversing entry.")
            return redirect("timebank:broker", exchange.timebank.slug)
    return render(
        request,
        "timebank/form.html",
        {
            "timebank": exchange.timebank,
            "form": form,
            "errors": error_summary(form),
            "title": f"Correct: {exchange.hours} hours, {exchange.description}",
            "submit": "Correct the exchange",
        },
    )
