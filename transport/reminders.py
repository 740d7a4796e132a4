"""Reminders that a driver's check or a vehicle's MOT, permit or service runs out soon.

Each day, the latest check of each kind of every active driver (licence check, DBS, MiDAS,
insurance) that runs out within 30 days, or has already run out, and each vehicle's MOT, Section 19
or 22 permit and service date that falls due within 30 days (or is overdue), are emailed to the
coordinators of the scheme: the members of its team whose work means reading person records, each
with an email address. A coordinator gets one email listing everything due across their schemes.
Each item is sent once per expiry or due date (``ExpiryReminder``), so running this daily is safe,
and a renewed check is reminded again as its new date nears. The emails name drivers and
vehicles, never passengers.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.models import ROLES_THAT_SEE_PERSON_RECORDS, User

from .models import ComplianceCheck, Driver, ExpiryReminder, Scheme, Vehicle

logger = logging.getLogger(__name__)

WARN_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class Due:
    """One thing running out: a driver's check or a vehicle's date, in one or more schemes."""

    item: str
    due_on: date
    schemes: tuple[Scheme, ...]
    driver: Driver | None = None
    vehicle: Vehicle | None = None

    @property
    def key(self) -> tuple:
        return (self.driver.pk if self.driver else None, self.vehicle.pk if self.vehicle else None, self.item)

    @property
    def name(self) -> str:
        return str(self.driver or self.vehicle)

    @property
    def what(self) -> str:
        return ExpiryReminder.Item(self.item).label

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def _checks_due(today: date) -> list[Due]:
    """The latest check of each kind of each active driver, when it runs out within 30 days."""
    latest: dict[tuple[int, str], ComplianceCheck] = {}
    checks = ComplianceCheck.objects.filter(driver__is_active=True).select_related("driver__user")
    for check in checks.order_by("driver_id", "kind", "expires_on"):
        latest[(check.driver_id, check.kind)] = check  # ordered by expiry: the last one wins
    near = [check for check in latest.values() if check.expires_on <= today + WARN_WITHIN]
    schemes: dict[int, list[Scheme]] = defaultdict(list)
    for link in Driver.schemes.through.objects.filter(
        driver_id__in={c.driver_id for c in near}
    ).select_related("scheme"):
        schemes[link.driver_id].append(link.scheme)
    return [
        Due(check.kind, check.expires_on, tuple(schemes[check.driver_id]), driver=check.driver)
        for check in near
        if schemes[check.driver_id]
    ]


def _vehicles_due(today: date) -> list[Due]:
    """Each vehicle's MOT, permit and service date that falls due within 30 days, or has passed."""
    due = []
    for vehicle in Vehicle.objects.select_related("scheme"):
        for item, on in (
            (ExpiryReminder.Item.MOT, vehicle.mot_expires_on),
            (ExpiryReminder.Item.PERMIT, vehicle.permit_expires_on if vehicle.permit else None),
            (ExpiryReminder.Item.SERVICE, vehicle.service_due_on),
        ):
            if on is not None and on <= today + WARN_WITHIN:
                due.append(Due(item, on, (vehicle.scheme,), vehicle=vehicle))
    return due


def things_due(today: date) -> list[Due]:
    """Everything running out within 30 days (or run out), not yet reminded for its date."""
    due = _checks_due(today) + _vehicles_due(today)
    sent = set(
        ExpiryReminder.objects.filter(due_on__in={d.due_on for d in due}).values_list(
            "driver_id", "vehicle_id", "item", "due_on"
        )
    )
    return sorted(
        (d for d in due if (*d.key, d.due_on) not in sent),
        key=lambda d: (d.due_on, d.name, d.item),
    )


def coordinators(scheme: Scheme) -> list[User]:
    """The scheme's team members who coordinate it (``permissions.may_coordinate_scheme``: their
    work means reading person records) and can be emailed."""
    return list(
        User.objects.filter(memberships__team_id=scheme.team_id, is_active=True)
        .filter(role__in=ROLES_THAT_SEE_PERSON_RECORDS)
        .exclude(email="")
    )


def _send(user: User, items: list[Due], today: date, site_url: str) -> None:
    schemes = sorted({scheme for d in items for scheme in d.schemes}, key=lambda s: s.name)
    context = {
        "user": user,
        "today": today,
        "overdue": [d for d in items if d.is_overdue(today)],
        "soon": [d for d in items if not d.is_overdue(today)],
        "site_url": site_url.rstrip("/"),
        "registers": [
            (
                scheme,
                reverse("transport:drivers", args=[scheme.pk]),
                reverse("transport:vehicles", args=[scheme.pk]),
            )
            for scheme in schemes
        ],
        "service_name": settings.CLOSEKNIT_SITE_NAME,
    }
    count = len(items)
    send_mail(
        f"{count} driver check{'s' if count != 1 else ''} or vehicle date{'s' if count != 1 else ''} "
        "running out",
        render_to_string("transport/email/expiry_reminder.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def send_expiry_reminders(today: date, site_url: str = "") -> int:
    """Email each scheme's coordinators what runs out within 30 days. Returns how many emails."""
    started = time.monotonic()
    due = things_due(today)
    per_user: dict[int, list[Due]] = defaultdict(list)
    users: dict[int, User] = {}
    told: dict[tuple, set[int]] = defaultdict(set)
    coordinators_of: dict[int, list[User]] = {}
    for d in due:
        for scheme in d.schemes:
            if scheme.pk not in coordinators_of:
                coordinators_of[scheme.pk] = coordinators(scheme)
            for user in coordinators_of[scheme.pk]:
                users[user.pk] = user
                if user.pk not in told[d.key]:
                    told[d.key].add(user.pk)
                    per_user[user.pk].append(d)
    sent = 0
    with transaction.atomic():
        # Only what reached someone is recorded: a scheme with no coordinator to email yet is
        # reminded when it has one.
        ExpiryReminder.objects.bulk_create(
            [
                ExpiryReminder(
                    driver=d.driver,
                    vehicle=d.vehicle,
                    item=d.item,
                    due_on=d.due_on,
                    recipients=len(told[d.key]),
                )
                for d in due
                if told[d.key]
            ]
        )
        for user_pk, items in per_user.items():
            _send(users[user_pk], items, today, site_url)
            sent += 1
    logger.info(
        "Sent %d transport expiry reminders about %d checks and vehicle dates in %.1f s",
        sent,
        sum(1 for d in due if told[d.key]),
        time.monotonic() - started,
    )
    return sent


@task()
def send_expiry_reminders_task(today_iso: str, site_url: str = "") -> int:
    """Background task: the reminders due on ``today_iso``."""
    return send_expiry_reminders(date.fromisoformat(today_iso), site_url)
