"""Surplus warnings: each day, every personal budget's surplus is checked against its council's
ceiling now, and the council's finance officers are emailed about each budget that has passed its
ceiling since they were last told.

A budget passes its ceiling when its balance is more than the ceiling (the council's number of
weeks times the weekly figure); exactly at the ceiling is not a surplus. When the finance officers
are told, the budget records it (``surplus_told_at``); when the balance falls back to the ceiling
or under, that is cleared (here, or by the ledger's next entry), so each passing is told once.
Emails name budgets by number and link, never the person."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from . import budget_selectors as selectors
from . import budget_services as services
from .models import PersonalBudget

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Passed:
    """A budget over its ceiling whose finance officers have not been told yet."""

    budget_id: int
    surplus: selectors.Surplus
    url: str


def budgets_newly_over(site_url: str = "") -> dict[int, list[Passed]]:
    """Flag or clear every budget's surplus by its ceiling now; the budgets over it and not yet
    told of, by council id."""
    found: dict[int, list[Passed]] = defaultdict(list)
    for budget in PersonalBudget.objects.order_by("pk"):
        surplus = services.check_surplus(budget)
        if surplus.passed and budget.surplus_told_at is None:
            url = site_url.rstrip("/") + reverse("care:budget", args=[budget.pk])
            found[budget.council_id].append(Passed(budget.pk, surplus, url))
    return found


def warn_of_surpluses(today: date, site_url: str = "") -> int:
    """Email each council's finance officers about the budgets newly over their surplus ceiling,
    one email each listing them, and record that they were told. Returns how many emails were
    sent. A council with no finance officer (with an email address) is told nothing, and its
    budgets stay untold until it has one."""
    sent = 0
    for council_id, passed in budgets_newly_over(site_url).items():
        officers = [
            officer.user
            for officer in selectors.finance_officers_of_council(council_id)
            if officer.user.is_active and officer.user.email
        ]
        if not officers:
            logger.warning(
                "Council %s has budgets over their surplus ceiling and no finance officer", council_id
            )
            continue
        with transaction.atomic():
            told = PersonalBudget.objects.filter(
                pk__in=[p.budget_id for p in passed], surplus_told_at__isnull=True
            ).update(surplus_told_at=timezone.now())
            if not told:
                continue  # another run told them meanwhile
            count = len(passed)
            for user in officers:
                send_mail(
                    f"{count} personal budget{'s' if count != 1 else ''} over the surplus ceiling",
                    render_to_string(
                        "care/budgets/email/surplus_warning.txt",
                        {
                            "user": user,
                            "passed": passed,
                            "today": today,
                            "list_url": site_url.rstrip("/") + reverse("care:finance_budgets"),
                            "service_name": settings.CLOSEKNIT_SITE_NAME,
                        },
                    ),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                sent += 1
        logger.info(
            "Told council %s's finance officers of %d budgets over their ceiling", council_id, len(passed)
        )
    return sent


@task()
def warn_of_surpluses_task(today_iso: str, site_url: str = "") -> int:
    """Background task: the surplus warnings due on ``today_iso``."""
    return warn_of_surpluses(date.fromisoformat(today_iso), site_url)
