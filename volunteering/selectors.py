"""Reads of volunteering: what is open, who signed up (and who may see it), what a form offers, and
what an event achieved."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from directory.models import Location
from timebank.models import CreditScheme

from .models import Event, Opportunity, Shift, SignUp, Stall
from .permissions import may_organise_own_volunteering, may_run_volunteering

QUARTER = Decimal("0.25")


def published_opportunities() -> QuerySet[Opportunity]:
    """Every published opportunity (with or without shifts to come): what anyone may see."""
    return Opportunity.objects.filter(is_published=True).select_related("organisation", "venue")


def open_opportunities() -> QuerySet[Opportunity]:
    """Published opportunities with a shift still to come."""
    upcoming = Shift.objects.filter(starts_at__gt=timezone.now())
    return (
        Opportunity.objects.filter(is_published=True, shifts__in=upcoming)
        .select_related("organisation", "venue")
        .distinct()
        .order_by("title")
    )


def upcoming_shifts(opportunity: Opportunity) -> QuerySet[Shift]:
    """The opportunity's shifts still to come, each with ``taken``: the places taken."""
    return opportunity.shifts.filter(starts_at__gt=timezone.now()).annotate(
        taken=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED))
    )


def shifts_of(user: User) -> QuerySet[SignUp]:
    """A person's sign-ups to shifts still to come (places and waiting)."""
    return (
        SignUp.objects.filter(user=user, shift__ends_at__gt=timezone.now())
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("shift__opportunity__organisation", "shift__opportunity__venue")
        .order_by("shift__starts_at")
    )


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of ``start`` to the end of ``end`` (inclusive), in local time, but never
    before now: what is over is not on."""
    zone = timezone.get_current_timezone()
    begins = max(datetime.combine(start, time.min, tzinfo=zone), timezone.now())
    return begins, datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)


def public_events_between(start: date, end: date, limit: int) -> list[Event]:
    """Events on between ``start`` and ``end`` (inclusive) that have not ended, soonest first, at
    most ``limit``. Every event's page is public: its title, organisation, place and time."""
    begins, ends = _day_bounds(start, end)
    events = Event.objects.filter(starts_at__lt=ends, ends_at__gt=begins).select_related(
        "organisation", "venue"
    )
    return list(events.order_by("starts_at", "pk")[:limit])


def shifts_with_places_between(start: date, end: date, limit: int) -> list[Shift]:
    """Published opportunities' shifts starting between ``start`` and ``end`` (inclusive), not yet
    started and with a place left, soonest first, at most ``limit``. Each has ``taken``."""
    begins, ends = _day_bounds(start, end)
    shifts = (
        Shift.objects.filter(opportunity__is_published=True, starts_at__gte=begins, starts_at__lt=ends)
        .annotate(taken=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED)))
        .filter(taken__lt=F("places"))
        .select_related("opportunity__organisation", "opportunity__venue")
    )
    return list(shifts.order_by("starts_at", "pk")[:limit])


def shifts_coming_for(user: User, limit: int) -> list[SignUp]:
    """The user's own sign-ups still to come (places and waiting lists), soonest first, at most
    ``limit``: for their home page."""
    return list(shifts_of(user)[:limit])


def calendar_owner(user_id: int | None) -> User | None:
    """The active person whose calendar feed this is, or None (no such person, or closed)."""
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def roster(shift: Shift) -> QuerySet[SignUp]:
    """Who signed up to the shift (not those who cancelled), places first."""
    return shift.sign_ups.exclude(status=SignUp.Status.CANCELLED).order_by("status", "created_at")


