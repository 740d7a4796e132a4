"""Reminders to volunteers the day before a shift: one email per sign-up, sent once, so running
this every hour is safe. Volunteers without an email address are left to the organiser's roster."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import SignUp

logger = logging.getLogger(__name__)

AHEAD = timedelta(hours=24)


def send_shift_reminders(now: datetime, site_url: str = "") -> int:
    """Email everyone with a place on a shift starting within the next day. Returns how many."""
    started = time.monotonic()
    due = (
        SignUp.objects.filter(
            status=SignUp.Status.CONFIRMED,
            reminded_at__isnull=True,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + AHEAD,
        )
        .exclude(email="")
        .select_related("shift__opportunity__organisation", "shift__opportunity__venue")
    )
    sent = 0
    for signup in due:
        with transaction.atomic():
            # Claim it first, so two workers never send the same reminder.
            if not SignUp.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            opportunity = signup.shift.opportunity
            body = render_to_string(
                "volunteering/email/shift_reminder.txt",
                {
                    "signup": signup,
                    "opportunity": opportunity,
                    "starts": timezone.localtime(signup.shift.starts_at),
                    "url": site_url.rstrip("/") + reverse("volunteering:mine"),
                },
            )
            send_mail(
                f"Tomorrow: {opportunity.title}",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [signup.email],
            )
            sent += 1
    logger.info("Sent %d shift reminders in %.1f s", sent, time.monotonic() - started)
    return sent


@task()
def send_shift_reminders_task(now_iso: str, site_url: str = "") -> int:
    """Background task: the shift reminders due at ``now_iso``."""
    return send_shift_reminders(datetime.fromisoformat(now_iso), site_url)
