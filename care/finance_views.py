"""The finance officers' pages: their council's budgets (those over the surplus ceiling first),
setting up a budget for a person found by their record reference, adding and changing a budget's
lines, and recording a council payment in and a contribution received.

Only a council's finance officers reach these pages, after proving a second factor: anyone else
signed in is answered 403 before anything is read; a budget, line or person of another council is
answered 404, as one that does not exist. Every read of a budget or a person is audited by their
models, and every change by its service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.middleware import require_second_factor
from common.forms import error_summary
from common.pages import bind, form_page

from . import budget_selectors as selectors
from . import budget_services as services
from .finance_forms import BudgetSetUpForm, ContributionForm, FindPersonForm, LineForm, PaymentInForm
from .ledger import pounds
from .models import BudgetLine, PersonalBudget


def _finance_officer(request: HttpRequest) -> None:
    """Refuse anyone who is not a council's finance officer (before reading anything), then ask a
    finance officer for their second factor."""
    if not selectors.councils_of_finance_officer(request.user).exists():
        raise PermissionDenied("Only a council's finance officers can use these pages.")
    require_second_factor(request)


def _budget(request: HttpRequest, pk: int) -> PersonalBudget:
    _finance_officer(request)
    return get_object_or_404(selectors.budgets_funded_by(request.user), pk=pk)


def _back_to(budget: PersonalBudget) -> str:
    return reverse("care:budget", args=[budget.pk])


@login_required
@require_http_methods(["GET"])
def finance_budgets(request: HttpRequest) -> HttpResponse:
    """The council's budgets: those over their surplus ceiling first, with how far over."""
    _finance_officer(request)
    budgets = list(selectors.budgets_funded_by(request.user).order_by("person__full_name", "pk"))
    surpluses = {budget.pk: selectors.surplus_of(budget) for budget in budgets}
    return render(
        request,
        "care/finance/budgets.html",
        {
            "over": [(b, surpluses[b.pk]) for b in budgets if surpluses[b.pk].passed],
            "budgets": budgets,
        },
    )


@login_required
@require_http_methods(["GET"])
def find_person(request: HttpRequest) -> HttpResponse:
    """Step one of setting up a budget: the person, by the record reference on their page."""
    _finance_officer(request)
    form = FindPersonForm(request.GET or None)
    if form.is_valid():
        person = selectors.person_for_finance_officer(request.user, form.cleaned_data["reference"])
        if person is not None:
            return redirect("care:finance_set_up_budget", person.pk)
        form.add_error(
            "reference",
            "No record of your council's people has this reference: check it on the person's page",
        )
    return render(
        request,
        "care/finance/find_person.html",
        {"form": form, "errors": error_summary(form) if form.is_bound else [], "title": "Set up a budget"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_up_budget(request: HttpRequest, person_pk: UUID) -> HttpResponse:
    """Step two: the budget itself, for the person found."""
    _finance_officer(request)
    person = selectors.person_for_finance_officer(request.user, person_pk)
    if person is None:
        raise Http404("No such person.")
    form = bind(request, BudgetSetUpForm, providers=selectors.isf_holders(), goals=selectors.goals_of(person))

    def context() -> dict[str, Any]:
        annual = getattr(form, "cleaned_data", {}).get("annual_pence")
        return {
            "person": person,
            "council": selectors.council_of_person(person),
            "annual": annual,
            "weekly": PersonalBudget(annual_pence=annual).weekly_pence if isinstance(annual, int) else None,
            "title": "Set up a personal budget",
            "submit": "Set up the budget",
        }

    return form_page(
        request,
        form,
        action=lambda data: services.set_up_budget_for_person(request.user, person, **data),
        template="care/finance/set_up_budget.html",
        next_url=_back_to,
        success=lambda budget: (
            f"The budget is set up: {pounds(budget.annual_pence)} a year, "
            f"{pounds(budget.weekly_pence)} a week. Add its lines next."
        ),
        context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_line(request: HttpRequest, pk: int) -> HttpResponse:
    """Give part of the year's budget to something."""
    found = _budget(request, pk)
    form = bind(request, LineForm)
    return form_page(
        request,
        form,
        action=lambda data: services.add_line(request.user, found, **data),
        template="care/finance/line.html",
        next_url=_back_to(found),
        success=lambda line: f"Line added: {pounds(line.allocated_pence)} for the year.",
        context=lambda: {
            "budget": found,
            "left_to_give": found.annual_pence - selectors.given_to_lines(found),
            "title": "Add a line",
            "submit": "Add the line",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_line(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a line's words or its allowance; what was spent on it stays on the ledger as it was."""
    _finance_officer(request)
    line = get_object_or_404(
        BudgetLine.objects.filter(budget__in=selectors.budgets_funded_by(request.user)).select_related(
            "budget"
        ),
        pk=pk,
    )
    initial = {
        "kind": line.kind,
        "description": line.description,
        "allocated_pence": f"{line.allocated_pence / 100:.2f}",
    }
    form = bind(request, LineForm, initial=initial)
    return form_page(
        request,
        form,
        action=lambda data: services.change_line(request.user, line, **data),
        template="care/finance/line.html",
        next_url=_back_to(line.budget),
        success=lambda changed: f"Line changed: {pounds(changed.allocated_pence)} for the year.",
        context=lambda: {
            "budget": line.budget,
            "line": line,
            "left_to_give": line.budget.annual_pence - selectors.given_to_lines(line.budget),
            "title": "Change a line",
            "submit": "Save the line",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pay_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's payment into the budget, with its reference."""
    found = _budget(request, pk)
    form = bind(request, PaymentInForm)
    return form_page(
        request,
        form,
        action=lambda data: services.pay_in(
            request.user,
            found,
            amount_pence=data["amount"],
            occurred_on=data["occurred_on"],
            evidence=data["evidence"],
            reason=data["reason"],
        ),
        template="care/finance/money_in.html",
        next_url=_back_to(found),
        success=lambda entry: f"Payment in of {pounds(entry.amount_pence)} recorded.",
        context={"budget": found, "title": "Record a payment in", "submit": "Record the payment"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's assessed contribution, received, with its evidence reference."""
    found = _budget(request, pk)
    form = bind(request, ContributionForm)
    return form_page(
        request,
        form,
        action=lambda data: services.record_contribution(
            request.user,
            found,
            amount_pence=data["amount"],
            occurred_on=data["occurred_on"],
            evidence=data["evidence"],
        ),
        template="care/finance/money_in.html",
        next_url=_back_to(found),
        success=lambda entry: f"Contribution of {pounds(entry.amount_pence)} recorded.",
        context={"budget": found, "title": "Record a contribution", "submit": "Record the contribution"},
    )
