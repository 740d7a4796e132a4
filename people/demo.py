"""An invented caseload for the demo district, so a newcomer sees people being walked alongside:
every name is Faker en_GB and every record is marked as demo."""

from __future__ import annotations

import random
import secrets
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, Team, TeamMembership
from common import free_times as weekly
from directory.models import Location
from directory.selectors import public_listings
from places.models import Postcode

from .models import (
    NEXT_STEPS,
    AccessNeed,
    Attendance,
    Consent,
    Conversation,
    DropInSession,
    Goal,
    IncomingReferral,
    Introducer,
    Introduction,
    IntroductionStep,
    Person,
    Referral,
    ReferralLink,
    ReferralStep,
    Travel,
)

VISIONS = [
    ("To feel part of my street again, like before my husband died.", "Company at mealtimes"),
    ("Getting back to playing the piano and maybe teaching it.", "Music, and being useful"),
    ("To stay in my own home and keep my garden going.", "My independence and my roses"),
    ("A job with people, and friends who aren't online.", "Getting out of the flat"),
    ("To walk to the shops on my own by the spring.", "My grandchildren visiting"),
    ("Somewhere to go on a Tuesday that isn't the doctor's.", "A reason to get dressed"),
    ("To look after Mum without losing myself.", "A bit of time for me"),
    ("To cook for other people again.", "Feeding people; it's what I do"),
]


def _suggestion_facts(person: Person, rng: random.Random, start, user) -> None:
    """When they are free, how far they get, what a place needs; half agree to be introduced to
    others on the team who share an interest."""
    person.free_times = sorted(rng.sample(sorted(weekly.CODES), rng.randrange(2, 6)))
    person.travel = rng.choice([Travel.WALKS, Travel.BUS, Travel.ANYWHERE])
    person.access_needs = [AccessNeed.STEP_FREE] if rng.random() < 0.3 else []
    person.needs_free = rng.random() < 0.4
    person.save(update_fields=["free_times", "travel", "access_needs", "needs_free"])
    if rng.random() < 0.5:
        Consent.objects.create(
            person=person,
            purpose=Consent.Purpose.INTRODUCE_TO_PEOPLE,
            method=Consent.Method.SPOKEN,
            given_on=start,
            recorded_by=user,
        )


NEXT = ["Ring on Friday", "Go along to the lunch club together", "Ask about a bus pass", "Visit at home"]


@transaction.atomic
def create_demo_caseload(per_coordinator: int = 10, seed: int = 11) -> int:
    """A few people for each demo coordinator and link worker, with conversations, goals and
    introductions at every stage. Returns how many people were made."""
    fake, rng = Faker("en_GB"), random.Random(seed)
    fake.seed_instance(seed)
    # What suggestions use (issue 17) comes from its own sequence, so the rest stays as it was.
    facts = random.Random(seed + 1)
    today = timezone.localdate()
    listings = list(public_listings().order_by("name")[:200])
    postcodes = list(Postcode.objects.filter(terminated_on__isnull=True).order_by("postcode")[:4000])
    staff = TeamMembership.objects.filter(
        user__is_demo=True, user__role__in=[Role.COORDINATOR, Role.LINK_WORKER], is_lead=False
    ).select_related("user", "team")
    made = 0
    for membership in staff:
        people = []
        for _ in range(per_coordinator):
            vision, matters = rng.choice(VISIONS)
            person = Person.objects.create(
                full_name=fake.name(),
                phone=fake.phone_number(),
                postcode=rng.choice(postcodes) if postcodes else None,
                vision=vision,
                what_matters=matters,
                team=membership.team,
                coordinator=membership.user,
                introduced_by=rng.choice(Introducer.values),
                is_demo=True,
            )
            start = today - timedelta(days=rng.randrange(20, 240))
            Consent.objects.create(
                person=person,
                purpose=Consent.Purpose.KEEP_RECORD,
                method=Consent.Method.SPOKEN,
                given_on=start,
                recorded_by=membership.user,
            )
            _suggestion_facts(person, facts, start, membership.user)
            if membership.user.role == Role.LINK_WORKER:
                Referral.objects.create(
                    person=person,
                    received_on=start,
                    referring_organisation="Sale and District Medical Practice (demo)",
                    reasons=rng.sample(Referral.Reason.values[:-1], 2),
                    first_contact_on=start + timedelta(days=rng.randrange(1, 6)),
                    recorded_by=membership.user,
                )
            Goal.objects.create(person=person, description=vision, set_on=start)
            for n in range(rng.randrange(1, 5)):
                happened = min(today, start + timedelta(days=14 * n))
                Conversation.objects.create(
                    person=person,
                    happened_on=happened,
                    kind=rng.choice(Conversation.Kind.values),
                    notes="Talked about what a good week would look like, and who is around.",
                    next_step=rng.choice(NEXT),
                    follow_up_on=happened + timedelta(days=rng.choice([0, 3, 7])) if n == 0 else None,
                    followed_up=happened + timedelta(days=7) < today,
                    recorded_by=membership.user,
                )
            if listings:
                _introduce(person, rng.choice(listings), start, today, rng, membership.user)
            people.append(person)
            made += 1
        # Two neighbours with a shared interest, introduced to each other.
        if len(people) > 1:
            intro = Introduction.objects.create(
                person=people[0], other_person=people[1], status="introduced", made_by=membership.user
            )
            IntroductionStep.objects.create(
                introduction=intro, status="introduced", recorded_by=membership.user
            )
    _demo_drop_ins(rng, today)
    _demo_inbox(fake, rng)
    return made


