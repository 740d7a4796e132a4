"""Volunteering actions: shifts, signing up (with a waiting list), cancelling, attendance and
the hours and time credits it records. One transaction each; refusals name the field."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.permissions import Requester
from common.errors import NotPermitted, NotVisible, Refusal, message_of
from timebank import services as timebank

from .models import Event, Opportunity, Shift, SignUp, Stall
from .permissions import may_cancel_sign_up, may_run_event, may_run_stall, may_run_volunteering
from .selectors import (
    QUARTER,
    opportunities_choosable_for,
    organisations_choosable_for_stall,
    scheduled_hours,
)


def _organiser_only(user: Requester, organisation: Organisation) -> None:
    """Refuse unless the user runs ``organisation``'s volunteering."""
    if not may_run_volunteering(user, organisation):
        raise NotPermitted(f"Only {organisation}'s organisers can do this.")


@transaction.atomic
def add_shifts(
    user: User,
    opportunity: Opportunity,
    *,
    starts_at: datetime,
    ends_at: datetime,
    places: int,
    weeks: int = 1,
) -> list[Shift]:
    """One shift, or the same shift each week for ``weeks`` weeks."""
    _organiser_only(user, opportunity.organisation)
    if ends_at <= starts_at:
        raise Refusal("The end must be after the start.", field="ends_at")
    if starts_at < timezone.now():
        raise Refusal("A new shift cannot start in the past.", field="starts_at")
    if not 1 <= places <= 500:
        raise Refusal("Give between 1 and 500 places.", field="places")
    if not 1 <= weeks <= 52:
        raise Refusal("Repeat for between 1 and 52 weeks.", field="weeks")
    return [
        Shift.objects.create(
            opportunity=opportunity,
            starts_at=starts_at + timedelta(weeks=n),
            ends_at=ends_at + timedelta(weeks=n),
            places=places,
        )
        for n in range(weeks)
    ]


@transaction.atomic
def change_places(user: User, shift: Shift, places: int) -> Shift:
    """Change a shift's places; never below the people already signed up."""
    shift = Shift.objects.select_for_update().select_related("opportunity__organisation").get(pk=shift.pk)
    _organiser_only(user, shift.opportunity.organisation)
    taken = shift.sign_ups.filter(status=SignUp.Status.CONFIRMED).count()
    if places < max(taken, 1):
        raise Refusal(
            f"{taken} people have places: the shift needs at least {max(taken, 1)}.", field="places"
        )
    shift.places = places
    shift.save(update_fields=["places"])
    _promote_waiting(shift)
    return shift


def _who(user: User | None, name: str, email: str, phone: str) -> dict[str, Any]:
    """Who is signing up: the signed-in user, or a name and a way to reach them."""
    if user is not None and user.is_authenticated:
        return {"user": user, "name": user.full_name, "email": user.email.lower(), "phone": phone.strip()}
    name, email, phone = " ".join((name or "").split()), (email or "").strip().lower(), (phone or "").strip()
    if not name:
        raise Refusal("Enter your name.", field="name")
    if not email and not phone:
        raise Refusal(
            "Give an email address or a phone number, so the organiser can reach you.", field="email"
        )
    return {"user": None, "name": name, "email": email, "phone": phone}


def _phone_key(phone: str) -> str:
    """A phone number as compared: its digits (and a leading +), whatever spacing it was typed with."""
    return re.sub(r"(?!^\+)\D", "", phone.strip())


def _same_person(signup: SignUp, who: dict[str, Any]) -> bool:
    """Whether an earlier sign-up is this person's: the same account, the same email address in any
    letter case, or the same name and phone number however they were typed."""
    if who["user"] is not None and signup.user_id == who["user"].pk:
        return True
    if who["email"] and signup.email.lower() == who["email"]:
        return True
    return bool(
        who["phone"]
        and _phone_key(signup.phone) == _phone_key(who["phone"])
        and " ".join(signup.name.split()).casefold() == who["name"].casefold()
    )


