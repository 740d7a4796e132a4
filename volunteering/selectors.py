"""Reads of volunteering: what is open, who signed up, and what an event achieved."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Event, Opportunity, Shift, SignUp


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


def roster(shift: Shift) -> QuerySet[SignUp]:
    return shift.sign_ups.exclude(status=SignUp.Status.CANCELLED).order_by("status", "created_at")


def event_shifts(event: Event) -> list[dict]:
    """Each stall at an event, with its opportunities' coming shifts and places left."""
    stalls = []
    for stall in event.stalls.select_related("organisation").prefetch_related("opportunities"):
        opportunities = []
        for opportunity in stall.opportunities.all():
            shifts = list(upcoming_shifts(opportunity))
            opportunities.append({"opportunity": opportunity, "shifts": shifts})
        stalls.append({"stall": stall, "opportunities": opportunities})
    return stalls


def event_summary(event: Event) -> dict:
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
