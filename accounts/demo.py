"""The demo district's invented organisations, teams and people.

Everything made here is marked ``is_demo``. People are generated with Faker's
en_GB locale from a fixed seed, so every newcomer sees the same district; their
postcodes are real Trafford postcodes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from .models import Organisation, Role, Team, TeamMembership, User

DEMO_PASSWORD = "closeknit-demo"  # noqa: S105 - printed for newcomers; demo accounts only
DEMO_EMAIL_DOMAIN = "demo.closeknit.example"
SEED = 2026
DEMO_RESIDENTS = 5  # residents who can sign in: resident1 to resident5@demo.closeknit.example

ORGANISATIONS = [
    ("Trafford Council (demo)", Organisation.Kind.COUNCIL),
    ("Crossford Bridge Medical Practice (demo)", Organisation.Kind.NHS_PRACTICE),
    ("Mersey Fields Health Centre (demo)", Organisation.Kind.NHS_PRACTICE),
    ("Stretford Neighbours Together (demo)", Organisation.Kind.VCSE),
    ("Altrincham Timebank (demo)", Organisation.Kind.VCSE),
    ("Carrington Moss Parish Council (demo)", Organisation.Kind.PARISH_COUNCIL),
    ("Sale Mobility Repairs (demo)", Organisation.Kind.BUSINESS),
]

TEAMS = [
    ("Trafford Council (demo)", "Local Area Coordination North"),
    ("Trafford Council (demo)", "Local Area Coordination South"),
    ("Trafford Council (demo)", "Local Area Coordination Central"),
    ("Trafford Council (demo)", "Local Area Coordination West"),
    ("Trafford Council (demo)", "Commissioning and evaluation"),
    ("Crossford Bridge Medical Practice (demo)", "Social prescribing"),
    ("Altrincham Timebank (demo)", "Brokers"),
]


@dataclass(frozen=True)
class StaffAccount:
    local_part: str
    role: str
    organisation: str
    teams: tuple[str, ...] = ()
    lead: bool = False
    superuser: bool = False


STAFF = [
    StaffAccount("admin", Role.ADMINISTRATOR, "Trafford Council (demo)", superuser=True),
    StaffAccount(
        "coordinator", Role.COORDINATOR, "Trafford Council (demo)", ("Local Area Coordination North",)
    ),
    StaffAccount(
        "coordinator.lead",
        Role.COORDINATOR,
        "Trafford Council (demo)",
        ("Local Area Coordination North",),
        lead=True,
    ),
    StaffAccount(
        "coordinator.south", Role.COORDINATOR, "Trafford Council (demo)", ("Local Area Coordination South",)
    ),
    StaffAccount(
        "coordinator.central",
        Role.COORDINATOR,
        "Trafford Council (demo)",
        ("Local Area Coordination Central",),
    ),
    StaffAccount(
        "coordinator.west", Role.COORDINATOR, "Trafford Council (demo)", ("Local Area Coordination West",)
    ),
    StaffAccount(
        "linkworker", Role.LINK_WORKER, "Crossford Bridge Medical Practice (demo)", ("Social prescribing",)
    ),
    StaffAccount("broker", Role.BROKER, "Altrincham Timebank (demo)", ("Brokers",)),
    StaffAccount("editor", Role.ORGANISATION_EDITOR, "Stretford Neighbours Together (demo)"),
    # The parish council lends nothing: it delivers and collects for the scooter scheme.
    StaffAccount("parish", Role.ORGANISATION_EDITOR, "Carrington Moss Parish Council (demo)"),
    StaffAccount(
        "commissioner", Role.COMMISSIONER, "Trafford Council (demo)", ("Commissioning and evaluation",)
    ),
]


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


def demo_resident_emails(count: int = DEMO_RESIDENTS) -> list[str]:
    return [demo_email(f"resident{n}") for n in range(1, count + 1)]


def demo_residents() -> list[User]:
    """The demo residents who can sign in, resident1 first (fewer when the demo has fewer)."""
    found = {u.email: u for u in User.objects.filter(is_demo=True, email__in=demo_resident_emails())}
    return [found[email] for email in demo_resident_emails() if email in found]


def create_demo_account(
    local_part: str, role: str, organisation: Organisation, full_name: str, *, two_factor: bool = False
) -> User:
    """A demo sign-in for someone of ``organisation`` (an app's demo adds the people its stories
    need: the business servicing items, a group holding a stall), with a second factor when
    the role needs one or ``two_factor`` says so (their pages ask for one, e.g. a finance officer)."""
    user = User.objects.create_user(
        demo_email(local_part),
        DEMO_PASSWORD,
        full_name=full_name,
        role=role,
        organisation=organisation,
        is_demo=True,
    )
    if user.needs_two_factor or two_factor:
        give_demo_authenticator(user)
    return user


def give_demo_authenticator(user: User) -> None:
    """A confirmed authenticator for a demo sign-in (``manage.py demo_code EMAIL`` prints its code)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)


def demo_district_exists() -> bool:
    return Organisation.objects.filter(is_demo=True).exists()


@transaction.atomic
def create_demo_people(residents: int = 200) -> dict:
    """Create the demo organisations, teams, a staff account for every role, and residents.

    Needs the demo district's postcodes to be imported first.
    """
    # The postcode model through the field that points at it: accounts sits below places and
    # imports nothing from it.
    postcode_model = User._meta.get_field("home_postcode").related_model
    postcodes = list(
        postcode_model.objects.filter(terminated_on__isnull=True, latitude__isnull=False)
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if not postcodes:
        raise ValueError("Import the demo district's postcodes before creating demo people.")
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    chooser = random.Random(SEED)

    organisations = {
        name: Organisation.objects.create(name=name, kind=kind, is_demo=True) for name, kind in ORGANISATIONS
    }
    teams = {name: Team.objects.create(organisation=organisations[org], name=name) for org, name in TEAMS}
    staff = []
    for account in STAFF:
        user = User.objects.create_user(
            demo_email(account.local_part),
            DEMO_PASSWORD,
            full_name=fake.name(),
            role=account.role,
            organisation=organisations[account.organisation],
            is_staff=account.superuser,
            is_superuser=account.superuser,
            is_demo=True,
        )
        for team in account.teams:
            TeamMembership.objects.create(team=teams[team], user=user, is_lead=account.lead)
        if user.needs_two_factor:
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        staff.append(user)

    people = []
    for number in range(residents):
        first, last = fake.first_name(), fake.last_name()
        people.append(
            User(
                email=f"{first}.{last}.{number}@{DEMO_EMAIL_DOMAIN}".lower().replace("'", ""),
                full_name=f"{first} {last}",
                role=Role.RESIDENT,
                is_demo=True,
                home_postcode_id=chooser.choice(postcodes),
            )
        )
    for person in people:
        person.set_unusable_password()
    # The first few can sign in, with addresses easy to type, so each resident's story can be tried.
    for person, email in zip(people, demo_resident_emails(), strict=False):
        person.email = email
        person.set_password(DEMO_PASSWORD)
    User.objects.bulk_create(people)
    return {"staff": staff, "resident": User.objects.get(email=people[0].email)}
