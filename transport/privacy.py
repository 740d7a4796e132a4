"""What transport holds about a passenger, for a subject access export, and its erasure.

A passenger is reached through the person record they are (``people.signals``) or the sign-in they
are (``accounts.privacy``'s signals). Erasure removes what identifies them or describes them (notes
for the driver, usual places, addresses typed on their trips, date of birth, mobility) and withdraws
trips not yet made; the trips made stay, without addresses, so the scheme's counts still add up."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    Availability,
    ComplianceCheck,
    Driver,
    Leave,
    MileageClaim,
    MobilityAid,
    PairingExclusion,
    Passenger,
    SchemeEligibility,
    Trip,
)

ERASED_ADDRESS = "(erased)"


def _trip_rows(passenger: Passenger) -> list[dict[str, Any]]:
    trips = passenger.trips.select_related("scheme").order_by("starts_at")
    return [
        {
            "scheme": t.scheme.name,
            "when": timezone.localtime(t.starts_at).isoformat(),
            "from": f"{t.pickup_address}, {t.pickup_postcode}",
            "to": f"{t.destination}, {t.destination_postcode}",
            "escorts": t.escorts,
            "mobility_aid": t.get_mobility_aid_display(),
            "status": t.get_status_display(),
            "reason": t.outcome_reason,
            "fare": str(t.fare),
            "donation": str(t.donation),
        }
        for t in trips
    ]


def _sections(passenger: Passenger, prefix: str = "transport") -> list[dict[str, Any]]:
    from accounts.privacy import section  # here: accounts.privacy imports every app's models

    eligibility = SchemeEligibility.objects.filter(passenger=passenger).select_related("scheme")
    return [
        section(
            f"{prefix}_passenger",
            "Community transport: what we note for your rides",
            [
                {
                    "mobility_aid": passenger.get_mobility_aid_display(),
                    "escort_allowed": "Yes" if passenger.escort_allowed else "No",
                    "notes_for_driver": passenger.notes_for_driver,
                    "usual_places": passenger.usual_places,
                    "date_of_birth": passenger.date_of_birth.isoformat() if passenger.date_of_birth else None,
                    "home_postcode": passenger.home_postcode_id,
                }
            ],
        ),
        section(
            f"{prefix}_eligibility",
            "Community transport schemes you may use",
            [
                {"scheme": e.scheme.name, "eligible": "Yes" if e.is_eligible else "No", "reason": e.reason}
                for e in eligibility
            ],
        ),
        section(f"{prefix}_trips", "Community transport trips", _trip_rows(passenger)),
    ]


def _driver_sections(driver: Driver) -> list[dict[str, Any]]:
    """What a scheme holds on someone who drives for it: their register, their week and claims."""
    from accounts.privacy import section

    return [
        section(
            "transport_driver",
            "Community transport: you as a driver",
            [
                {
                    "kind": driver.get_kind_display(),
                    "schemes": ", ".join(scheme.name for scheme in driver.schemes.all()),
                    "drives": ", ".join(
                        what
                        for what, yes in (
                            ("cars", driver.drives_cars),
                            ("tuk-tuks", driver.drives_tuk_tuks),
                            ("minibuses", driver.drives_minibuses),
                        )
                        if yes
                    ),
                    "d1_on_licence": "Yes" if driver.has_d1_entitlement else "No",
                    "home_postcode": driver.home_postcode_id,
                    "usually_free": "; ".join(str(slot) for slot in driver.availability.all()),
                    "leave": "; ".join(str(leave) for leave in driver.leave.all()),
                }
            ],
        ),
        section(
            "transport_checks",
            "Your compliance checks",
            [
                {
                    "check": c.get_kind_display(),
                    "checked_on": c.checked_on.isoformat(),
                    "expires_on": c.expires_on.isoformat(),
                    "reference": c.reference,
                }
                for c in driver.checks.all()
            ],
        ),
        section(
            "transport_claims",
            "Your mileage claims",
            [
                {
                    "run_on": c.run.on.isoformat(),
                    "miles": c.miles,
                    "total": str(c.total),
                    "status": c.get_status_display(),
                }
                for c in MileageClaim.objects.filter(driver=driver).select_related("run")
            ],
        ),
    ]


def _forget(passengers: QuerySet[Passenger]) -> None:
    trips = Trip.objects.filter(passenger__in=passengers)
    trips.filter(status__in=Trip.OPEN).update(
        status=Trip.Status.CANCELLED, run=None, outcome_reason="The passenger's data was erased."
    )
    trips.update(pickup_address=ERASED_ADDRESS, destination=ERASED_ADDRESS)
    # A reason may say why about them; one is still needed on a trip not completed, so it is kept
    # as erased rather than emptied.
    trips.exclude(outcome_reason="").update(outcome_reason=ERASED_ADDRESS)
    trips.update(pickup_postcode="", destination_postcode="")
    # "Not eligible" keeps a reason (the database insists), erased.
    SchemeEligibility.objects.filter(passenger__in=passengers).exclude(reason="").update(
        reason=ERASED_ADDRESS
    )
    PairingExclusion.objects.filter(passenger__in=passengers).update(reason="")
    passengers.update(
        notes_for_driver="",
        usual_places="",
        date_of_birth=None,
        home_postcode=None,
        mobility_aid=MobilityAid.NONE,
        has_mobility_need=False,
        is_isolated=False,
    )


def what_we_hold_on_person(sender: Any, person: Any, **kwargs: Any) -> list[dict[str, Any]]:
    passenger = Passenger.objects.filter(person=person).first()
    return _sections(passenger) if passenger is not None else []


def forget_person(sender: Any, person: Any, **kwargs: Any) -> None:
    _forget(Passenger.objects.filter(person=person))


def what_we_hold_on_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> list[dict[str, Any]]:
    if user is None:
        return []
    sections: list[dict[str, Any]] = []
    passenger = Passenger.objects.filter(account=user).first()
    if passenger is not None:
        sections += _sections(passenger, prefix="transport_sign_in")
    driver = Driver.objects.filter(user=user).first()
    if driver is not None:
        sections += _driver_sections(driver)
    return sections


def forget_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> None:
    """Their passenger record as for a person; as a driver they stop driving, their week, leave,
    home and check references go; the checks' dates and their claims stay (the scheme's records
    of its duty and its money)."""
    if user is None:
        return
    _forget(Passenger.objects.filter(Q(account=user)))
    drivers = Driver.objects.filter(user=user)
    Availability.objects.filter(driver__in=drivers).delete()
    Leave.objects.filter(driver__in=drivers).delete()
    ComplianceCheck.objects.filter(driver__in=drivers).update(reference="")
    drivers.update(is_active=False, home_postcode=None)
