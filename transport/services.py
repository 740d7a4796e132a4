"""Transport actions for passengers and their trips: registering a passenger, assessing and
deciding eligibility, requesting a trip (with its return, and weekly), and recording what became
of it. One transaction each; every refusal names the field. Assigning drivers and vehicles is in
``assignment``; odometer readings and mileage claims in ``mileage``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import AuditEvent, Role, User
from accounts.services import record_audit_event, record_audit_events
from common.errors import NotPermitted, NotVisible, Refusal
from people.models import Consent, Introduction, Person
from people.permissions import may_see_person
from people.services import create_person
from places.models import Postcode
from places.selectors import PostcodeError, normalise_postcode
from timebank import services as timebank

from .models import Driver, MobilityAid, Passenger, Purpose, Run, RunCredit, Scheme, SchemeEligibility, Trip
from .permissions import (
    is_own_passenger_record,
    may_award_run_credits,
    may_coordinate_scheme,
    may_record_outcome,
    may_request_trip,
)
from .report_selectors import hours_to_credit, run_hours

JOURNEY_MINUTES = 45  # how long the vehicle is taken when only one time is given
LONGEST_JOURNEY_MINUTES = 240
MOST_ESCORTS = 3
MOST_WEEKS = 52


def record_trip_change(user: User, trip: Trip, note: str) -> None:
    """Write a change to a trip against the trip and, when the passenger is a person on record,
    against that person too: their record's trail then shows every change to their rides."""
    targets: list[Model] = [trip]
    person = Passenger.objects.filter(pk=trip.passenger_id).values_list("person_id", flat=True).first()
    if person is not None:
        targets.append(Person(pk=person))
    record_audit_events(user, AuditEvent.Action.UPDATE, targets, note=note)


def _coordinator_only(user: User, scheme: Scheme) -> None:
    if not may_coordinate_scheme(user, scheme):
        raise NotPermitted(f"Only {scheme}'s coordinators can do this.")