def scheduled_hours(shift: Shift) -> Decimal:
    """A shift's length in hours, to the nearest quarter hour: the hours given unless the
    organiser says otherwise."""
    hours = Decimal((shift.ends_at - shift.starts_at).total_seconds()) / 3600
    return (hours / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * QUARTER


def organisation_organised_by(user: User) -> Organisation | None:
    """The user's own organisation, when they run its volunteering; otherwise None."""
    return user.organisation if may_organise_own_volunteering(user) else None


def opportunities_of(organisation: Organisation) -> QuerySet[Opportunity]:
    """All the organisation's opportunities, published or not: for its organisers."""
    return Opportunity.objects.filter(organisation=organisation).order_by("-is_published", "title")


def venues_choosable_for(organisation: Organisation) -> QuerySet[Location]:
    """The venues an organisation's opportunity may be at: those of its own directory listings."""
    return Location.objects.filter(services__owner=organisation).distinct().order_by("name")


def credit_schemes_choosable_for(organisation: Organisation) -> QuerySet[CreditScheme]:
    """The time credit schemes an organisation's opportunity may earn: those it awards."""
    return CreditScheme.objects.filter(awarding_organisations=organisation)


def event_shifts(event: Event) -> list[dict[str, Any]]:
    """Each stall at an event, with its opportunities' coming shifts and places left."""
    stalls = []
    for stall in event.stalls.select_related("organisation").prefetch_related("opportunities"):
        opportunities = []
        for opportunity in stall.opportunities.all():
            shifts = list(upcoming_shifts(opportunity))
            opportunities.append({"opportunity": opportunity, "shifts": shifts})
        stalls.append({"stall": stall, "opportunities": opportunities})
    return stalls


def shifts_choosable_at(event: Event) -> QuerySet[Shift]:
    """The shifts someone at an event may choose: the coming shifts of its stalls' opportunities."""
    return Shift.objects.filter(opportunity__stalls__event=event, starts_at__gt=timezone.now()).distinct()


def event_sign_ups_seen_by(user: User, event: Event) -> QuerySet[SignUp]:
    """An event's sign-ups to the opportunities of the organisations whose volunteering the user
    runs (none for anyone else)."""
    organisations = [
        stall.organisation
        for stall in event.stalls.select_related("organisation")
        if may_run_volunteering(user, stall.organisation)
    ]
    return (
        SignUp.objects.filter(event=event, shift__opportunity__organisation__in=organisations)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("shift__opportunity")
        .order_by("shift__opportunity__title", "created_at")
    )


def event_summary(event: Event) -> dict[str, Any]:
    """Organisations present, sign-ups per opportunity, and how many people were new (had never
    signed up to anything before the event)."""
    sign_ups = SignUp.objects.filter(event=event).exclude(status=SignUp.Status.CANCELLED)
    per_opportunity = (
        sign_ups.values("shift__opportunity__title", "shift__opportunity__organisation__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "shift__opportunity__title")
    )
    people = {(s.user_id or s.email or s.phone) for s in sign_ups}
    earlier = SignUp.objects.filter(created_at__lt=event.starts_at)
    known = set(earlier.exclude(user=None).values_list("user_id", flat=True)) | set(
        earlier.exclude(email="").values_list("email", flat=True)
    )
    return {
        "organisations": [stall.organisation for stall in event.stalls.select_related("organisation")],
        "per_opportunity": list(per_opportunity),
        "sign_ups": sign_ups.count(),
        "people": len(people),
        "new_people": len([p for p in people if p not in known]),
    }


def events_held_by(organisation: Organisation) -> QuerySet[Event]:
    """The events an organisation holds, the latest first: for its organisers."""
    return Event.objects.filter(organisation=organisation).select_related("venue")


def stalls_of(organisation: Organisation) -> QuerySet[Stall]:
    """The organisation's stalls at other organisations' events, the latest event first."""
    return (
        Stall.objects.filter(organisation=organisation)
        .exclude(event__organisation=organisation)
        .select_related("event")
        .order_by("-event__starts_at")
    )


def organisations_choosable_for_stall(event: Event) -> QuerySet[Organisation]:
    """The organisations a stall at the event may be for: those without a stall there yet."""
    return Organisation.objects.exclude(stalls__event=event).order_by("name")


def opportunities_choosable_for(stall: Stall) -> QuerySet[Opportunity]:
    """What a stall may offer: its organisation's published opportunities."""
    return Opportunity.objects.filter(organisation=stall.organisation, is_published=True).order_by("title")


def stall_sign_ups(stall: Stall) -> QuerySet[SignUp]:
    """The sign-ups a stall gathered at its event: to its organisation's opportunities, not cancelled."""
    return (
        SignUp.objects.filter(event=stall.event, shift__opportunity__organisation=stall.organisation)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("shift__opportunity")
        .order_by("shift__starts_at", "shift__opportunity__title", "created_at")
    )


def stalls_at(event: Event) -> QuerySet[Stall]:
    """An event's stalls, each with ``gathered``: how many sign-ups it gathered there."""
    return event.stalls.select_related("organisation").annotate(
        gathered=Count(
            "organisation__opportunities__shifts__sign_ups",
            filter=Q(organisation__opportunities__shifts__sign_ups__event=event)
            & ~Q(organisation__opportunities__shifts__sign_ups__status=SignUp.Status.CANCELLED),
        )
    )
