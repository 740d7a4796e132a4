"""The drivers' register: compliance checks (licence, DBS, MiDAS, insurance), weekly availability,
leave, and the passengers a driver is never given. Each action is one transaction for a
coordinator of a scheme the driver drives for, and each refusal names its field. Whether a driver
may then be assigned is decided by ``assignment`` from what is recorded here."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal

from .models import Availability, ComplianceCheck, Driver, Leave, PairingExclusion, Passenger
from .permissions import may_coordinate_driver
from .selectors import passengers_visible_to

LONGEST_CHECK_YEARS = 10  # an expiry further off is a mistyped year
LONGEST_LEAVE_DAYS = 366


def _locked_driver(user: User, driver: Driver) -> Driver:
    if not may_coordinate_driver(user, driver):
        raise NotPermitted("Only the coordinators of a scheme they drive for can change a driver's record.")
    return Driver.objects.select_for_update().select_related("user").get(pk=driver.pk)


@transaction.atomic
def record_check(
    user: User,
    driver: Driver,
    *,
    kind: str,
    checked_on: date,
    expires_on: date,
    reference: str = "",
) -> ComplianceCheck:
    """Add a check to the driver's compliance register. The newest check of each kind is the one
    that counts; an older one stays as the record of what was checked."""
    driver = _locked_driver(user, driver)
    if kind not in ComplianceCheck.Kind.values:
        raise Refusal("Choose which check from the list.", field="kind")
    today = timezone.localdate()
    if checked_on > today:
        raise Refusal("The date of the check cannot be in the future.", field="checked_on")
    if expires_on <= checked_on:
        raise Refusal("The check must run out after the day it was made.", field="expires_on")
    if expires_on > checked_on + timedelta(days=365 * LONGEST_CHECK_YEARS + 3):
        raise Refusal(
            f"A check lasts at most {LONGEST_CHECK_YEARS} years: check the year it runs out.",
            field="expires_on",
        )
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise Refusal("Keep the reference to 100 characters.", field="reference")
    check = ComplianceCheck.objects.create(
        driver=driver,
        kind=kind,
        checked_on=checked_on,
        expires_on=expires_on,
        reference=reference,
        recorded_by=user,
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, driver, note=f"Recorded a {kind} check.")
    return check


@transaction.atomic
def add_availability(
    user: User, driver: Driver, *, weekday: int, starts_at: time, ends_at: time
) -> Availability:
    """A time the driver is usually free each week (Europe/London time); it may not overlap
    another of theirs on the same day."""
    driver = _locked_driver(user, driver)
    if weekday not in range(7):
        raise Refusal("Choose a day of the week.", field="weekday")
    if ends_at <= starts_at:
        raise Refusal("The end must be after the start.", field="ends_at")
    clash = driver.availability.filter(weekday=weekday, starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    if clash is not None:
        raise Refusal(f"They are already free then: {clash}.", field="starts_at")
    slot = Availability.objects.create(driver=driver, weekday=weekday, starts_at=starts_at, ends_at=ends_at)
    record_audit_event(user, AuditEvent.Action.UPDATE, driver, note="Added a time the driver is free.")
    return slot


@transaction.atomic
def remove_availability(user: User, slot: Availability) -> Driver:
    """The driver is no longer free at this time each week."""
    driver = _locked_driver(user, slot.driver)
    deleted, _ = Availability.objects.filter(pk=slot.pk, driver=driver).delete()
    if not deleted:
        raise NotVisible()
    record_audit_event(user, AuditEvent.Action.UPDATE, driver, note="Removed a time the driver is free.")
    return driver


@transaction.atomic
def record_leave(user: User, driver: Driver, *, starts_on: date, ends_on: date) -> Leave:
    """Days the driver is away (both included): they are not suggested or assigned then."""
    driver = _locked_driver(user, driver)
    if ends_on < starts_on:
        raise Refusal("The last day must be on or after the first.", field="ends_on")
    if ends_on < timezone.localdate():
        raise Refusal("That leave is over: record leave still to come.", field="ends_on")
    if (ends_on - starts_on).days >= LONGEST_LEAVE_DAYS:
        raise Refusal(
            "Record leave of up to a year; for longer, mark them as no longer driving.", field="ends_on"
        )
    if driver.leave.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise Refusal("They already have leave on some of those days.", field="starts_on")
    leave = Leave.objects.create(driver=driver, starts_on=starts_on, ends_on=ends_on)
    record_audit_event(user, AuditEvent.Action.UPDATE, driver, note="Recorded a driver's leave.")
    return leave


@transaction.atomic
def keep_apart(user: User, driver: Driver, passenger: Passenger, reason: str = "") -> PairingExclusion:
    """The driver is never to be given this passenger (either asked, or a safeguarding decision).
    The passenger must be one the coordinator may see."""
    driver = _locked_driver(user, driver)
    if not passengers_visible_to(user).filter(pk=passenger.pk).exists():
        raise NotVisible()
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise Refusal("Keep the reason to 300 characters.", field="reason")
    if PairingExclusion.objects.filter(driver=driver, passenger=passenger).exists():
        raise Refusal(f"{driver} is already kept apart from them.", field="passenger")
    exclusion = PairingExclusion.objects.create(driver=driver, passenger=passenger, reason=reason)
    record_audit_event(
        user, AuditEvent.Action.UPDATE, passenger, note="Kept a driver apart from a passenger."
    )
    return exclusion
