"""Quarterly return actions: opening the returns of ended quarters, submitting one, the finance
officer's query, the answer, closing it, and suspending a budget whose return is long overdue.

The states run due → submitted → queried → answered (``responded``) → queried … → closed. Each
action is one transaction that locks the return's row first and reads its state under the lock, so
two people acting at once run one after the other: the second sees what the first did. Pressing a
button twice does it once: repeating what was just done (submitting a submitted return, closing a
closed one, sending the same message again) changes nothing and is not refused. Anything else out
of turn is a ``Refusal`` saying what to do; someone who may not act is ``NotPermitted``. Every
change is audited against the return (and the suspension and its lifting against the budget)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal

from . import return_selectors as selectors
from .ledger import MOST_PENCE, pounds
from .models import PersonalBudget, QuarterlyReturn, ReturnMessage

logger = logging.getLogger(__name__)

MOST_REFERENCES = 20
MOST_WORDS = 2000
State = QuarterlyReturn.State


def _text(value: Any, field: str, what: str, *, required: bool = False, most: int = MOST_WORDS) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise Refusal(f"Enter {what}.", field=field)
    if len(text) > most:
        raise Refusal(f"{what[0].upper()}{what[1:]} must be at most {most:,} characters.", field=field)
    return text


def _references(value: Any) -> str:
    """The evidence references, one a line: at least one, at most 20, each at most 100 characters."""
    lines = [line.strip() for line in (value if isinstance(value, str) else "").splitlines()]
    references = [line for line in lines if line]
    if not references:
        raise Refusal(
            "Enter the reference of at least one bank statement or invoice, one a line.", field="evidence"
        )
    if len(references) > MOST_REFERENCES:
        raise Refusal(f"Enter at most {MOST_REFERENCES} references.", field="evidence")
    if any(len(reference) > 100 for reference in references):
        raise Refusal("Each reference must be at most 100 characters.", field="evidence")
    return "\n".join(references)


def _balance(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refusal("Enter the closing balance in pounds and pence.", field="statement_balance_pence")
    if abs(value) > MOST_PENCE:
        raise Refusal(
            f"The closing balance must be between -{pounds(MOST_PENCE)} and {pounds(MOST_PENCE)}.",
            field="statement_balance_pence",
        )
    return value


def _locked(budget_return: QuarterlyReturn) -> QuarterlyReturn:
    return QuarterlyReturn.objects.select_for_update().select_related("budget").get(pk=budget_return.pk)


def _done(budget_return: QuarterlyReturn, locked: QuarterlyReturn) -> QuarterlyReturn:
    """The caller's copy, refreshed with what is now stored."""
    budget_return.refresh_from_db()
    return budget_return


def _last_message(locked: QuarterlyReturn) -> ReturnMessage | None:
    return locked.messages.order_by("-sent_at", "-pk").first()


@transaction.atomic
def open_returns(today: date) -> list[QuarterlyReturn]:
    """Open a return, due ``return_due_days`` after the quarter ends (the council's setting), for
    every quarter that has ended in which a direct payment or an ISF ran. Running it again opens
    nothing twice. Returns those opened."""
    opened = []
    budgets = PersonalBudget.objects.filter(kind__in=selectors.RETURNED_KINDS, starts_on__lt=today)
    for budget in budgets.order_by("pk"):
        days = selectors.due_days(budget.council_id)
        for start, end in selectors.quarters_ended(budget.starts_on, today):
            if budget.ends_on is not None and budget.ends_on < start:
                break
            found, created = QuarterlyReturn.objects.get_or_create(
                budget=budget,
                quarter_start=start,
                defaults={"quarter_end": end, "due_on": end + timedelta(days=days)},
            )
            if created:
                record_audit_event(None, AuditEvent.Action.CREATE, found, note="quarterly return opened")
                opened.append(found)
    if opened:
        logger.info("Opened %d quarterly returns", len(opened))
    return opened


