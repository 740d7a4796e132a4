"""Quarterly return pages: the returns someone may see (a finance officer's across the council,
filtered by state), a return with its figures and its thread, and the actions: submit, ask a
question, answer it, close.

Every return is found through ``return_selectors.returns_visible_to``: anyone else gets 404, as for
a return that does not exist, and so does someone who sees a return but may not take the action a
page is for. A finance officer and an ISF's holder prove a second factor before any of these pages,
as before a budget's. Reads are audited by ``QuarterlyReturn.from_db`` and ``PersonalBudget.from_db``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import require_second_factor
from common.pages import act, bind, form_page

from . import budget_selectors
from . import return_selectors as selectors
from . import return_services as services
from .models import QuarterlyReturn
from .return_forms import AnswerForm, QuestionForm, SubmitReturnForm

State = QuarterlyReturn.State


def _second_factor_first(request: HttpRequest) -> None:
    if budget_selectors.sees_others_budgets(request.user):
        require_second_factor(request)  # before the read, so nothing is shown or audited yet


def _return(request: HttpRequest, pk: int) -> QuarterlyReturn:
    """A return ``request.user`` may see, after the second factor where it is asked for."""
    _second_factor_first(request)
    return get_object_or_404(selectors.returns_visible_to(request.user), pk=pk)


def _page_of(found: QuarterlyReturn) -> str:
    return reverse("care:budget_return", args=[found.pk])


def _not_now(
    request: HttpRequest, found: QuarterlyReturn, states: tuple[str, ...], why: str
) -> HttpResponse | None:
    """A form asked for (GET) when the return is not in a state it serves: back to the return,
    saying why. A POST goes on to the service, which does a repeat once or says why not."""
    if request.method == "GET" and found.state not in states:
        messages.info(request, why)
        return redirect(_page_of(found))
    return None


@login_required
@require_http_methods(["GET"])
def returns(request: HttpRequest) -> HttpResponse:
    """The returns this person may see, newest quarter first; filtered by state (``?state=``) and
    by budget (``?budget=``)."""
    _second_factor_first(request)
    today = timezone.localdate()
    shown = request.GET.get("state", "")
    shown = shown if shown in selectors.FILTERS else ""
    found = selectors.filter_returns(selectors.returns_visible_to(request.user), shown, today)
    budget_id = request.GET.get("budget", "")
    if budget_id.isdecimal() and budget_id.isascii() and len(budget_id) < 19:
        found = found.filter(budget_id=int(budget_id))
    else:
        budget_id = ""
    rows = list(found.order_by("-quarter_start", "due_on", "budget__person__full_name", "pk")[:200])
    return render(
        request,
        "care/returns/list.html",
        {
            "returns": rows,
            "filters": selectors.FILTERS,
            "shown": shown,
            "shown_label": selectors.FILTERS.get(shown, ""),
            "budget_id": budget_id,
            "today": today,
            "officer": budget_selectors.councils_of_finance_officer(request.user).exists(),
            "suspended": selectors.suspended_budget_ids({r.budget_id for r in rows}),
        },
    )


@login_required
@require_http_methods(["GET"])
def budget_return(request: HttpRequest, pk: int) -> HttpResponse:
    found = _return(request, pk)
    today = timezone.localdate()
    returner = selectors.is_returner(request.user, found.budget)
    return render(
        request,
        "care/returns/return.html",
        {
            "budget_return": found,
            "budget": found.budget,
            "thread": list(found.messages.select_related("author")),
            "so_far": selectors.ledger_figures(
                found.budget, found.quarter_start, min(found.quarter_end, today)
            )
            if found.state == QuarterlyReturn.State.DUE
            else None,
            "overdue": found.is_overdue(today),
            "returner": returner,
            "own": budget_selectors.is_own_budget(request.user, found.budget),
            "may_review": selectors.may_review_return(request.user, found),
            "quarter_over": found.quarter_end < today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever holds the money submits the quarter."""
    found = _return(request, pk)
    if not selectors.may_submit_return(request.user, found):
        raise Http404("No such return.")
    if refused := _not_now(request, found, (State.DUE,), "This return has been submitted."):
        return refused
    form = bind(request, SubmitReturnForm)
    return form_page(
        request,
        form,
        action=lambda data: services.submit_return(request.user, found, **form.submission()),
        template="care/returns/submit.html",
        next_url=_page_of(found),
        success="The return is submitted. The council's finance officer will look at it.",
        context=lambda: {
            "title": "Submit the return",
            "submit": "Submit the return",
            "budget_return": found,
            "figures": selectors.ledger_figures(found.budget, found.quarter_start, found.quarter_end),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def query_return(request: HttpRequest, pk: int) -> HttpResponse:
    """A finance officer asks whoever returned it a question."""
    found = _return(request, pk)
    if not selectors.may_review_return(request.user, found):
        raise Http404("No such return.")
    if refused := _not_now(
        request,
        found,
        (State.SUBMITTED, State.RESPONDED),
        "A question can be asked once the return is submitted or answered.",
    ):
        return refused
    form = bind(request, QuestionForm)
    return form_page(
        request,
        form,
        action=lambda data: services.query_return(request.user, found, question=data["question"]),
        template="care/returns/message.html",
        next_url=_page_of(found),
        success="Your question is sent. The return waits for the answer.",
        context={"title": "Ask about the return", "submit": "Send the question", "budget_return": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_query(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever returned it answers the finance officer's question."""
    found = _return(request, pk)
    if not selectors.may_answer_query(request.user, found):
        raise Http404("No such return.")
    if refused := _not_now(request, found, (State.QUERIED,), "There is no question waiting for an answer."):
        return refused
    form = bind(request, AnswerForm)
    return form_page(
        request,
        form,
        action=lambda data: services.answer_query(request.user, found, answer=data["answer"]),
        template="care/returns/message.html",
        next_url=_page_of(found),
        success="Your answer is sent to the council.",
        context=lambda: {
            "title": "Answer the question",
            "submit": "Send the answer",
            "budget_return": found,
            "question": found.messages.filter(from_council=True).order_by("-sent_at", "-pk").first(),
        },
    )


@login_required
@require_POST
def close_return(request: HttpRequest, pk: int) -> HttpResponse:
    """A finance officer accepts the return and closes it (lifting a suspension it caused)."""
    found = _return(request, pk)
    if not selectors.may_review_return(request.user, found):
        raise Http404("No such return.")
    return act(
        request,
        lambda: services.close_return(request.user, found),
        next_url=_page_of(found),
        success=lambda closed: (
            "The return is closed."
            + (" The budget's suspension is lifted." if closed.suspension_lifted_at else "")
        ),
    )
