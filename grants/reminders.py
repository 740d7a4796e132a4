"""Reminders about monitoring returns: the application's contact is emailed 14 days before a return
is due, and once when it is overdue. Each is sent once (``reminded_at``, ``overdue_told_at``), so
running this daily, late or twice is safe; a reminder whose fortnight was missed (the grant was
accepted late, say) still goes while the return is not yet due. Sent returns, and returns whose
contact was erased, get none. Emails name the grant by its project and fund, never a person's
bank account."""

from __future__ import annotations

import logging
import smtplib
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import MonitoringReturn

logger = logging.getLogger(__name__)

REMIND_BEFORE = timedelta(days=14)


def _send(monitoring_return: MonitoringReturn, today: date, site_url: str, *, overdue: bool) -> bool:
    """Stamp the reminder and email it, in one transaction: stamped means sent, and an email that
    could not be sent leaves no stamp, so the next run tries again."""
    with transaction.atomic():
        locked = MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk)
        stamp = "overdue_told_at" if overdue else "reminded_at"
        if locked.submitted_at is not None or getattr(locked, stamp) is not None:
            return False
        setattr(locked, stamp, timezone.now())
        locked.save(update_fields=[stamp])
        _email(monitoring_return, today, site_url, overdue=overdue)
    return True


def _email(monitoring_return: MonitoringReturn, today: date, site_url: str, *, overdue: bool) -> None:
    application = monitoring_return.grant.application
    context = {
        "application": application,
        "grant": monitoring_return.grant,
        "monitoring_return": monitoring_return,
        "overdue": overdue,
        "days": abs((monitoring_return.due_on - today).days),
        "link": site_url.rstrip("/") + reverse("grants:return", args=[monitoring_return.pk]),
        "site": settings.CLOSEKNIT_SITE_NAME,
    }
    subject = (
        f"Your grant's monitoring return is overdue ({application.round.fund})"
        if overdue
        else f"Your grant's monitoring return is due on {monitoring_return.due_on:%-d %B %Y}"
    )
    send_mail(
        subject,
        render_to_string("grants/email/return_reminder.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [application.contact_email],
    )


def send_monitoring_reminders(today: date, site_url: str = "") -> int:
    """Remind each unsent return's contact 14 days before it is due, and once when it is overdue.
    Returns how many emails were sent."""
    waiting = (
        MonitoringReturn.objects.filter(
            submitted_at__isnull=True,
            due_on__lte=today + REMIND_BEFORE,
            grant__accepted_at__isnull=False,
        )
        .exclude(grant__application__contact_email="")
        .select_related("grant", "grant__application", "grant__application__round__fund")
        .order_by("due_on", "pk")
    )
    sent = 0
    for monitoring_return in waiting:
        overdue = monitoring_return.due_on < today
        if not overdue and monitoring_return.reminded_at is not None:
            continue
        try:
            sent += _send(monitoring_return, today, site_url, overdue=overdue)
        except (OSError, smtplib.SMTPException):  # one address the mail server refuses stops no other
            logger.exception("Could not send the reminder for monitoring return %s", monitoring_return.pk)
    logger.info("Sent %d monitoring return reminder emails", sent)
    return sent


@task()
def send_monitoring_reminders_task(today_iso: str, site_url: str = "") -> int:
    """Background task: the monitoring returns' reminders due on ``today_iso``."""
    return send_monitoring_reminders(date.fromisoformat(today_iso), site_url)