@transaction.atomic
def submit_return(
    user: Requester,
    budget_return: QuarterlyReturn,
    *,
    statement_balance_pence: Any,
    evidence: Any,
    note: Any = "",
) -> QuarterlyReturn:
    """Whoever returns the budget submits the quarter: the spending and the balance at the
    quarter's end are taken from the ledger as it stands, beside the bank statement's closing
    balance they type, the evidence's references and a note."""
    if not selectors.may_submit_return(user, budget_return):
        raise NotPermitted("Only whoever holds the budget's money can submit its return.")
    assert isinstance(user, User)
    locked = _locked(budget_return)
    if locked.state != State.DUE:
        if locked.state == State.SUBMITTED and locked.submitted_by_id == user.pk:
            return _done(budget_return, locked)  # pressed twice: it is submitted once
        raise Refusal(f"This return was submitted on {timezone.localtime(locked.submitted_at):%-d %B %Y}.")
    if locked.quarter_end >= timezone.localdate():
        raise Refusal(f"The quarter runs until {locked.quarter_end:%-d %B %Y}: submit it after that.")
    balance = _balance(statement_balance_pence)
    references = _references(evidence)
    words = _text(note, "note", "the note")
    figures = selectors.ledger_figures(locked.budget, locked.quarter_start, locked.quarter_end)
    locked.state = State.SUBMITTED
    locked.statement_balance_pence = balance
    locked.evidence = references
    locked.note = words
    locked.spent_pence = figures.spent_pence
    locked.paid_in_pence = figures.paid_in_pence
    locked.ledger_balance_pence = figures.balance_pence
    locked.submitted_by = user
    locked.submitted_at = timezone.now()
    locked.save()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="quarterly return submitted")
    logger.info("Quarterly return %s submitted", locked.pk)
    return _done(budget_return, locked)


def _message(
    user: Requester,
    budget_return: QuarterlyReturn,
    text: Any,
    *,
    from_council: bool,
    allowed_from: tuple[str, ...],
    becomes: str,
    out_of_turn: dict[str, str],
    field: str,
) -> QuarterlyReturn:
    assert isinstance(user, User)
    words = _text(text, field, f"your {field}", required=True)
    locked = _locked(budget_return)
    last = _last_message(locked)
    if (
        locked.state == becomes
        and last is not None
        and last.author_id == user.pk
        and last.from_council == from_council
        and last.text == words
    ):
        return _done(budget_return, locked)  # sent twice: it is sent once
    if locked.state not in allowed_from:
        raise Refusal(out_of_turn.get(locked.state, out_of_turn[""]))
    ReturnMessage.objects.create(budget_return=locked, author=user, from_council=from_council, text=words)
    locked.state = becomes
    locked.save(update_fields=["state"])
    tell = (
        selectors.returners_of(locked.budget)
        if from_council
        else selectors.finance_officer_users(locked.budget)
    )
    transaction.on_commit(
        lambda: _tell_of_message(locked, from_council, [u for u in tell if u.pk != user.pk])
    )
    record_audit_event(
        user, AuditEvent.Action.UPDATE, locked, note=f"quarterly return {locked.get_state_display().lower()}"
    )
    return _done(budget_return, locked)


def _absolute(path: str) -> str:
    """The page's full address when answering a request (the site's own host), else the path."""
    request = audit.current_request()
    return request.build_absolute_uri(path) if request is not None else path


