"""A demo of micro-providers in the demo district (Trafford): six small care and support
enterprises, each a directory provider with one published listing, supported by the demo
coordinator's team, with their weekly times, workers and checks. One's public liability insurance
runs out in 20 days, so the reminders and the "running out" tag have something to show; its editor
(the demo sign-in ``careprovider``, with a demo authenticator: its pages ask for a second factor)
keeps its details and times and has a contact request to read. An enquiry in each stage of the
pipeline. All invented and marked as demo."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import create_demo_account, demo_email, demo_residents
from accounts.models import Organisation, Role, TeamMembership, User
from directory import fulltext
from directory.models import ListingStatus, Provider, Service
from places.models import Postcode

from .models import (
    ContactRequest,
    MicroProvider,
    ProviderAvailability,
    ProviderCheck,
    ProviderEnquiry,
    ProviderWorker,
    SupportSession,
)

# name, district, offers, areas, radius, pence an hour, languages, days, workers, CQC number
PROVIDERS = [
    ("Sale Moor Companions", "M33", ["companionship", "getting_out"], "M33", None, 1800, ["English"],
     (0, 2, 4), [], ""),
    ("Stretford Home Help", "M32", ["help_at_home", "companionship"], "", "3", 1650, ["English", "Polish"],
     (0, 1, 2, 3, 4), [("Kasia", "support worker")], ""),
    ("Urmston Care Circle", "M41", ["personal_care", "respite"], "M41, M32 9", None, 2200,
     ["English", "Urdu", "Punjabi"], (1, 3, 5), [("Imran", "care worker"), ("Joy", "care worker")],
     "1-10000000001"),
    ("Altrincham Day Out", "WA14", ["getting_out", "companionship"], "", "5", 1900, ["English"],
     (2, 5, 6), [], ""),
    ("Timperley Respite at Home", "WA15", ["respite", "personal_care"], "WA15", "2", 2100, ["English"],
     (0, 1, 2, 3, 4, 5, 6), [], ""),
    ("Old Trafford Kitchen Table", "M16", ["help_at_home", "companionship"], "M16, M15", None, 1500,
     ["English", "Somali", "Arabic"], (0, 3), [("Hodan", "support worker")], ""),
]  # fmt: skip


def _base(district: str) -> Postcode | None:
    return (
        Postcode.objects.filter(
            postcode__startswith=f"{district} ", latitude__isnull=False, terminated_on__isnull=True
        )
        .order_by("postcode")
        .first()
    )


def _provider_side(mp: MicroProvider, organisation: Organisation) -> None:
    """The provider's own editor, and a request from a resident waiting for them."""
    create_demo_account(
        "careprovider", Role.ORGANISATION_EDITOR, organisation, "Dorota Nowak", two_factor=True
    )
    residents = demo_residents()
    ContactRequest.objects.create(
        micro_provider=mp,
        name="Joan (demo)",
        contact="0161 496 0123",
        message="Help with shopping and a chat on Tuesday mornings, please.",
        sent_by=residents[0] if residents else None,
    )


