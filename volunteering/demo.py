"""A demo "give your time locally" evening: stalls from local groups, each with opportunities and
shifts, and some people already signed up (each demo resident who signs in among them), with a
sign-in for one stall's group. All invented and marked as demo."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import create_demo_account, demo_residents
from accounts.models import Organisation, Role, User
from directory.models import Location
from timebank.models import CreditScheme

from .models import Event, Opportunity, Shift, SignUp, Stall

GROUPS = [
    (
        "Sale Water Park parkrun (demo)",
        [("Marshal at parkrun", "Cheer runners on at a corner of the course, 8.30 to 9.45.")],
    ),
    (
        "Stretford pumpkin fair (demo)",
        [
            ("Pumpkin carving helper", "Help children carve pumpkins at the autumn fair."),
            ("Set up the stalls", "Carry tables and put up gazebos before the fair opens."),
        ],
    ),
    (
        "Partington community larder (demo)",
        [("Larder volunteer", "Sort donations and welcome people to the larder.")],
    ),
    (
        "Trafford canal clean-up (demo)",
        [("Litter picker", "Clear the towpath with the canal group; gloves and pickers provided.")],
    ),
    (
        "Altrincham lunch club (demo)",
        [
            ("Lunch club driver", "Drive two or three older neighbours to the lunch club and back."),
            ("Kitchen helper", "Help cook and serve a hot lunch for 30."),
        ],
    ),
    ("Sale library (demo)", [("Digital buddy", "Help people get online: email, video calls, forms.")]),
    # The demo editor's own organisation, so its stall's sign-ups can be seen signed in as them.
    (
        "Stretford Neighbours Together (demo)",
        [("Coffee morning host", "Welcome neighbours to the Tuesday coffee morning and pour the tea.")],
    ),
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def create_demo_volunteering(seed: int = 3) -> int:
    """Returns the number of stalls at the demo event."""
    rng = random.Random(seed)
    council = Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.COUNCIL).first()
    if council is None:
        return 0
    scheme = CreditScheme.objects.filter(is_demo=True).first()
    venues = list(Location.objects.order_by("name")[:40])
    today = timezone.localdate()
    event = Event.objects.create(
        title="Give your time locally (demo)",
        description="Local groups' stalls: find something you would enjoy, and sign up on the night.",
        organisation=council,
        venue=venues[0] if venues else None,
        place="" if venues else "Sale Waterside",
        starts_at=_at(today, 18),
        ends_at=_at(today, 20),
        is_demo=True,
    )
    residents = list(User.objects.filter(is_demo=True, role="resident").order_by("pk")[:40])
    for name, roles in GROUPS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": Organisation.Kind.VCSE, "is_demo": True}
        )
        if scheme:
            scheme.awarding_organisations.add(organisation)
        stall = Stall.objects.create(event=event, organisation=organisation)
        for title, description in roles:
            opportunity = Opportunity.objects.create(
                organisation=organisation,
                title=title,
                description=description,
                venue=rng.choice(venues) if venues else None,
                credit_scheme=scheme,
                is_demo=True,
            )
            stall.opportunities.add(opportunity)
            for week in (1, 2, 3):
                day = today + timedelta(days=7 * week + rng.randrange(0, 6))
                hour = rng.choice([9, 10, 13, 18])
                shift = Shift.objects.create(
                    opportunity=opportunity,
                    starts_at=_at(day, hour),
                    ends_at=_at(day, hour + 2),
                    places=rng.choice([2, 4, 6]),
                )
                for person in rng.sample(residents, min(len(residents), rng.randrange(0, 4))):
                    taken = shift.sign_ups.filter(status="confirmed").count()
                    SignUp.objects.create(
                        shift=shift,
                        user=person,
                        name=person.full_name,
                        email=person.email,
                        status="confirmed" if taken < shift.places else "waiting",
                        event=event,
                    )
    _residents_signed_up(event)
    larder = Organisation.objects.get(name="Partington community larder (demo)")
    create_demo_account("stall", Role.ORGANISATION_EDITOR, larder, "Grace Okafor")
    return event.stalls.count()


def _residents_signed_up(event: Event) -> None:
    """Each demo resident who signs in has a place on a coming shift (a different one each)."""
    shifts = list(Shift.objects.filter(opportunity__stalls__event=event).order_by("starts_at", "pk"))
    for person, shift in zip(demo_residents(), shifts[::3], strict=False):
        if not shift.sign_ups.filter(user=person).exists():
            taken = shift.sign_ups.filter(status="confirmed").count()
            SignUp.objects.create(
                shift=shift,
                user=person,
                name=person.full_name,
                email=person.email,
                status="confirmed" if taken < shift.places else "waiting",
                event=event,
            )
