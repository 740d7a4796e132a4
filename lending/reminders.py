"""Overdue loans: each borrower reached by email is reminded once a day the loan is overdue is
first seen; borrowers with a phone number only are on the coordinator's dashboard to ring."""

from __future__ import annotations

import logging
import time
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from .models import Reservation

logger = logging.getLogger(__name__)


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def send_overdue_reminders(today: date) -> int:
    """Email each borrower with an email address whose loan is newly overdue. Returns how many."""
    started = time.monotonic()
    overdue = Reservation.objects.filter(
        status=Reservation.Status.OUT, ends_on__lt=today, reminded_overdue_on__isnull=True
    ).select_related("item__organisation")
    sent = 0
    for loan in overdue:
        if not _is_email(loan.borrower_contact):
            continue
        with transaction.atomic():
            if not Reservation.objects.filter(pk=loan.pk, reminded_overdue_on__isnull=True).update(
                reminded_overdue_on=today
            ):
                continue
            send_mail(
                f"{loan.item.name} was due back on {loan.ends_on:%-d %B}",
                render_to_string("lending/email/overdue.txt", {"loan": loan}),
                settings.DEFAULT_FROM_EMAIL,
                [loan.borrower_contact],
            )
            sent += 1
    logger.info("Sent %d overdue loan reminders for %s in %.1f s", sent, today, time.monotonic() - started)
    return sent


@task()
def send_overdue_reminders_task(today_iso: str) -> int:
    return send_overdue_reminders(date.fromisoformat(today_iso))