def _text(value: str | None, field: str, what: str, longest: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal(f"Enter {what}.", field=field)
    if len(value) > longest:
        raise Refusal(f"Keep {what} to {longest} characters.", field=field)
    return value


def _postcode(value: str | None, field: str) -> str:
    try:
        return normalise_postcode(value or "")
    except PostcodeError as error:
        raise Refusal(str(error), field=field) from None


def _money(value: Decimal | str | int | None, field: str, what: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise Refusal(f"Enter {what} in pounds and pence, like 2.50.", field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= 10000 or amount != amount.quantize(Decimal("0.01")):
        raise Refusal(f"Enter {what} in pounds and pence, like 2.50.", field=field)
    return amount


# --- Passengers and eligibility ----------------------------------------------------------------


@transaction.atomic
def register_passenger(
    user: User,
    scheme: Scheme,
    *,
    person: Person | None = None,
    account: User | None = None,
    mobility_aid: str = MobilityAid.NONE,
    has_mobility_need: bool = False,
    is_isolated: bool = False,
    escort_allowed: bool = False,
    notes_for_driver: str = "",
    usual_places: str = "",
    date_of_birth: date | None = None,
) -> Passenger:
    """A scheme's coordinator registers someone as a passenger: a person on a record they may see,
    or a resident's sign-in. Registering someone already a passenger updates what is noted; their
    eligibility for the scheme is then assessed."""
    _coordinator_only(user, scheme)
    if (person is None) == (account is None):
        raise Refusal("Choose a person on record or a resident's sign-in (one of the two).", field="person")
    if person is not None and not may_see_person(user, person):
        raise NotVisible()
    if account is not None and (account.role != Role.RESIDENT or not account.is_active):
        raise Refusal("Only a resident's active sign-in can be a passenger's.", field="account")
    if mobility_aid not in MobilityAid.values:
        raise Refusal("Choose a mobility aid from the list.", field="mobility_aid")
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        raise Refusal("The date of birth cannot be in the future.", field="date_of_birth")
    passenger, _ = Passenger.objects.select_for_update().get_or_create(person=person, account=account)
    passenger.mobility_aid, passenger.has_mobility_need, passenger.is_isolated = (
        mobility_aid,
        has_mobility_need,
        is_isolated,
    )
    passenger.escort_allowed = escort_allowed
    passenger.notes_for_driver = (notes_for_driver or "").strip()[:2000]
    passenger.usual_places = (usual_places or "").strip()[:2000]
    if date_of_birth is not None:
        passenger.date_of_birth = date_of_birth
    passenger.save()
    record_audit_event(user, AuditEvent.Action.UPDATE, passenger, note="Registered a transport passenger.")
    _assess(user, passenger, scheme)
    return passenger


@transaction.atomic
def register_new_passenger(
    user: User,
    scheme: Scheme,
    *,
    full_name: str,
    postcode: Postcode | None,
    consent_method: str,
    **noted: Any,
) -> Passenger:
    """Register someone the team has no record of: their person record is started on the scheme's
    team (they must have agreed to it: ``consent_method`` says how), then they are registered as
    ``register_passenger`` does, with what is ``noted`` for their rides."""
    _coordinator_only(user, scheme)
    full_name = _text(full_name, "full_name", "their full name", longest=200)
    if consent_method not in Consent.Method.values:
        raise Refusal("Say how they agreed to us keeping a record.", field="consent_method")
    person = create_person(
        user,
        {"full_name": full_name, "team": scheme.team, "postcode": postcode},
        consent_method,
        timezone.localdate(),
    )
    return register_passenger(user, scheme, person=person, **noted)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def reasons_not_eligible(passenger: Passenger, scheme: Scheme, on: date) -> list[str]:
    """Why the passenger does not meet the scheme's rules on ``on`` (empty: they do)."""
    reasons: list[str] = []
    if scheme.minimum_age:
        born = passenger.born_on
        if born is None:
            reasons.append(
                f"Their date of birth is not known: {scheme} is for people aged {scheme.minimum_age} or over."
            )
        elif _age_on(born, on) < scheme.minimum_age:
            reasons.append(f"{scheme} is for people aged {scheme.minimum_age} or over.")
    wards = {ward.pk for ward in scheme.wards.all()}
    areas = {area.upper() for area in scheme.postcode_areas.replace(",", " ").split()}
    if wards or areas:
        postcode = passenger.postcode
        if postcode is None:
            reasons.append(
                "Their home postcode is not known, so we cannot tell whether the scheme serves it."
            )
        elif postcode.ward_id not in wards and postcode.postcode.split()[0] not in areas:
            reasons.append(f"{scheme} does not serve {postcode.postcode}.")
    if scheme.needs_mobility_need and not (
        passenger.has_mobility_need or passenger.mobility_aid != MobilityAid.NONE
    ):
        reasons.append(f"{scheme} is for people whose mobility keeps them from using buses.")
    if scheme.needs_isolation and not passenger.is_isolated:
        reasons.append(f"{scheme} is for people who are isolated.")
    return reasons


def _assess(user: User, passenger: Passenger, scheme: Scheme) -> SchemeEligibility:
    today = timezone.localdate()
    reasons = reasons_not_eligible(passenger, scheme, today)
    eligibility, _ = SchemeEligibility.objects.update_or_create(
        passenger=passenger,
        scheme=scheme,
        defaults={
            "is_eligible": not reasons,
            "reason": " ".join(reasons),
            "assessed_on": today,
            "assessed_by": user,
        },
    )
    return eligibility


@transaction.atomic
def assess_eligibility(user: User, passenger: Passenger, scheme: Scheme) -> SchemeEligibility:
    """Check the passenger against the scheme's rules (age, area, mobility, isolation) and record
    whether they may use it, with the reasons when they may not."""
    _coordinator_only(user, scheme)
    passenger = (
        Passenger.objects.select_for_update(of=("self",))
        .select_related("person__postcode")
        .get(pk=passenger.pk)
    )
    eligibility = _assess(user, passenger, scheme)
    record_audit_event(user, AuditEvent.Action.UPDATE, passenger, note="Assessed transport eligibility.")
    return eligibility


@transaction.atomic
def decide_eligibility(
    user: User, passenger: Passenger, scheme: Scheme, *, is_eligible: bool, reason: str = ""
) -> SchemeEligibility:
    """A coordinator decides, where the scheme's other rules need a person's judgement; saying no
    needs a reason (it is told to the passenger)."""
    _coordinator_only(user, scheme)
    reason = (reason or "").strip()
    if not is_eligible and not reason:
        raise Refusal("Say why they may not use the scheme.", field="reason")
    eligibility, _ = SchemeEligibility.objects.update_or_create(
        passenger=passenger,
        scheme=scheme,
        defaults={
            "is_eligible": is_eligible,
            "reason": reason[:2000],
            "assessed_on": timezone.localdate(),
            "assessed_by": user,
        },
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, passenger, note="Decided transport eligibility.")
    return eligibility


# --- Requesting trips ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Journey:
    """Where a trip goes from and to."""

    pickup_address: str
    pickup_postcode: str
    destination: str
    destination_postcode: str


def _window(
    pickup_at: datetime | None, appointment_at: datetime | None, minutes: int, field: str
) -> tuple[datetime, datetime]:
    """When the vehicle is taken: from the pick-up, ending at the appointment when both are given."""
    if pickup_at is None and appointment_at is None:
        raise Refusal("Give a pick-up time or an appointment time.", field=field)
    for value in (pickup_at, appointment_at):
        if value is not None and timezone.is_naive(value):
            raise Refusal("Give the time with its time zone.", field=field)
    if pickup_at is not None and appointment_at is not None and appointment_at <= pickup_at:
        raise Refusal("The pick-up must be before the appointment.", field=field)
    if pickup_at is not None:
        starts = pickup_at
        ends = appointment_at if appointment_at is not None else pickup_at + timedelta(minutes=minutes)
    else:
        assert appointment_at is not None
        starts, ends = appointment_at - timedelta(minutes=minutes), appointment_at
    if starts < timezone.now():
        raise Refusal("The trip cannot be in the past.", field=field)
    if timezone.localdate(starts) != timezone.localdate(ends):
        raise Refusal("A trip must start and end on the same day.", field=field)
    return starts, ends


def _requested_via(user: User, passenger: Passenger) -> str:
    if is_own_passenger_record(user, passenger):
        return Trip.RequestedVia.RESIDENT
    if user.role == Role.LINK_WORKER:
        return Trip.RequestedVia.LINK_WORKER
    return Trip.RequestedVia.COORDINATOR


def _refuse_overlap(passenger: Passenger, starts: datetime, ends: datetime, field: str) -> None:
    clash = passenger.trips.filter(status__in=Trip.OPEN, starts_at__lt=ends, ends_at__gt=starts).first()
    if clash is not None:
        at = timezone.localtime(clash.starts_at)
        raise Refusal(f"They already have a ride at {at:%H:%M} on {at:%-d %B}.", field=field)


@transaction.atomic
def request_trip(
    user: User,
    passenger: Passenger,
    scheme: Scheme,
    journey: Journey,
    *,
    pickup_at: datetime | None = None,
    appointment_at: datetime | None = None,
    journey_minutes: int = JOURNEY_MINUTES,
    return_pickup_at: datetime | None = None,
    repeats_weekly_until: date | None = None,
    escorts: int = 0,
    mobility_aid: str | None = None,
    introduction: Introduction | None = None,
    purpose: str | None = None,
) -> list[Trip]:
    """Ask for a ride: for the passenger themselves, by the scheme's coordinators, or by whoever may
    see the passenger's person record (a link worker booking a ride to an introduction). The
    passenger must be eligible for the scheme. With ``return_pickup_at`` a linked return is made
    (from the destination back to the pick-up); with ``repeats_weekly_until`` the outward trip and
    its return are made for every week to that day. ``purpose`` (``Purpose``) is what the ride is
    for: without one, a ride to an introduction is to "a group or activity", any other "something
    else". Returns the trips made, in time order."""
    passenger = (
        Passenger.objects.select_for_update(of=("self",))
        .select_related("person", "account")
        .get(pk=passenger.pk)
    )
    if not may_request_trip(user, passenger, scheme):
        raise NotVisible()
    eligibility = SchemeEligibility.objects.filter(passenger=passenger, scheme=scheme).first()
    if eligibility is None:
        raise Refusal(f"They have not been assessed for {scheme}: ask its coordinators.", field="scheme")
    if not eligibility.is_eligible:
        raise Refusal(f"They may not use {scheme}: {eligibility.reason}", field="scheme")
    journey = Journey(
        pickup_address=_text(journey.pickup_address, "pickup_address", "where to pick them up"),
        pickup_postcode=_postcode(journey.pickup_postcode, "pickup_postcode"),
        destination=_text(journey.destination, "destination", "where they are going"),
        destination_postcode=_postcode(journey.destination_postcode, "destination_postcode"),
    )
    if not 5 <= journey_minutes <= LONGEST_JOURNEY_MINUTES:
        raise Refusal(f"A journey takes 5 to {LONGEST_JOURNEY_MINUTES} minutes.", field="journey_minutes")
    starts, ends = _window(pickup_at, appointment_at, journey_minutes, "pickup_at")
    if not 0 <= escorts <= MOST_ESCORTS:
        raise Refusal(f"Up to {MOST_ESCORTS} escorts or guests.", field="escorts")
    if escorts and not passenger.escort_allowed:
        raise Refusal(f"{scheme} has not agreed that they bring an escort or guest.", field="escorts")
    aid = passenger.mobility_aid if mobility_aid is None else mobility_aid
    if aid not in MobilityAid.values:
        raise Refusal("Choose a mobility aid from the list.", field="mobility_aid")
    if introduction is not None and (
        passenger.person_id is None or introduction.person_id != passenger.person_id
    ):
        raise Refusal("Choose one of their own introductions.", field="introduction")
    if purpose in (None, ""):
        purpose = Purpose.GROUP if introduction is not None else Purpose.OTHER
    if purpose not in Purpose.values:
        raise Refusal("Choose what the ride is for from the list.", field="purpose")
    back: tuple[datetime, datetime] | None = None
    if return_pickup_at is not None:
        back = _window(return_pickup_at, None, journey_minutes, "return_pickup_at")
        if back[0] < ends:
            raise Refusal(
                "The return pick-up must be after the outward journey ends.", field="return_pickup_at"
            )
        if timezone.localdate(back[0]) != timezone.localdate(starts):
            raise Refusal("The return must be on the same day as the outward trip.", field="return_pickup_at")
    weeks = 1
    if repeats_weekly_until is not None:
        first_day = timezone.localdate(starts)
        if repeats_weekly_until <= first_day:
            raise Refusal("Repeat until a day after the first trip.", field="repeats_weekly_until")
        weeks = (repeats_weekly_until - first_day).days // 7 + 1
        if weeks > MOST_WEEKS:
            raise Refusal(
                f"Repeat for at most {MOST_WEEKS} weeks, then ask again.", field="repeats_weekly_until"
            )
    series = uuid.uuid4() if weeks > 1 else None
    common = {
        "scheme": scheme,
        "passenger": passenger,
        "escorts": escorts,
        "mobility_aid": aid,
        "requested_via": _requested_via(user, passenger),
        "requested_by": user,
        "introduction": introduction,
        "purpose": purpose,
        "series": series,
    }
    made: list[Trip] = []
    for week in range(weeks):

        def later(moment: datetime | None, n: int = week) -> datetime | None:
            # Weeks are added to the wall-clock time, so 10:00 stays 10:00 across the clocks changing.
            return None if moment is None else timezone.localtime(moment) + timedelta(weeks=n)

        s, e = later(starts), later(ends)
        assert s is not None and e is not None
        _refuse_overlap(passenger, s, e, "pickup_at")
        outward = Trip.objects.create(
            **common,
            pickup_address=journey.pickup_address,
            pickup_postcode=journey.pickup_postcode,
            destination=journey.destination,
            destination_postcode=journey.destination_postcode,
            pickup_at=later(pickup_at),
            appointment_at=later(appointment_at),
            starts_at=s,
            ends_at=e,
        )
        made.append(outward)
        if back is not None:
            bs, be = later(back[0]), later(back[1])
            assert bs is not None and be is not None
            _refuse_overlap(passenger, bs, be, "return_pickup_at")
            made.append(
                Trip.objects.create(
                    **common,
                    pickup_address=journey.destination,
                    pickup_postcode=journey.destination_postcode,
                    destination=journey.pickup_address,
                    destination_postcode=journey.pickup_postcode,
                    pickup_at=bs,
                    starts_at=bs,
                    ends_at=be,
                    outward=outward,
                )
            )
    record_audit_event(
        user, AuditEvent.Action.CREATE, passenger, note=f"Requested {len(made)} transport trips."
    )
    return made


# --- Outcomes -----------------------------------------------------------------------------------


def _drop_run_if_empty(run: Run | None) -> None:
    """A run left with no trips and no readings is removed, so it holds no vehicle or driver."""
    if run is not None and run.start_odometer is None and not run.trips.exists():
        run.delete()


@transaction.atomic
def record_outcome(
    user: User,
    trip: Trip,
    outcome: str,
    *,
    reason: str = "",
    fare: Decimal | str | int | None = None,
    donation: Decimal | str | int | None = None,
    with_return: bool = True,
) -> Trip:
    """What became of a trip: completed, or cancelled, cancelled late, a no-show, turned down or
    unmet, each of those with a reason. A trip not made frees its driver and vehicle; by default
    its return, not yet made, gets the same outcome. Fares and donations are recorded with it."""
    trip = (
        Trip.objects.select_for_update(of=("self",)).select_related("scheme", "run__driver").get(pk=trip.pk)
    )
    if not may_record_outcome(user, trip):
        raise NotVisible()
    if outcome not in Trip.OUTCOMES:
        raise Refusal("Choose what happened from the list.", field="outcome")
    if trip.status not in Trip.OPEN:
        raise Refusal(
            f"This trip's outcome is already recorded: {trip.get_status_display().lower()}.", field="outcome"
        )
    reason = (reason or "").strip()
    if outcome != Trip.Status.COMPLETED and not reason:
        raise Refusal("Say why the trip was not completed.", field="reason")
    if outcome == Trip.Status.COMPLETED:
        if trip.run is None:
            raise Refusal(
                "Assign a driver and vehicle before recording the trip as completed.", field="outcome"
            )
        if trip.starts_at > timezone.now():
            raise Refusal("The trip has not started yet.", field="outcome")
    fare_amount, donation_amount = (
        _money(fare, "fare", "the fare"),
        _money(donation, "donation", "the donation"),
    )
    carried = outcome in (Trip.Status.COMPLETED, Trip.Status.LATE_CANCEL, Trip.Status.NO_SHOW)
    old_run = trip.run
    if not carried:
        trip.run = None
    trip.status, trip.outcome_reason, trip.outcome_recorded_at = outcome, reason[:500], timezone.now()
    trip.fare, trip.donation = fare_amount, donation_amount
    trip.save()
    if not carried:
        _drop_run_if_empty(old_run)
    back = Trip.objects.select_for_update(of=("self",)).filter(outward=trip, status__in=Trip.OPEN).first()
    if with_return and outcome != Trip.Status.COMPLETED and back is not None:
        back_run = back.run
        back.status, back.run, back.outcome_recorded_at = Trip.Status.CANCELLED, None, timezone.now()
        back.outcome_reason = f"The outward trip was {trip.get_status_display().lower()}: {reason}"[:500]
        back.save()
        _drop_run_if_empty(back_run)
    record_trip_change(user, trip, f"Recorded a trip's outcome: {outcome}.")
    return trip


# --- A passenger cancelling their own ride ------------------------------------------------------

LATE_CANCEL_NOTICE = timedelta(hours=24)  # less notice than this is a late cancellation


@transaction.atomic
def cancel_own_ride(user: User, trip: Trip) -> Trip:
    """The passenger cancels a ride of theirs not yet made: with less than a day's notice it is a
    late cancellation (the driver may already be on the way, so it stays on its run for the
    driver's manifest), else cancelled (its driver and vehicle are freed). An outward trip's
    return, not yet made, is cancelled with it. Anyone else's ride is answered as not found."""
    trip = Trip.objects.select_for_update(of=("self",)).select_related("passenger__person").get(pk=trip.pk)
    if not is_own_passenger_record(user, trip.passenger):
        raise NotVisible()
    if trip.status not in Trip.OPEN:
        raise Refusal(f"This ride is already {trip.get_status_display().lower()}.", field="trip")
    if trip.starts_at <= timezone.now():
        raise Refusal("This ride has started: ring the scheme if something is wrong.", field="trip")
    now = timezone.now()
    rides = [trip, *Trip.objects.select_for_update(of=("self",)).filter(outward=trip, status__in=Trip.OPEN)]
    for ride in rides:
        ride_is_late = ride.starts_at - now < LATE_CANCEL_NOTICE
        reason = "Cancelled by the passenger" + (" with less than a day's notice." if ride_is_late else ".")
        old_run = ride.run
        ride.status = Trip.Status.LATE_CANCEL if ride_is_late else Trip.Status.CANCELLED
        if not ride_is_late:
            ride.run = None
        ride.outcome_reason, ride.outcome_recorded_at = reason, now
        ride.save(update_fields=["status", "run", "outcome_reason", "outcome_recorded_at"])
        if not ride_is_late:
            _drop_run_if_empty(old_run)
    record_audit_event(user, AuditEvent.Action.UPDATE, trip, note=f"Cancelled a ride: {trip.status}.")
    return trip


@transaction.atomic
def award_run_credits(user: User, run: Run) -> RunCredit:
    """Award the hours of a run (``report_selectors.run_hours``, down to the quarter hour) as time
    credits to its volunteer driver, through the scheme's credit scheme: once a run. The run is
    locked first, so two coordinators awarding at once are served one after the other and the
    second is told; the database's one credit a run holds the once besides."""
    run = (
        Run.objects.select_for_update(of=("self",))
        .select_related(
            "driver__user", "vehicle__scheme__team__organisation", "vehicle__scheme__credit_scheme"
        )
        .get(pk=run.pk)
    )
    scheme = run.vehicle.scheme
    if not may_award_run_credits(user, run):
        raise NotPermitted(f"Only {scheme}'s coordinators award time credits for its runs.")
    if RunCredit.objects.filter(run=run).exists():
        raise Refusal("Time credits have already been awarded for this run.", field="run")
    if scheme.credit_scheme is None:
        raise Refusal(f"{scheme} is not linked to a time credit scheme.", field="credit_scheme")
    if run.driver.kind != Driver.Kind.VOLUNTEER:
        raise Refusal("Time credits are for volunteer drivers; this run's driver is paid.", field="run")
    span = run_hours(run)
    if span is None:
        raise Refusal(
            "This run has no trips completed, cancelled late or missed: there are no hours to award.",
            field="run",
        )
    hours = hours_to_credit(span[0])
    if hours < 1:
        raise Refusal(
            f"A time credit is earned for each whole hour; this run's {span[0]} hours earn none.", field="run"
        )
    what = f"Driving for {scheme}, {run.on:%-d %b %Y}"
    entry = timebank.award_credits_for(
        scheme.team.organisation, scheme.credit_scheme, run.driver.user, hours, what, by=user
    )
    try:
        with transaction.atomic():
            credit = RunCredit.objects.create(run=run, entry=entry, hours=hours, awarded_by=user)
    except IntegrityError:
        raise Refusal("Time credits have already been awarded for this run.", field="run") from None
    record_audit_event(user, AuditEvent.Action.CREATE, credit, note="Awarded time credits for a run's hours.")
    return credit
