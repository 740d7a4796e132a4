"""Demo timebanks: two with their own feel, invented residents as members, and a year of
exchanges recorded through the same services members use. All marked as demo."""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_residents
from accounts.models import Organisation, Role, User
from common.errors import Refusal
from directory.models import TaxonomyTerm

from . import services
from .models import Timebank

WHAT = [
    "Gardening: weeding and mowing",
    "Lift to the hospital",
    "Help with a computer",
    "Dog walking",
    "Shopping for a neighbour",
    "Ironing",
    "Reading with a child",
    "Putting up shelves",
    "Company over a cuppa",
    "Baking for the lunch club",
    "Help filling in a form",
    "Sewing repairs",
]


@transaction.atomic
def create_demo_timebanks(seed: int = 5) -> int:
    """Returns how many exchanges were recorded."""
    rng = random.Random(seed)
    broker = User.objects.filter(is_demo=True, role=Role.BROKER).first()
    residents = list(User.objects.filter(is_demo=True, role=Role.RESIDENT).order_by("pk")[:60])
    organisation = (
        broker.organisation
        if broker and broker.organisation
        else Organisation.objects.filter(is_demo=True).first()
    )
    if broker is None or organisation is None or len(residents) < 10:
        return 0
    banks = [
        services.create_timebank(
            "Altrincham Timebank (demo)",
            organisation,
            description="Neighbours in Altrincham and Timperley swapping an hour for an hour: lifts, "
            "gardening, computers, company.",
            brokers=[broker],
            is_demo=True,
        ),
        services.create_timebank(
            "Partington Timebank (demo)",
            organisation,
            description="A small timebank run from the Partington hub. A broker approves every exchange.",
            needs_broker_approval=True,
            welcome_hours=Decimal("2"),
            brokers=[broker],
            is_demo=True,
        ),
    ]
    recorded = 0
    today = timezone.localdate()
    for bank, people in ((banks[0], residents[:40]), (banks[1], residents[35:60])):
        for person in people:
            services.approve_member(
                broker,
                services.apply_to_join(person, bank),
                "Welcome chat over a cuppa; talked about what they enjoy.",
            )
        categories = list(TaxonomyTerm.objects.filter(parent__isnull=True).order_by("name")[:12])
        for person in rng.sample(people, min(len(people), 12)):
            kind = rng.choice(["offer", "offer", "request"])
            category = rng.choice(categories) if categories else None
            services.post_to_board(
                person,
                bank,
                {"kind": kind, "title": rng.choice(WHAT), "tags": "local, friendly", "category": category},
            )
        for _ in range(len(people) * 4):
            giver, receiver = rng.sample(people, 2)
            try:
                exchange = services.propose_exchange(
                    giver,
                    bank,
                    giver=giver,
                    receiver=receiver,
                    hours=Decimal(rng.choice([2, 3, 4, 4, 6, 8])) / 4,
                    description=rng.choice(WHAT),
                    happened_on=today - timedelta(days=rng.randrange(0, 330)),
                )
            except Refusal:
                continue  # over a limit: refused when proposed
            try:
                services.confirm_exchange(receiver, exchange)
                if bank.needs_broker_approval:
                    services.confirm_exchange(broker, exchange)
                recorded += 1
            except Refusal:
                services.cancel_exchange(receiver, exchange)  # over a limit: it did not go ahead
    _exchanges_to_confirm(banks[0], residents)
    _demo_time_credits(rng, organisation, residents)
    return recorded


def _exchanges_to_confirm(bank: Timebank, residents: list[User]) -> None:
    """Each demo resident who signs in is a member (the first residents all are) with an hour a
    neighbour gave them waiting for them to confirm."""
    givers = [r for r in residents[5:40] if r.email not in {p.email for p in demo_residents()}]
    for person, giver in zip(demo_residents(), givers, strict=False):
        with suppress(Refusal):  # over a limit: nothing to confirm then
            services.propose_exchange(
                giver,
                bank,
                giver=giver,
                receiver=person,
                hours=Decimal(1),
                description="Company over a cuppa",
                happened_on=timezone.localdate() - timedelta(days=2),
            )


def _demo_time_credits(rng, organisation, residents) -> None:
    """A time-credit scheme with partner venues; volunteers awarded and some credits spent."""
    scheme = services.create_credit_scheme(
        "Trafford Time Credits (demo)",
        organisation,
        description="Give an hour to a local group, earn a time credit; spend it at a partner venue.",
        is_demo=True,
    )
    venues = [
        services.add_partner(
            scheme,
            "Sale Leisure Centre (demo)",
            [("A swim", 1), ("A gym session", 1), ("A month of classes", 8)],
            organisation=organisation,
        ),
        services.add_partner(scheme, "Altrincham cinema (demo)", [("A film, Tuesday to Thursday", 2)]),
        services.add_partner(scheme, "Trafford football club (demo)", [("A home match ticket", 3)]),
    ]
    awarder = User.objects.filter(is_demo=True, role=Role.ADMINISTRATOR).first()
    offers = [offer for venue in venues for offer in venue.offers.all()]
    for person in residents[:30]:
        services.award_credits(awarder, scheme, person, Decimal(rng.choice([2, 3, 4, 6])), rng.choice(WHAT))
        with suppress(Refusal):  # not enough credits for that one yet
            services.redeem(person, rng.choice(offers))


def demo_timebanks_exist() -> bool:
    return Timebank.objects.filter(is_demo=True).exists()