@transaction.atomic
def create_demo_micro_providers() -> int:
    """Returns how many micro-providers the demo has."""
    coordinator = User.objects.filter(is_demo=True, email=demo_email("coordinator")).first()
    membership = TeamMembership.objects.filter(user=coordinator).select_related("team").first()
    if coordinator is None or membership is None:
        return 0
    team, today = membership.team, timezone.localdate()
    made = []
    for index, (name, district, offers, areas, radius, pence, languages, days, workers, cqc) in enumerate(
        PROVIDERS
    ):
        base = _base(district)
        if base is None:
            continue
        organisation = Organisation.objects.create(
            name=f"{name} (demo)", kind=Organisation.Kind.BUSINESS, is_demo=True
        )
        slug = name.lower().replace(" ", "")
        provider = Provider.objects.create(
            name=name,
            description=f"A small local enterprise: {', '.join(o.replace('_', ' ') for o in offers)}.",
            email=f"hello@{slug}.example",
            owner=organisation,
            is_demo=True,
        )
        listing = Service.objects.create(
            provider=provider,
            owner=organisation,
            name=f"{name}: support at home",
            description="Support at home and out and about, from people who live nearby.",
            how_to_join="Ask us to contact you, or ask your coordinator.",
            cost=Service.Cost.PAID,
            fees_description=f"£{pence / 100:.2f} an hour.",
            listing_status=ListingStatus.PUBLISHED,
            is_demo=True,
        )
        fulltext.index_services([listing])
        mp = MicroProvider.objects.create(
            provider=provider,
            team=team,
            owner_name=name.split()[0] + " owner",
            offers=offers,
            base_postcode=base,
            covers_postcode_areas=areas,
            covers_radius_miles=Decimal(radius) if radius else None,
            price_per_hour_pence=pence,
            languages=languages,
            needs_cqc_registration=bool(cqc),
            cqc_number=cqc,
            is_demo=True,
        )
        for day in days:
            ProviderAvailability.objects.create(
                micro_provider=mp, weekday=day, starts_at=time(9), ends_at=time(17)
            )
        checked = today - timedelta(days=120)
        # The second provider's insurance runs out in 20 days: reminded, and hidden if not renewed.
        insurance_until = today + timedelta(days=20) if index == 1 else today + timedelta(days=245)
        checks = [
            ProviderCheck(kind="dbs", evidence_reference=f"0012{index}4567890",
                          expires_on=today + timedelta(days=975)),
            ProviderCheck(kind="insurance", evidence_reference=f"PL-{index}7731", expires_on=insurance_until,
                          amount_pence=5_000_000_00),
            ProviderCheck(kind="safeguarding", evidence_reference="Trafford safeguarding adults level 1",
                          expires_on=today + timedelta(days=610)),
            ProviderCheck(kind="hmrc", evidence_reference="UTR letter seen", expires_on=None),
            ProviderCheck(kind="references", evidence_reference="Two references, written", expires_on=None),
        ]  # fmt: skip
        for worker_name, role in workers:
            worker = ProviderWorker.objects.create(micro_provider=mp, name=f"{worker_name} (demo)", role=role)
            checks.append(
                ProviderCheck(
                    kind="dbs",
                    worker=worker,
                    evidence_reference=f"0019{worker.pk}22",
                    expires_on=today + timedelta(days=800),
                )
            )
        for check in checks:
            check.micro_provider = mp
            check.verified_by = coordinator
            check.verified_on = checked
        ProviderCheck.objects.bulk_create(checks)
        made.append(mp)
        if index == 1:
            _provider_side(mp, organisation)
    for stage, enquirer, idea in (
        (
            ProviderEnquiry.Stage.ENQUIRY,
            "Grace (demo)",
            "Sitting with people with dementia so carers get a break.",
        ),
        (ProviderEnquiry.Stage.SUPPORT, "Tomasz (demo)", "Gardening and odd jobs for older neighbours."),
        (ProviderEnquiry.Stage.CHECKS, "Amina (demo)", "Cooking and shopping with people at home."),
    ):
        enquiry = ProviderEnquiry.objects.create(
            team=team, name=enquirer, contact="0161 496 0000", idea=idea, stage=stage
        )
        if stage != ProviderEnquiry.Stage.ENQUIRY:
            SupportSession.objects.create(
                enquiry=enquiry,
                held_on=today - timedelta(days=14),
                notes="Pricing and insurance.",
                held_by=coordinator,
            )
    if made:
        ProviderEnquiry.objects.create(
            team=team, name="Sale Moor owner (demo)", contact="0161 496 0001",
            stage=ProviderEnquiry.Stage.LISTED, micro_provider=made[0],
        )  # fmt: skip
    return len(made)
