"""Reminders that a micro-provider's check runs out soon, to its editors and its micro-enterprise
coordinators.

Each day, the latest check of each kind for each provider's owner and workers that runs out within
30 days (or has run out) is emailed to the provider's editors (its organisation's editors) and the
coordinators of its micro-enterprise team. Each person gets one email listing everything due. Each
check is reminded once per expiry date (``CheckReminder``), so running this daily is safe, and a
renewed check is reminded again as its new date nears. Emails name the worker's role, never the
worker.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from accounts.models import User

from .models import CheckReminder, MicroProvider, ProviderCheck
from .provider_selectors import latest_checks, micro_enterprise_coordinators, provider_editors
from .provider_services import apply_check_lapses

logger = logging.getLogger(__name__)

WARN_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class Due:
    check: ProviderCheck
    provider: str
    what: str
    who: str
    expires_on: date


def checks_due(today: date) -> list[Due]:
    """The latest checks running out within 30 days (or run out), not yet reminded for their date."""
    due = []
    for micro_provider in MicroProvider.objects.select_related("provider").prefetch_related("checks__worker"):
        for check in latest_checks(micro_provider, today):
            if check.expires_on is not None and check.expires_on <= today + WARN_WITHIN:
                due.append(
                    Due(
                        check,
                        micro_provider.provider.name,
                        check.get_kind_display(),
                        check.worker.role if check.worker else "owner",
                        check.expires_on,
                    )
                )
    sent = set(CheckReminder.objects.values_list("check_record_id", "expires_on"))
    return sorted(
        (d for d in due if (d.check.pk, d.expires_on) not in sent),
        key=lambda d: (d.expires_on, d.provider, d.what),
    )


def send_check_reminders(today: date) -> int:
    """Hide providers whose required checks have run out, then email what runs out within 30 days.
    Returns how many emails were sent."""
    apply_check_lapses(today)
    due = checks_due(today)
    per_user: dict[int, list[Due]] = defaultdict(list)
    users: dict[int, User] = {}
    told: dict[int, int] = defaultdict(int)
    for d in due:
        micro_provider = d.check.micro_provider
        for user in provider_editors(micro_provider) + micro_enterprise_coordinators(
            [micro_provider.team_id]
        ):
            if d not in per_user[user.pk]:
                users[user.pk] = user
                per_user[user.pk].append(d)
                told[d.check.pk] += 1
    with transaction.atomic():
        CheckReminder.objects.bulk_create(
            [
                CheckReminder(check_record=d.check, expires_on=d.expires_on, recipients=told[d.check.pk])
                for d in due
                if told[d.check.pk]
            ]
        )
        for user_pk, items in per_user.items():
            context = {
                "user": users[user_pk],
                "overdue": [d for d in items if d.expires_on < today],
                "soon": [d for d in items if d.expires_on >= today],
                "service_name": settings.CLOSEKNIT_SITE_NAME,
            }
            count = len(items)
            send_mail(
                f"{count} micro-provider check{'s' if count != 1 else ''} running out",
                render_to_string("care/providers/email/check_reminder.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [users[user_pk].email],
            )
    logger.info("Sent %d micro-provider check reminders about %d checks", len(per_user), len(due))
    return len(per_user)


@task()
def send_check_reminders_task(today_iso: str) -> int:
    """Background task: the reminders due on ``today_iso``."""
    return send_check_reminders(date.fromisoformat(today_iso))
