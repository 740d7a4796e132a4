"""Reminders that listings are past their review date, escalating when nobody acts.

Each listing's editors get one email listing all of their organisation's overdue
listings. If a listing is still unchecked 30 days after that, its organisation's
administrators are told (or, if it has none, the site's administrators). Each
level is sent once per review date, so running this daily is safe.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import Role, User

from .models import ListingStatus, ReviewReminder, Service

logger = logging.getLogger(__name__)

ESCALATE_AFTER = timedelta(days=30)


def overdue_listings(today: date):
    """Published listings whose review date has passed.

    The database narrows to listings unchecked for at least a week (the shortest review
    cycle); each one's own cycle is then applied here, as date arithmetic on a column
    differs between SQLite and PostgreSQL.
    """
    listings = (
        Service.objects.filter(
            listing_status=ListingStatus.PUBLISHED, last_checked__lt=today - timedelta(days=6)
        )
        .exclude(status=Service.Status.DEFUNCT)
        .select_related("owner")
        .prefetch_related("reminders")
        .order_by("last_checked")
    )
    return [listing for listing in listings if listing.review_due < today]


def _editors(organisation_id) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, role=Role.ORGANISATION_EDITOR, is_active=True
        ).exclude(email="")
    )


def _managers(organisation_id) -> list[User]:
    managers = list(
        User.objects.filter(organisation_id=organisation_id, role=Role.ADMINISTRATOR, is_active=True).exclude(
            email=""
        )
    )
    return managers or list(
        User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMINISTRATOR), is_active=True).exclude(
            email=""
        )
    )


def _send(recipients: list[User], listings: list[Service], level: int, site_url: str) -> None:
    context = {
        "listings": listings,
        "level": level,
        "site_url": site_url.rstrip("/"),
        "manage_path": reverse("directory:your_listings"),
        "service_name": settings.CLOSEKNIT_SITE_NAME,
    }
    subject = (
        f"{len(listings)} listing{'s' if len(listings) != 1 else ''} need checking"
        if level == ReviewReminder.Level.OWNER
        else f"Still unchecked: {len(listings)} listing{'s' if len(listings) != 1 else ''}"
    )
    send_mail(
        subject,
        render_to_string("directory/email/review_reminder.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email for user in recipients],
    )


def send_review_reminders(today: date, site_url: str = "") -> dict[str, int]:
    """Send what is due today. Returns how many emails went at each level."""
    started = time.monotonic()
    sent = {"owner": 0, "manager": 0}
    first_due: dict[tuple, list[Service]] = defaultdict(list)
    escalate_due: dict[tuple, list[Service]] = defaultdict(list)
    for listing in overdue_listings(today):
        reminders = {r.level: r for r in listing.reminders.all() if r.review_due == listing.review_due}
        if ReviewReminder.Level.OWNER not in reminders:
            first_due[listing.owner_id].append(listing)
        elif (
            ReviewReminder.Level.MANAGER not in reminders
            and timezone.localdate(reminders[ReviewReminder.Level.OWNER].sent_at) <= today - ESCALATE_AFTER
        ):
            escalate_due[listing.owner_id].append(listing)
    for level, groups, recipients_for in (
        (ReviewReminder.Level.OWNER, first_due, _editors),
        (ReviewReminder.Level.MANAGER, escalate_due, _managers),
    ):
        for organisation_id, listings in groups.items():
            recipients = recipients_for(organisation_id) if organisation_id else _managers(None)
            if level == ReviewReminder.Level.OWNER and not recipients:
                recipients = _managers(organisation_id)  # no editors: straight to the managers
            with transaction.atomic():
                ReviewReminder.objects.bulk_create(
                    [
                        ReviewReminder(
                            service=listing,
                            level=level,
                            review_due=listing.review_due,
                            recipients=len(recipients),
                        )
                        for listing in listings
                    ]
                )
                if recipients:
                    _send(recipients, listings, level, site_url)
                    sent["owner" if level == ReviewReminder.Level.OWNER else "manager"] += 1
    logger.info(
        "Sent %d listing review reminders to editors and %d to managers, for %d and %d listings, in %.1f s",
        sent["owner"],
        sent["manager"],
        sum(len(listings) for listings in first_due.values()),
        sum(len(listings) for listings in escalate_due.values()),
        time.monotonic() - started,
    )
    return sent


@task()
def send_review_reminders_task(today_iso: str, site_url: str = "") -> dict[str, int]:
    """Background task: the reminders due on ``today_iso``."""
    return send_review_reminders(date.fromisoformat(today_iso), site_url)