def _demo_inbox(fake, rng) -> None:
    """For each team with a demo link worker: the demo practice's referral link (its secrets are
    thrown away: a lead makes a new one to try it) and two referrals waiting in the inbox, one of
    them with a question asked."""
    workers = TeamMembership.objects.filter(user__is_demo=True, user__role=Role.LINK_WORKER).select_related(
        "user", "team"
    )
    for membership in workers:
        team = membership.team
        if team.incoming_referrals.exists():
            continue
        link = ReferralLink.objects.create(
            team=team,
            referring_organisation="Sale and District Medical Practice (demo)",
            form_digest=secrets.token_hex(32),
            api_digest=secrets.token_hex(32),
        )
        for asked in (False, True):
            incoming = IncomingReferral.objects.create(
                team=team,
                link=link,
                referring_organisation=link.referring_organisation,
                referrer_name=f"Dr {fake.last_name()}",
                referrer_email="surgery@demo.closeknit.example",
                full_name=fake.name(),
                phone=fake.phone_number(),
                reasons=rng.sample(Referral.Reason.values[:-1], 2),
                what_matters="Lives alone since the spring and has stopped going out; used to sing.",
            )
            ReferralStep.objects.create(
                incoming=incoming, status=ReferralStep.Status.RECEIVED, by_label=incoming.referrer_name
            )
            if asked:
                incoming.status = IncomingReferral.Status.MORE_INFORMATION_ASKED
                incoming.save(update_fields=["status"])
                ReferralStep.objects.create(
                    incoming=incoming,
                    status=ReferralStep.Status.MORE_INFORMATION_ASKED,
                    note="Is there a good time of day to ring?",
                    by=membership.user,
                )


def _demo_drop_ins(rng, today) -> None:
    """For each team with demo people: last week's drop-in with who came, and next week's."""
    venues = list(Location.objects.order_by("name")[:50])
    for team in Team.objects.filter(people__is_demo=True).distinct():
        hosts = list(team.members.filter(is_demo=True))
        venue = rng.choice(venues) if venues else None
        place = "" if venue else "The community centre"
        for days, title in ((-7, "Community drop-in"), (7, "Community drop-in")):
            session = DropInSession.objects.create(
                team=team,
                title=f"{title}, {team.name}",
                venue=venue,
                place=place,
                on=today + timedelta(days=days),
                starts_at=time(10),
                ends_at=time(12),
                others_on_hand="A social worker from adult social care",
                created_by=hosts[0] if hosts else None,
            )
            session.hosts.set(hosts)
            if days < 0:
                for person in rng.sample(list(team.people.filter(is_demo=True)), 3):
                    Attendance.objects.create(session=session, person=person, linked_with=rng.choice(hosts))
                Attendance.objects.create(session=session, first_name="Stan", note="First time; likes bowls")


def _introduce(person, listing, start, today, rng, user) -> None:
    """An introduction taken a random number of steps along its lifecycle, each step dated."""
    made_on = min(today, start + timedelta(days=7))
    intro = Introduction.objects.create(person=person, listing=listing, made_by=user, made_on=made_on)
    IntroductionStep.objects.create(introduction=intro, status=intro.status, on=made_on, recorded_by=user)
    on = made_on
    for _ in range(rng.randrange(0, 4)):
        choices = NEXT_STEPS[Introduction.Status(intro.status)]
        if not choices:
            break
        status = choices[0] if rng.random() < 0.8 else choices[-1]
        on = min(today, on + timedelta(days=rng.randrange(3, 21)))
        IntroductionStep.objects.create(introduction=intro, status=status, on=on, recorded_by=user)
        intro.status = status
    intro.follow_up_on = None if intro.status == "did_not_work_out" else min(today, on + timedelta(days=14))
    intro.save()