@transaction.atomic
def sign_up(
    shift: Shift,
    *,
    user: User | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    event: Event | None = None,
) -> SignUp:
    """Sign someone up to a shift: a place if one is free, otherwise the waiting list. Someone
    already signed up to it (a place or waiting) is answered with that sign-up, marked
    ``is_repeat``, and nothing is added. The shift's row is locked while earlier sign-ups and
    places are counted, so two people can never take the last place and one person never two."""
    shift = Shift.objects.select_for_update().select_related("opportunity").get(pk=shift.pk)
    if not shift.opportunity.is_published:
        raise Refusal("This opportunity is not open for sign-ups.", field="shift")
    if shift.starts_at <= timezone.now():
        raise Refusal("This shift has already started.", field="shift")
    who = _who(user, name, email, phone)
    for earlier in shift.sign_ups.exclude(status=SignUp.Status.CANCELLED):
        if _same_person(earlier, who):
            earlier.is_repeat = True
            return earlier
    taken = shift.sign_ups.filter(status=SignUp.Status.CONFIRMED).count()
    status = SignUp.Status.CONFIRMED if taken < shift.places else SignUp.Status.WAITING
    return SignUp.objects.create(shift=shift, status=status, event=event, **who)


@transaction.atomic
def cancel(user: Requester, signup: SignUp) -> SignUp:
    """The volunteer (or an organiser) cancels; the first person waiting takes the place. Anyone
    else is answered as if the sign-up did not exist."""
    signup = SignUp.objects.select_related("shift__opportunity__organisation").get(pk=signup.pk)
    shift = Shift.objects.select_for_update().get(pk=signup.shift_id)
    if not may_cancel_sign_up(user, signup):
        raise NotVisible()  # someone else's sign-up: as if there were none
    if signup.status not in (SignUp.Status.CONFIRMED, SignUp.Status.WAITING):
        raise Refusal(f"This sign-up is {signup.get_status_display().lower()}.")
    signup.status = SignUp.Status.CANCELLED
    signup.save(update_fields=["status"])
    _promote_waiting(shift)
    return signup


def _promote_waiting(shift: Shift) -> None:
    """Give the places now free to the people waiting longest."""
    free = shift.places - shift.sign_ups.filter(status=SignUp.Status.CONFIRMED).count()
    if free > 0:
        waiting = shift.sign_ups.filter(status=SignUp.Status.WAITING).order_by("created_at", "pk")[:free]
        SignUp.objects.filter(pk__in=[s.pk for s in waiting]).update(status=SignUp.Status.CONFIRMED)


MOST_HOURS = Decimal("24")


def _hours_given(hours: Decimal | None, fallback: Decimal) -> Decimal:
    """The hours an organiser says someone gave: quarter hours, more than none, at most a day."""
    if hours is None:
        return fallback
    if not QUARTER <= hours <= MOST_HOURS or hours % QUARTER:
        raise Refusal("Give the hours as quarter hours from 0.25 to 24, like 2.5.", field="hours")
    return hours


def _credits_for(hours: Decimal | None) -> int:
    """Time credits earned for some hours: one for each whole hour."""
    return int(hours or 0)


@transaction.atomic
def mark_attendance(organiser: User, signup: SignUp, attended: bool, hours: Decimal | None = None) -> SignUp:
    """Record whether someone came, and the hours they gave: ``hours`` when the organiser gives
    them, else what was recorded before, else the shift's scheduled hours. Where the opportunity
    earns time credits and the volunteer has an account, credits are awarded exactly once per
    sign-up, however often attendance is marked; changing the hours afterwards corrects them
    through the ledger with a correcting entry."""
    signup = (
        SignUp.objects.select_for_update()
        .select_related("shift__opportunity__organisation")
        .get(pk=signup.pk)
    )
    opportunity = signup.shift.opportunity
    _organiser_only(organiser, opportunity.organisation)
    if signup.status in (SignUp.Status.CANCELLED, SignUp.Status.WAITING):
        raise Refusal("Only someone with a place on the shift can be marked as coming.")
    if signup.shift.starts_at > timezone.now():
        raise Refusal("Attendance is marked once the shift has started.")
    if not attended:
        if signup.credits_entry_id:
            raise Refusal("Credits were awarded for this shift: correct them in the back office first.")
        signup.status, signup.hours = SignUp.Status.NO_SHOW, None
        signup.save(update_fields=["status", "hours"])
        return signup
    before = signup.hours if signup.status == SignUp.Status.ATTENDED else None
    given = _hours_given(hours, before or scheduled_hours(signup.shift))
    signup.status, signup.hours = SignUp.Status.ATTENDED, given
    what = f"{opportunity.title}, {timezone.localtime(signup.shift.starts_at):%-d %b %Y}"
    if signup.credits_entry is not None:
        change = _credits_for(given) - _credits_for(before)
        if change:
            timebank.correct_award(organiser, signup.credits_entry, change, f"{what}, now {given} hours")
    else:
        _award_once(organiser, signup, given, what)
    signup.save(update_fields=["status", "hours", "credits_entry"])
    return signup


