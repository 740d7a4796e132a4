"""Reminders about quarterly returns, and the suspension of budgets whose return is long overdue.

Each day: the returns of quarters that have just ended are opened; budgets whose return is overdue
by more than the council's ``suspend_after_days`` are suspended; then whoever must return each
return still due is emailed a week before it is due, on the day, and once it is overdue (the
council's finance officers too, then). Each reminder is sent once (``ReturnReminder``), so running
this daily, late or twice is safe; a reminder whose day was missed is not sent late, except the
overdue one. Emails name the budget by its number and the quarter, never the person.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.models import User

from . import return_selectors as selectors
from . import return_services as services
from .models import QuarterlyReturn, ReturnReminder

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)
Kind = ReturnReminder.Kind
SUBJECTS: dict[str, str] = {
    Kind.WEEK_BEFORE: "A quarterly return is due in a week",
    Kind.DUE_TODAY: "A quarterly return is due today",
    Kind.OVERDUE: "A quarterly return is overdue",
}


def reminder_due(budget_return: QuarterlyReturn, today: date) -> str | None:
    """Which reminder a return still due needs today, if any: a week before (within the week
    before its date), on the day, or overdue (after it)."""
    if budget_return.due_on < today:
        return Kind.OVERDUE
    if budget_return.due_on == today:
        return Kind.DUE_TODAY
    if budget_return.due_on - WEEK <= today:
        return Kind.WEEK_BEFORE
    return None


def _recipients(budget_return: QuarterlyReturn, kind: str) -> list[User]:
    users = selectors.returners_of(budget_return.budget)
    if kind == Kind.OVERDUE:
        users += [u for u in selectors.finance_officer_users(budget_return.budget) if u not in users]
    return users


def send_return_reminders(today: date, site_url: str = "") -> int:
    """Open, suspend, then remind as above. Returns how many emails were sent."""
    services.open_returns(today)
    services.suspend_overdue(today)
    reminded = set(ReturnReminder.objects.values_list("budget_return_id", "kind"))
    due = QuarterlyReturn.objects.filter(state=QuarterlyReturn.State.DUE, due_on__lte=today + WEEK)
    sent = 0
    for budget_return in due.select_related("budget", "budget__council", "budget__person").order_by("pk"):
        kind = reminder_due(budget_return, today)
        if kind is None or (budget_return.pk, kind) in reminded:
            continue
        users = _recipients(budget_return, kind)
        officers = {u.pk for u in selectors.finance_officer_users(budget_return.budget)}
        with transaction.atomic():
            ReturnReminder.objects.create(budget_return=budget_return, kind=kind, recipients=len(users))
            for user in users:
                context = {
                    "user": user,
                    "kind": kind,
                    "budget_return": budget_return,
                    "budget": budget_return.budget,
                    "returner": user.pk not in officers,
                    "link": site_url.rstrip("/") + reverse("care:budget_return", args=[budget_return.pk]),
                    "days_late": (today - budget_return.due_on).days,
                    "service_name": settings.CLOSEKNIT_SITE_NAME,
                }
                subject = SUBJECTS[kind]
                send_mail(
                    subject,
                    render_to_string("care/returns/email/reminder.txt", context),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                sent += 1
    logger.info("Sent %d quarterly return reminder emails", sent)
    return sent


@task()
def send_return_reminders_task(today_iso: str, site_url: str = "") -> int:
    """Background task: the returns' reminders and suspensions due on ``today_iso``."""
    return send_return_reminders(date.fromisoformat(today_iso), site_url)
