"""Personal budget pages: the budgets someone may see, a budget (balance, lines, entries), the
provider's "record spending" form, correcting an entry, reclaiming a surplus, and the monthly
statement in plain words for the person and their representative.

Every budget is found through ``budget_selectors.budgets_visible_to``: anyone else gets 404, as
for a budget that does not exist. Reads are audited by ``PersonalBudget.from_db``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import require_second_factor
from common.forms import error_summary
from common.pages import act, bind, form_page
from common.pdf import pdf_available, pdf_response

from . import budget_selectors as selectors
from . import budget_services as services
from .budget_forms import CorrectionForm, MonthForm, SpendingForm
from .ledger import pounds
from .models import LedgerEntry, PersonalBudget


def _budget(request: HttpRequest, pk: int) -> PersonalBudget:
    """A budget ``request.user`` may see. Anyone but the person and their representative (a finance
    officer, the ISF's holder) proves a second factor first, whatever their role."""
    if selectors.sees_others_budgets(request.user):
        require_second_factor(request)  # before the read, so nothing is shown or audited yet
    return get_object_or_404(selectors.budgets_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET"])
def budgets(request: HttpRequest) -> HttpResponse:
    """The budgets this person may see: their own, those they represent, those their organisation
    holds, or their council's. Anyone who may see someone else's proves a second factor first."""
    if selectors.sees_others_budgets(request.user):
        require_second_factor(request)
    return render(
        request,
        "care/budgets/list.html",
        {
            "budgets": list(selectors.budgets_visible_to(request.user).order_by("person__full_name", "pk")),
            "finance": selectors.councils_of_finance_officer(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET"])
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    found = _budget(request, pk)
    return render(
        request,
        "care/budgets/budget.html",
        {
            "budget": found,
            "lines": list(selectors.lines_of(found)),
            "entries": list(selectors.entries_of(found)[:100]),
            "surplus": selectors.surplus_of(found),
            "own": selectors.is_the_person(request.user, found),
            "may_spend": selectors.may_record_spending(request.user, found),
            "may_fund": selectors.may_fund_budget(request.user, found),
            "enforced": selectors.enforces_limits(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_spending(request: HttpRequest, pk: int) -> HttpResponse:
    """The ISF provider (or the council's finance officer) records spending on a line, with its
    invoice or timesheet reference."""
    found = _budget(request, pk)
    if not selectors.may_record_spending(request.user, found):
        raise Http404("No such budget.")
    form = bind(request, SpendingForm, lines=selectors.lines_of(found))

    return form_page(
        request,
        form,
        action=lambda data: services.record_spending(request.user, found, **form.spending()),
        template="care/budgets/spending.html",
        next_url=reverse("care:budget", args=[found.pk]),
        success=lambda posted: " ".join(
            [f"Spending of {pounds(-posted.entry.amount_pence)} recorded.", *posted.warnings]
        ),
        context={"title": "Record spending", "submit": "Record spending", "budget": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a mistaken entry with a reversal (the original stays on the ledger)."""
    if selectors.sees_others_budgets(request.user):
        require_second_factor(request)
    entry = get_object_or_404(
        LedgerEntry.objects.filter(budget__in=selectors.budgets_visible_to(request.user)).select_related(
            "budget", "line"
        ),
        pk=pk,
    )
    if not selectors.may_correct_entry(request.user, entry):
        raise Http404("No such entry.")
    form = bind(request, CorrectionForm)
    return form_page(
        request,
        form,
        action=lambda data: services.correct_entry(request.user, entry, reason=data["reason"]),
        template="care/budgets/correct.html",
        next_url=reverse("care:budget", args=[entry.budget_id]),
        success="The entry is corrected: a reversal is on the ledger beside it.",
        context={"title": "Correct an entry", "submit": "Correct the entry", "entry": entry},
    )


@login_required
@require_POST
def reclaim_surplus(request: HttpRequest, pk: int) -> HttpResponse:
    """A finance officer takes back what is above the surplus ceiling."""
    found = _budget(request, pk)
    return act(
        request,
        lambda: services.reclaim_surplus(request.user, found),
        next_url=reverse("care:budget", args=[found.pk]),
        success=lambda entry: f"{pounds(-entry.amount_pence)} of surplus returned to the council.",
    )


@login_required
@require_http_methods(["GET"])
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """A month of the budget in plain words, made for a phone; ``?format=pdf`` gives the same as a
    PDF (when WeasyPrint is installed)."""
    found = _budget(request, pk)
    form = MonthForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_valid() else timezone.localdate().replace(day=1)
    first, _ = selectors.month_bounds(month)
    earlier = (first - timedelta(days=1)).replace(day=1)
    later = (first + timedelta(days=32)).replace(day=1)
    context = {
        "budget": found,
        "statement": selectors.statement_for(found, month),
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "own": selectors.is_the_person(request.user, found),
        "earlier": earlier,
        "later": later if later <= timezone.localdate() else None,
        "pdf": pdf_available(),
    }
    if request.GET.get("format") == "pdf" and pdf_available() and not context["errors"]:
        # The same template, words and figures as the page; the read is audited as the page's is.
        return pdf_response(
            request, "care/budgets/statement.html", context, f"budget-statement-{first:%Y-%m}.pdf"
        )
    return render(request, "care/budgets/statement.html", context)