def _award_once(organiser: User, signup: SignUp, hours: Decimal, what: str) -> None:
    """Award the sign-up's credits, where its opportunity earns them and the volunteer can hold them."""
    opportunity, volunteer = signup.shift.opportunity, signup.user
    scheme = opportunity.credit_scheme
    takes_part = (
        scheme is not None and scheme.awarding_organisations.filter(pk=opportunity.organisation_id).exists()
    )
    if takes_part and scheme is not None and volunteer is not None and hours >= 1:
        signup.credits_entry = timebank.award_credits(organiser, scheme, volunteer, hours, what)


@transaction.atomic
def sign_up_at_event(
    event: Event,
    shifts: list[Shift],
    *,
    user: User | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
) -> list[SignUp]:
    """Someone at an event's stalls signs up to several shifts at once: all of them, or (if any
    cannot be taken) none, with a message naming the one that could not."""
    if not shifts:
        raise Refusal("Choose at least one thing to sign up to.", field="shifts")
    at_stalls = set(Shift.objects.filter(opportunity__stalls__event=event).values_list("pk", flat=True))
    made: list[SignUp] = []
    for shift in shifts:
        if shift.pk not in at_stalls:
            raise Refusal(f"{shift.opportunity} is not at this event's stalls.", field="shifts")
        try:
            made.append(sign_up(shift, user=user, name=name, email=email, phone=phone, event=event))
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) - {"shift"}:
                raise  # about the person (name, email): say it as it is
            raise Refusal(f"{shift}: {message_of(error)}", field="shifts") from None
    return made


@transaction.atomic
def save_opportunity(
    user: User, organisation: Organisation, opportunity: Opportunity | None, details: dict[str, Any]
) -> Opportunity:
    """An organisation's organiser adds or changes one of its opportunities."""
    _organiser_only(user, organisation)
    if opportunity is not None and opportunity.organisation_id != organisation.pk:
        raise NotVisible()  # another organisation's, perhaps not published: as if there were none
    if not details.get("venue") and not (details.get("place") or "").strip():
        raise Refusal("Choose a venue, or say where it is.", field="venue")
    scheme = details.get("credit_scheme")
    if scheme is not None and not scheme.awarding_organisations.filter(pk=organisation.pk).exists():
        raise Refusal(f"{organisation} does not take part in {scheme}.", field="credit_scheme")
    opportunity = opportunity or Opportunity(organisation=organisation)
    for name, value in details.items():
        setattr(opportunity, name, value)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def save_event(user: User, organisation: Organisation, event: Event | None, details: dict[str, Any]) -> Event:
    """An organisation's organiser adds one of its events, or changes it (the event's own
    organisers only: anyone else is answered as if it did not exist)."""
    if event is not None and not may_run_event(user, event):
        raise NotVisible()
    if event is None:
        _organiser_only(user, organisation)
    starts_at, ends_at = details["starts_at"], details["ends_at"]
    if ends_at <= starts_at:
        raise Refusal("The end must be after the start.", field="ends_at")
    if event is None and starts_at < timezone.now():
        raise Refusal("A new event cannot start in the past.", field="starts_at")
    if not details.get("venue") and not (details.get("place") or "").strip():
        raise Refusal("Choose a venue, or say where it is.", field="venue")
    event = event or Event(organisation=organisation)
    for name, value in details.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def add_stall(user: User, event: Event, organisation: Organisation) -> Stall:
    """The event's organiser gives an organisation (perhaps their own) a stall at it."""
    event = Event.objects.select_for_update().select_related("organisation").get(pk=event.pk)
    if not may_run_event(user, event):
        raise NotPermitted(f"Only {event.organisation}'s organisers add stalls to {event}.")
    if not organisations_choosable_for_stall(event).filter(pk=organisation.pk).exists():
        raise Refusal(f"{organisation} already has a stall at {event}.", field="organisation")
    return Stall.objects.create(event=event, organisation=organisation)


@transaction.atomic
def choose_stall_opportunities(user: User, stall: Stall, opportunities: list[Opportunity]) -> Stall:
    """The stall's organisation's organisers choose which of its open opportunities it offers."""
    stall = Stall.objects.select_for_update().select_related("organisation", "event").get(pk=stall.pk)
    if not may_run_stall(user, stall):
        raise NotPermitted(f"Only {stall.organisation}'s organisers choose what its stall offers.")
    allowed = set(opportunities_choosable_for(stall).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in opportunities):
        raise Refusal(f"Choose from {stall.organisation}'s open opportunities.", field="opportunities")
    stall.opportunities.set(opportunities)
    return stall
