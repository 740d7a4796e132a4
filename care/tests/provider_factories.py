"""Micro-providers for care's tests, made through the services as a coordinator would."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from care import provider_services
from care.models import MicroProvider
from directory.tests.factories import ProviderFactory, ServiceFactory
from places.geo import MILES_PER_DEGREE_LATITUDE
from places.models import Postcode
from places.tests.factories import PostcodeFactory

# Sale town centre, Trafford.
BASE = (53.4240, -2.3220)
CHECKED = date(2026, 1, 5)
FAR_OFF = date(2030, 1, 5)


def postcode(code: str, miles_north: float = 0.0, base: tuple[float, float] = BASE) -> Postcode:
    """A postcode ``miles_north`` of ``base`` (due north, so the distance is exact)."""
    return PostcodeFactory(
        postcode=code, latitude=base[0] + miles_north / MILES_PER_DEGREE_LATITUDE, longitude=base[1]
    )


def make_team():
    """The council's micro-enterprise team and a coordinator on it."""
    team = TeamFactory(name="Micro-enterprise team")
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[team], full_name="Mo Coordinator")
    return team, coordinator


def make_provider(
    team,
    coordinator,
    *,
    name: str = "Ann's Helping Hands",
    base: Postcode | None = None,
    areas: str = "",
    radius: str | None = "3",
    offers: tuple[str, ...] = ("companionship", "help_at_home"),
    languages: tuple[str, ...] = ("English",),
    price: int = 1850,
    availability: tuple[tuple[int, time, time], ...] = ((1, time(9), time(15)),),
    workers: tuple[tuple[str, str], ...] = (),
    checks_expire: date | None = FAR_OFF,
    with_editor: bool = True,
    listed: bool = True,
) -> MicroProvider:
    """A micro-provider with a published listing and its owner's DBS and insurance in date."""
    organisation = OrganisationFactory(name=f"{name} Ltd", kind="business")
    provider = ProviderFactory(name=name, owner=organisation, email="")
    if listed:
        ServiceFactory(provider=provider, name=f"{name}: support at home")
    if with_editor:
        UserFactory(
            role=Role.ORGANISATION_EDITOR, organisation=organisation, email=f"editor@{provider.pk}.example"
        )
    micro_provider = provider_services.register_micro_provider(
        coordinator,
        provider,
        team,
        {
            "owner_name": "Ann Owner",
            "offers": list(offers),
            "base_postcode": base or postcode(f"M33 {MicroProvider.objects.count() % 10}AA"),
            "covers_postcode_areas": areas,
            "covers_radius_miles": Decimal(radius) if radius is not None else None,
            "price_per_hour_pence": price,
            "languages": list(languages),
        },
        availability=list(availability),
        workers=list(workers),
    )
    if checks_expire is not None:
        provider_services.record_check(
            coordinator, micro_provider, kind="dbs", evidence_reference="001234567890",
            verified_on=CHECKED, expires_on=checks_expire, today=CHECKED,
        )  # fmt: skip
        provider_services.record_check(
            coordinator, micro_provider, kind="insurance", evidence_reference="PL-778812",
            verified_on=CHECKED, expires_on=checks_expire, amount_pence=5_000_000_00, today=CHECKED,
        )  # fmt: skip
    return micro_provider