def _tell_of_message(budget_return: QuarterlyReturn, from_council: bool, users: list[User]) -> None:
    """Email the other side that a question (or an answer) waits on the return; the words stay on
    the return, behind its sign-in."""
    context = {
        "budget_return": budget_return,
        "budget": budget_return.budget,
        "from_council": from_council,
        "link": _absolute(reverse("care:budget_return", args=[budget_return.pk])),
        "service_name": settings.CLOSEKNIT_SITE_NAME,
    }
    subject = "A question about a quarterly return" if from_council else "An answer about a quarterly return"
    for user in users:
        send_mail(
            subject,
            render_to_string("care/returns/email/message.txt", {**context, "user": user}),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


@transaction.atomic
def query_return(user: Requester, budget_return: QuarterlyReturn, *, question: Any) -> QuarterlyReturn:
    """A finance officer asks a question about a submitted (or answered) return."""
    if not selectors.may_review_return(user, budget_return):
        raise NotPermitted(f"Only {budget_return.budget.council}'s finance officers can query a return.")
    return _message(
        user,
        budget_return,
        question,
        from_council=True,
        allowed_from=(State.SUBMITTED, State.RESPONDED),
        becomes=State.QUERIED,
        out_of_turn={
            State.DUE: "This return has not been submitted yet: there is nothing to query.",
            State.QUERIED: "This return is waiting for an answer to your last question.",
            State.CLOSED: "This return is closed: it cannot be queried.",
            "": "This return cannot be queried now.",
        },
        field="question",
    )


@transaction.atomic
def answer_query(user: Requester, budget_return: QuarterlyReturn, *, answer: Any) -> QuarterlyReturn:
    """Whoever returned it answers the finance officer's question."""
    if not selectors.may_answer_query(user, budget_return):
        raise NotPermitted("Only whoever holds the budget's money can answer a question about its return.")
    return _message(
        user,
        budget_return,
        answer,
        from_council=False,
        allowed_from=(State.QUERIED,),
        becomes=State.RESPONDED,
        out_of_turn={"": "There is no question waiting for an answer on this return."},
        field="answer",
    )


@transaction.atomic
def close_return(user: Requester, budget_return: QuarterlyReturn) -> QuarterlyReturn:
    """A finance officer accepts a submitted (or answered) return and closes it; a suspension it
    caused is lifted."""
    if not selectors.may_review_return(user, budget_return):
        raise NotPermitted(f"Only {budget_return.budget.council}'s finance officers can close a return.")
    assert isinstance(user, User)
    locked = _locked(budget_return)
    if locked.state == State.CLOSED:
        return _done(budget_return, locked)  # pressed twice: it is closed once
    if locked.state == State.DUE:
        raise Refusal("This return has not been submitted yet: it cannot be closed.")
    if locked.state == State.QUERIED:
        raise Refusal("This return is waiting for an answer to your question: close it once answered.")
    now = timezone.now()
    locked.state = State.CLOSED
    locked.closed_by = user
    locked.closed_at = now
    lifts = locked.is_suspending
    if lifts:
        locked.suspension_lifted_at = now
    locked.save()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="quarterly return closed")
    if lifts:
        record_audit_event(
            user, AuditEvent.Action.UPDATE, locked.budget, note="budget suspension lifted: return closed"
        )
        logger.info("Suspension of budget %s lifted: return %s closed", locked.budget_id, locked.pk)
    return _done(budget_return, locked)


@transaction.atomic
def suspend_overdue(today: date) -> list[QuarterlyReturn]:
    """Suspend the budget of every return still not submitted more than the council's
    ``suspend_after_days`` after it was due. Returns the returns that suspended a budget now."""
    suspended = []
    late = QuarterlyReturn.objects.filter(
        state=State.DUE, due_on__lt=today, suspended_at__isnull=True
    ).select_related("budget")
    for candidate in late.order_by("pk"):
        if (today - candidate.due_on).days <= selectors.suspend_after_days(candidate.budget.council_id):
            continue
        locked = _locked(candidate)
        if locked.state != State.DUE or locked.suspended_at is not None:
            continue
        locked.suspended_at = timezone.now()
        locked.save(update_fields=["suspended_at"])
        record_audit_event(None, AuditEvent.Action.UPDATE, locked, note="quarterly return overdue: suspended")
        record_audit_event(
            None, AuditEvent.Action.UPDATE, locked.budget, note="budget suspended: quarterly return overdue"
        )
        logger.info("Budget %s suspended: return %s overdue", locked.budget_id, locked.pk)
        suspended.append(locked)
    return suspended


def refuse_payment_while_suspended(budget: PersonalBudget) -> None:
    """The council pays nothing into a suspended budget: say which return to close."""
    late = selectors.suspending_returns(budget).first()
    if late is not None:
        raise Refusal(
            "Payments in are stopped while this budget is suspended: its quarterly return for "
            f"{late.quarter_label} is overdue. Closing that return lifts the suspension.",
            field="amount_pence",
        )
