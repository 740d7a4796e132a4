"""The vehicles' register: a service, an MOT and a Section 19 or 22 permit recorded. One
transaction each for the scheme's coordinators; each refusal names its field. Whether a vehicle
may be used is decided by ``assignment.vehicle_overdue_reasons`` from what is recorded here."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal

from .models import Vehicle
from .permissions import may_coordinate_scheme

LONGEST_MOT_DAYS = 366 + 31  # an MOT lasts a year (up to a month more when tested early)
LONGEST_PERMIT_YEARS = 5  # Section 19 and 22 permits last five years
LONGEST_SERVICE_GAP_DAYS = 2 * 366
MOST_SERVICE_MILES = 50000


def _locked_vehicle(user: User, vehicle: Vehicle) -> Vehicle:
    if not may_coordinate_scheme(user, vehicle.scheme):
        raise NotPermitted(f"Only {vehicle.scheme}'s coordinators can change its vehicles.")
    return Vehicle.objects.select_for_update().select_related("scheme").get(pk=vehicle.pk)


def _done_by_today(value: date, field: str, what: str) -> None:
    if value > timezone.localdate():
        raise Refusal(f"The date of the {what} cannot be in the future.", field=field)


@transaction.atomic
def record_vehicle_service(
    user: User,
    vehicle: Vehicle,
    *,
    serviced_on: date,
    odometer_miles: int | None = None,
    next_due_on: date | None = None,
    next_due_at_miles: int | None = None,
) -> Vehicle:
    """A service is done: the reading on the day (if given) and when the next is due, by date,
    by mileage or both. The vehicle may be used again if nothing else is overdue."""
    vehicle = _locked_vehicle(user, vehicle)
    _done_by_today(serviced_on, "serviced_on", "service")
    if next_due_on is None and next_due_at_miles is None:
        raise Refusal("Say when the next service is due: a date, a mileage or both.", field="next_due_on")
    if odometer_miles is not None:
        if odometer_miles < vehicle.odometer_miles:
            raise Refusal(
                f"The reading cannot be below the last one ({vehicle.odometer_miles:,} miles).",
                field="odometer_miles",
            )
        vehicle.odometer_miles = odometer_miles
    if next_due_on is not None:
        if next_due_on <= serviced_on:
            raise Refusal("The next service must be due after this one.", field="next_due_on")
        if next_due_on > serviced_on + timedelta(days=LONGEST_SERVICE_GAP_DAYS):
            raise Refusal("The next service must be due within two years.", field="next_due_on")
    if next_due_at_miles is not None:
        if next_due_at_miles <= vehicle.odometer_miles:
            raise Refusal(
                f"The next service must be due after {vehicle.odometer_miles:,} miles, the reading now.",
                field="next_due_at_miles",
            )
        if next_due_at_miles > vehicle.odometer_miles + MOST_SERVICE_MILES:
            raise Refusal(
                f"The next service must be due within {MOST_SERVICE_MILES:,} miles.",
                field="next_due_at_miles",
            )
    vehicle.service_due_on, vehicle.service_due_at_miles = next_due_on, next_due_at_miles
    vehicle.save(update_fields=["odometer_miles", "service_due_on", "service_due_at_miles"])
    record_audit_event(user, AuditEvent.Action.UPDATE, vehicle, note="Recorded a service.")
    return vehicle


@transaction.atomic
def record_mot(user: User, vehicle: Vehicle, *, tested_on: date, expires_on: date) -> Vehicle:
    """The vehicle passed its MOT: the day of the test and the day the new certificate runs out."""
    vehicle = _locked_vehicle(user, vehicle)
    _done_by_today(tested_on, "tested_on", "MOT test")
    if expires_on <= tested_on:
        raise Refusal("The MOT must run out after the day of the test.", field="expires_on")
    if expires_on > tested_on + timedelta(days=LONGEST_MOT_DAYS):
        raise Refusal("An MOT lasts a year: check the date it runs out.", field="expires_on")
    vehicle.mot_expires_on = expires_on
    vehicle.save(update_fields=["mot_expires_on"])
    record_audit_event(user, AuditEvent.Action.UPDATE, vehicle, note="Recorded an MOT.")
    return vehicle


@transaction.atomic
def record_permit(
    user: User, vehicle: Vehicle, *, permit: str, permit_number: str, expires_on: date
) -> Vehicle:
    """A new Section 19 or 22 permit for the vehicle: its kind, number and the day it runs out."""
    vehicle = _locked_vehicle(user, vehicle)
    if permit not in (Vehicle.Permit.SECTION_19, Vehicle.Permit.SECTION_22):
        raise Refusal("Choose Section 19 or Section 22.", field="permit")
    permit_number = (permit_number or "").strip()
    if not permit_number:
        raise Refusal("Enter the permit number.", field="permit_number")
    if len(permit_number) > 30:
        raise Refusal("Keep the permit number to 30 characters.", field="permit_number")
    today = timezone.localdate()
    if expires_on <= today:
        raise Refusal("That permit has already run out: enter the new one's expiry.", field="expires_on")
    if expires_on > today + timedelta(days=366 * LONGEST_PERMIT_YEARS):
        raise Refusal(
            f"A permit lasts {LONGEST_PERMIT_YEARS} years: check the date it runs out.", field="expires_on"
        )
    vehicle.permit, vehicle.permit_number, vehicle.permit_expires_on = permit, permit_number, expires_on
    vehicle.save(update_fields=["permit", "permit_number", "permit_expires_on"])
    record_audit_event(user, AuditEvent.Action.UPDATE, vehicle, note="Recorded a permit.")
    return vehicle
