"""Reads for transport, and who may see which passenger.

A passenger's record is person data. It is seen by those who work with people (the same roles as
``people``) and either may see the passenger's person record, or are on the team of a scheme the
passenger has been assessed for; administrators see every passenger. A record whose person has
been erased is seen by no one. A driver sees none of this: their manifest gives, for each trip of
their day, only the passenger's first name, the pick-up and destination, the times, the mobility
aid, the escorts and the notes for the driver. Every read of a passenger is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Model, Q, QuerySet

from accounts.models import AuditEvent, User
from accounts.permissions import Requester, is_administrator, is_signed_in
from accounts.services import record_audit_event, record_audit_events
from common.errors import NotVisible
from people.permissions import may_work_with_people
from people.selectors import people_visible_to

from . import permissions
from .models import Driver, Passenger, Scheme, Trip


def passengers_visible_to(user: Requester) -> QuerySet[Passenger]:
    """The passengers this user may see (see the module's docstring)."""
    if not may_work_with_people(user):
        return Passenger.objects.none()
    passengers = Passenger.objects.exclude(person__erased_at__isnull=False)
    if is_administrator(user):
        return passengers
    return passengers.filter(
        Q(person__in=people_visible_to(user)) | Q(eligibilities__scheme__team__memberships__user=user)
    ).distinct()


def passenger_for_viewer(user: Requester, pk: int | str) -> Passenger:
    """One passenger for someone who may see them, the read audited; else ``NotVisible``, the same
    for a passenger who does not exist."""
    try:
        passenger = passengers_visible_to(user).select_related("person", "account").get(pk=pk)
    except (Passenger.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
    record_audit_event(user, AuditEvent.Action.VIEW, passenger, note="Viewed a transport passenger.")
    return passenger


def own_passenger_record(user: Requester) -> Passenger | None:
    """The signed-in resident's own passenger record, by their sign-in or the person record they
    confirmed is theirs."""
    if not isinstance(user, User) or not is_signed_in(user):
        return None
    return (
        Passenger.objects.filter(
            Q(account=user)
            | Q(
                person__account=user,
                person__account_confirmed_at__isnull=False,
                person__erased_at__isnull=True,
            )
        )
        .select_related("person", "account")
        .first()
    )


def schemes_coordinated(user: Requester) -> QuerySet[Scheme]:
    """The schemes this user coordinates (every one, for administrators)."""
    if not may_work_with_people(user):
        return Scheme.objects.none()
    if is_administrator(user):
        return Scheme.objects.all()
    return Scheme.objects.filter(team__memberships__user=user).distinct()


def day_board(user: Requester, scheme: Scheme, day: date) -> list[Trip]:
    """The scheme's trips on ``day`` for its coordinators, each with its passenger, run, driver and
    vehicle; the passengers shown are audited. Anyone else is answered as if the scheme did not exist."""
    if not permissions.may_coordinate_scheme(user, scheme):
        raise NotVisible()
    trips = list(
        Trip.objects.filter(scheme=scheme, starts_at__date=day)
        .select_related("passenger__person", "passenger__account", "run__driver__user", "run__vehicle")
        .order_by("starts_at", "pk")
    )
    passengers: list[Model] = list({trip.passenger_id: trip.passenger for trip in trips}.values())
    record_audit_events(user, AuditEvent.Action.VIEW, passengers, note="Transport day board.")
    return trips


@dataclass(frozen=True)
class ManifestStop:
    """One trip on a driver's manifest: what the journey needs, nothing more."""

    trip_id: int
    first_name: str
    pickup_address: str
    pickup_postcode: str
    destination: str
    destination_postcode: str
    starts_at: datetime
    pickup_at: datetime | None
    appointment_at: datetime | None
    mobility_aid: str
    escorts: int
    notes_for_driver: str
    vehicle: str
    status: str


def manifest_for(driver: Driver, day: date) -> list[ManifestStop]:
    """The driver's trips on ``day`` in time order, with only what the driver needs. The driver's
    reading of each passenger is audited. (A view asks ``may_drive`` first.)"""
    trips = list(
        Trip.objects.filter(run__driver=driver, run__on=day)
        .select_related("passenger__person", "passenger__account", "run__vehicle")
        .order_by("starts_at", "pk")
    )
    passengers: list[Model] = [trip.passenger for trip in trips]
    record_audit_events(driver.user, AuditEvent.Action.VIEW, passengers, note="Driver's manifest.")
    return [
        ManifestStop(
            trip_id=trip.pk,
            first_name=trip.passenger.first_name,
            pickup_address=trip.pickup_address,
            pickup_postcode=trip.pickup_postcode,
            destination=trip.destination,
            destination_postcode=trip.destination_postcode,
            starts_at=trip.starts_at,
            pickup_at=trip.pickup_at,
            appointment_at=trip.appointment_at,
            mobility_aid=trip.get_mobility_aid_display(),
            escorts=trip.escorts,
            notes_for_driver=trip.passenger.notes_for_driver,
            vehicle=str(trip.run.vehicle) if trip.run else "",
            status=trip.get_status_display(),
        )
        for trip in trips
    ]


def manifest_for_user(user: Requester, day: date) -> list[ManifestStop]:
    """The signed-in driver's own manifest; ``NotVisible`` for anyone who does not drive."""
    if not isinstance(user, User):
        raise NotVisible()
    driver = Driver.objects.filter(user=user).select_related("user").first()
    if driver is None or not permissions.may_drive(user, driver):
        raise NotVisible()
    return manifest_for(driver, day)
