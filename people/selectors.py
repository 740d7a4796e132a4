"""Reads of person records, and who may see what. Every read of personal data goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest

from accounts.models import ROLES_THAT_SEE_PERSON_RECORDS, AuditEvent, Team, TeamMembership, User
from accounts.permissions import Requester, is_administrator
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible
from directory.models import Location, Service, TaxonomyTerm
from directory.selectors import ListingSearch, public_listings, search_listings
from places.geo import Point, great_circle_miles
from places.selectors import PostcodeError, normalise_postcode

from . import permissions, registries
from .models import (
    Attendance,
    Consent,
    Conversation,
    DropInSession,
    Goal,
    IncomingReferral,
    Introduction,
    Person,
    Referral,
    ReferralLink,
    SafeguardingNote,
)
from .subject_access import subject_access_data

Owned = TypeVar("Owned", bound=Model)


class PersonNotVisible(NotVisible):
    """The person does not exist, or this user may not see them: the two look the same (404)."""


class NotAllowed(NotPermitted):
    """The user may see this person, but not do this with their record (403)."""


def people_visible_to(user: Requester) -> QuerySet[Person]:
    """The people this user may see: their teams' people, or everyone's for administrators.
    Erased records are seen by no one."""
    if not permissions.may_work_with_people(user):
        return Person.objects.none()
    people = Person.objects.filter(erased_at__isnull=True)
    if permissions.may_see_everyone(user):
        return people
    return people.filter(team__memberships__user=user)


def teams_for(user: Requester) -> QuerySet[Team]:
    """The teams a user may put a person in, and so may choose: their own, or any for
    administrators; none for a role that does not work with people."""
    if not permissions.may_work_with_people(user):
        return Team.objects.none()
    if permissions.may_see_everyone(user):
        return Team.objects.select_related("organisation")
    return Team.objects.filter(memberships__user=user).select_related("organisation")


def members_of_teams(teams: Iterable[Team] | QuerySet[Team]) -> QuerySet[User]:
    """The active staff on ``teams``: the only people a form may offer as a coordinator or host."""
    return (
        User.objects.filter(memberships__team__in=teams, is_active=True)
        .distinct()
        .order_by("full_name", "pk")
    )


def coordinators_for(user: Requester) -> QuerySet[User]:
    """The staff a user may name as a person's coordinator: the active members of the teams they
    may put a person in whose role is to work with people (a resident or a commissioner on the team
    is not offered); the service then checks the coordinator is on the person's own team."""
    return members_of_teams(teams_for(user)).filter(role__in=ROLES_THAT_SEE_PERSON_RECORDS)


def person_for_viewer(user: Requester, person_id: UUID | str) -> Person:
    """A person's record for someone who may see it. The read is audited by the request's trail
    (``accounts.audit``): a VIEW event is written if the response shows it.

    Raises ``PersonNotVisible`` when there is no such person or the user may not see them.
    """
    try:
        return (
            people_visible_to(user)
            .select_related("postcode__lsoa", "postcode__ward", "team__organisation", "coordinator")
            .get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError, ValidationError):
        raise PersonNotVisible from None


def _of_visible_person(user: Requester, records: QuerySet[Owned], pk: int | str) -> Owned:
    """A record (conversation, consent, goal, introduction) of someone this user may see; any
    other id, or one that is not a number, raises ``PersonNotVisible``."""
    try:
        found = records.filter(person__in=people_visible_to(user), pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None:
        raise PersonNotVisible
    return found


def conversation_for_viewer(user: Requester, pk: int | str) -> Conversation:
    """A conversation with someone this user may see, else ``PersonNotVisible``."""
    return _of_visible_person(user, Conversation.objects.select_related("person"), pk)


def consent_for_viewer(user: Requester, pk: int | str) -> Consent:
    """A consent of someone this user may see, else ``PersonNotVisible``."""
    return _of_visible_person(user, Consent.objects.select_related("person"), pk)


def goal_for_viewer(user: Requester, pk: int | str) -> Goal:
    """A goal of someone this user may see, else ``PersonNotVisible``."""
    return _of_visible_person(user, Goal.objects.select_related("person"), pk)


def introduction_for_viewer(user: Requester, pk: int | str) -> Introduction:
    """An introduction of someone this user may see, else ``PersonNotVisible``."""
    records = Introduction.objects.select_related("person", "listing", "other_person")
    return _of_visible_person(user, records, pk)


def people_to_introduce(user: Requester, person: Person) -> QuerySet[Person]:
    """The people a user may offer when introducing ``person`` to someone: those they may see,
    other than the person themselves."""
    return people_visible_to(user).exclude(pk=person.pk).order_by("full_name")


def own_record(user: Requester) -> Person | None:
    """The record a team has linked to a resident's sign-in (audited by the request's trail, as
    every read of a person is). The link may still be pending (``Person.account_link_pending``):
    then the page shows only the team's question, never the record's contents."""
    if not user.is_authenticated:
        return None
    return (
        Person.objects.filter(account=user, erased_at__isnull=True)
        .select_related("postcode", "team", "coordinator")
        .first()
    )


def pending_link_for(user: Requester, person_id: UUID | str, *, for_update: bool = False) -> Person:
    """A record a team has asked to link to this resident's sign-in, not yet confirmed: the only
    record they may confirm or refuse. Any other id (someone else's link, a confirmed or erased
    record, no such record) raises ``PersonNotVisible`` without loading it."""
    if not user.is_authenticated:
        raise PersonNotVisible
    people = Person.objects.filter(account=user, account_confirmed_at__isnull=True, erased_at__isnull=True)
    if for_update:
        people = people.select_for_update(of=("self",))
    try:
        return people.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError, ValidationError):
        raise PersonNotVisible from None


def safeguarding_notes(user: Requester, person: Person) -> QuerySet[SafeguardingNote]:
    """The safeguarding notes about ``person`` this user may read: all of them for the coordinator
    and the team's leads, none for anyone else."""
    if not permissions.may_read_safeguarding(user, person):
        return SafeguardingNote.objects.none()
    return person.safeguarding_notes.select_related("recorded_by")


def caseload(user: User, *, scope: str = "mine", text: str = "") -> QuerySet[Person]:
    """People the user may see: ``mine`` (they coordinate) or ``team`` (all their teams'),
    optionally narrowed by name or postcode."""
    people = people_visible_to(user)
    if scope == "mine":
        people = people.filter(coordinator=user)
    # PostgreSQL refuses a NUL character in a query (a 500); no name or postcode holds one.
    text = (text or "").replace("\x00", "").strip()
    if text:
        matches = Q(full_name__icontains=text) | Q(preferred_name__icontains=text)
        with suppress(PostcodeError):  # not a postcode: search by name only
            matches |= Q(postcode_id=normalise_postcode(text))
        people = people.filter(matches)
    return people.select_related("team", "coordinator", "postcode__ward").order_by("full_name", "pk")


def follow_ups_due(user: User, on: date) -> dict[str, list[Any]]:
    """What the user said they would follow up, due on or before ``on``, for people they coordinate."""
    mine = people_visible_to(user).filter(coordinator=user)
    conversations = (
        Conversation.objects.filter(person__in=mine, follow_up_on__lte=on, followed_up=False)
        .select_related("person")
        .order_by("follow_up_on", "pk")
    )
    introductions = (
        Introduction.objects.filter(person__in=mine, follow_up_on__lte=on)
        .exclude(status=Introduction.Status.DID_NOT_WORK_OUT)
        .select_related("person", "listing", "other_person")
        .order_by("follow_up_on", "pk")
    )
    return {"conversations": list(conversations), "introductions": list(introductions)}


def count_follow_ups_due(user: User, on: date) -> int:
    """How many follow-ups are due: counted in the database, so no one's record is read (and
    the count is not logged as showing those people)."""
    mine = people_visible_to(user).filter(coordinator=user)
    conversations = Conversation.objects.filter(person__in=mine, follow_up_on__lte=on, followed_up=False)
    introductions = Introduction.objects.filter(person__in=mine, follow_up_on__lte=on).exclude(
        status=Introduction.Status.DID_NOT_WORK_OUT
    )
    return conversations.count() + introductions.count()


def person_details(person: Person) -> dict[str, list[Any]]:
    """Everything on a person's page other than safeguarding notes (ask ``safeguarding_notes``)."""
    return {
        "consents": list(person.consents.select_related("recorded_by")),
        "goals": list(person.goals.all()),
        "referrals": list(person.referrals.all()),
        "conversations": list(person.conversations.select_related("recorded_by")),
        "introductions": list(
            person.introductions.select_related("listing", "other_person", "made_by").prefetch_related(
                "steps"
            )
        ),
        "interests": list(person.interests.all()),
        # Who they met and the listings they were introduced to at drop-ins, latest first.
        "attendances": list(
            person.attendances.select_related("session", "linked_with", "linked_listing").order_by(
                "-session__on", "-recorded_at"
            )
        ),
    }


def has_consent_to_keep_record(person: Person) -> bool:
    """Whether the person agrees, now, to us keeping a record: nothing new is added without it."""
    return person.consents.filter(purpose=Consent.Purpose.KEEP_RECORD, withdrawn_on__isnull=True).exists()


def subject_access_for(
    user: User, person_id: UUID | str, *, request: HttpRequest | None = None
) -> tuple[Person, dict[str, Any]]:
    """A person and all the data about them, for a subject access request, written to the audit
    log as one export. It includes safeguarding notes, so only those who may read them (the
    coordinator and team leads) may export it: ``NotAllowed`` for other team members,
    ``PersonNotVisible`` for everyone else."""
    person = person_for_viewer(user, person_id)
    if not permissions.may_request_subject_access(user, person):
        raise NotAllowed("Only their coordinator and the team's leads may export a person's record.")
    record_audit_event(user, AuditEvent.Action.EXPORT, person, request=request, note="subject access")
    return person, subject_access_data(person)


def drop_ins_visible_to(user: Requester) -> QuerySet[DropInSession]:
    """Drop-in sessions of the user's teams (every team's for administrators)."""
    if not permissions.may_work_with_people(user):
        return DropInSession.objects.none()
    sessions = DropInSession.objects.select_related("team", "venue")
    if permissions.may_see_everyone(user):
        return sessions
    return sessions.filter(team__memberships__user=user)


def drop_in_for_viewer(
    user: User, session_id: int | str, *, request: HttpRequest | None = None
) -> DropInSession:
    """A drop-in session with its attendance, for someone in its team; ``PersonNotVisible``
    otherwise. Attendees are people, so the read is audited."""
    try:
        session = drop_ins_visible_to(user).filter(pk=session_id).first()
    except (ValueError, TypeError, ValidationError):
        session = None
    if session is None:
        raise PersonNotVisible
    record_audit_event(user, AuditEvent.Action.VIEW, session, request=request, note="drop-in attendance")
    return session


def attendance_for_viewer(user: Requester, session: DropInSession) -> list[Attendance]:
    """Who came to a drop-in, as ``user`` may read it. Someone on record whose record they may see
    is named in full (``visible_person``); someone whose record is now another team's (they moved)
    only by first name, as across teams everywhere."""
    visible = set(people_visible_to(user).filter(attendances__session=session).values_list("pk", flat=True))
    attendances = list(session.attendances.select_related("person", "linked_with", "linked_listing"))
    for attendance in attendances:
        shown = attendance.person if attendance.person_id in visible else None
        attendance.visible_person = shown  # type: ignore[attr-defined]  # for the template, not a field
    return attendances


def people_at_drop_in(user: Requester, session: DropInSession) -> QuerySet[Person]:
    """The people a user may log as having come to a drop-in: those of its team they may see."""
    return people_visible_to(user).filter(team=session.team).order_by("full_name")


def interests_to_choose() -> QuerySet[TaxonomyTerm]:
    """The interests a person's record may name: the directory's top-level categories, the same
    for everyone (so suggestions can follow what they enjoy)."""
    return TaxonomyTerm.objects.filter(parent__isnull=True).order_by("name")


@dataclass(frozen=True)
class OfferedListing:
    """A listing the introduction picker offers, with its label: "Altrincham Lunch Club —
    Altrincham Methodist Hall, 0.4 miles" (its venue nearest the person, and how far that is)."""

    listing: Service
    label: str


def listings_to_offer(
    person: Person, text: str = "", limit: int = 50, *, user: Requester | None = None
) -> list[OfferedListing]:
    """Listings to choose from when introducing someone, each once: those matching ``text``; with
    no words, those suggested for them, best first (``registries.listing_suggesters``, filled by
    the apps that make suggestions), else those within a mile of where they live, nearest first."""
    home = _home(person)
    found: list[Service] = []
    if text.strip():
        found = list(search_listings(ListingSearch(text=text))[: limit * 3])
    else:
        if user is not None:
            found = _suggested_listings(user, person, limit)
        if not found and home is not None:
            found = list(search_listings(ListingSearch(near=home, miles=1, order="distance"))[: limit * 3])
    unique = list(dict.fromkeys(found))[:limit]  # a listing found through two venues is offered once
    prefetch_related_objects(unique, "locations")
    return [OfferedListing(listing, _offer_label(listing, home)) for listing in unique]


def _home(person: Person) -> Point | None:
    postcode = person.postcode
    if postcode is None or postcode.latitude is None or postcode.longitude is None:
        return None
    return Point(postcode.latitude, postcode.longitude)


def _suggested_listings(user: Requester, person: Person, limit: int) -> list[Service]:
    for suggester in registries.listing_suggesters:
        ids = suggester(user, person, limit)
        if ids:
            listings = {listing.pk: listing for listing in public_listings().filter(pk__in=ids)}
            return [listings[pk] for pk in ids if pk in listings]
    return []


def _offer_label(listing: Service, home: Point | None) -> str:
    venues = [v for v in listing.locations.all() if v.location_type == Location.Type.PHYSICAL]
    placed = [
        (great_circle_miles(home, Point(v.latitude, v.longitude)), str(v))
        for v in venues
        if home is not None and v.latitude is not None and v.longitude is not None
    ]
    if placed:
        miles, nearest = min(placed)
        far = "1 mile" if round(miles, 1) == 1.0 else f"{miles:.1f} miles"
        return f"{listing.name} — {nearest}, {far}"
    if venues:
        return f"{listing.name} — {venues[0]}"
    if listing.locations.all():
        return f"{listing.name} — online"
    return listing.name


def venues_for_drop_ins(user: User) -> QuerySet[Location]:
    """Venues to choose from for a drop-in: those of the user's organisations' listings and those
    their teams have used before, rather than every venue in the directory."""
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    organisations = TeamMembership.objects.filter(user=user).values("team__organisation_id")
    used = DropInSession.objects.filter(team_id__in=teams, venue__isnull=False).values("venue_id")
    return (
        Location.objects.filter(Q(services__owner_id__in=organisations) | Q(pk__in=used))
        .distinct()
        .order_by("name")
    )


def listings_near_drop_in(session: DropInSession, limit: int = 60) -> list[Service]:
    """Listings within a mile of a drop-in's venue, nearest first, to link an attendee with."""
    venue = session.venue
    if venue is None or venue.latitude is None or venue.longitude is None:
        return []
    near = Point(venue.latitude, venue.longitude)
    return list(search_listings(ListingSearch(near=near, miles=1, order="distance"))[:limit])


def incoming_referrals_visible_to(user: Requester) -> QuerySet[IncomingReferral]:
    """Incoming referrals in the inboxes of the user's teams (every team's for administrators),
    erased ones in no one's. Each one read is audited by the request's trail."""
    if not permissions.may_work_with_people(user):
        return IncomingReferral.objects.none()
    incoming = IncomingReferral.objects.filter(erased_at__isnull=True)
    if permissions.may_see_everyone(user):
        return incoming
    return incoming.filter(team__memberships__user=user)


def inbox(user: Requester, *, waiting: bool = True) -> QuerySet[IncomingReferral]:
    """The user's teams' inbox: the referrals waiting for an answer (received, or more
    information asked), oldest first; or with ``waiting=False`` those answered, newest first."""
    incoming = incoming_referrals_visible_to(user).select_related("team", "person")
    open_statuses = [IncomingReferral.Status.RECEIVED, IncomingReferral.Status.MORE_INFORMATION_ASKED]
    if waiting:
        return incoming.filter(status__in=open_statuses).order_by("received_at", "pk")
    return incoming.exclude(status__in=open_statuses).order_by("-received_at", "-pk")


def count_referrals_waiting(user: Requester) -> int:
    """How many referrals wait for an answer in the user's teams' inboxes: counted in the database,
    so no referral is read (and the count is not logged as showing anyone)."""
    open_statuses = [IncomingReferral.Status.RECEIVED, IncomingReferral.Status.MORE_INFORMATION_ASKED]
    return incoming_referrals_visible_to(user).filter(status__in=open_statuses).count()


def incoming_referral_for_viewer(user: Requester, pk: int | str) -> IncomingReferral:
    """An incoming referral in one of the user's teams' inboxes, else ``PersonNotVisible``
    (another team's looks exactly like one that does not exist)."""
    try:
        found = (
            incoming_referrals_visible_to(user)
            .select_related("team", "person", "referral", "link")
            .filter(pk=pk)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None:
        raise PersonNotVisible
    return found


def people_to_link_referral(user: Requester, incoming: IncomingReferral) -> QuerySet[Person]:
    """The records an incoming referral may be linked to: the people of its team this user sees."""
    return people_visible_to(user).filter(team_id=incoming.team_id).order_by("full_name", "pk")


def referral_for_viewer(user: Requester, pk: int | str) -> Referral:
    """A referral of someone this user may see, else ``PersonNotVisible``."""
    return _of_visible_person(user, Referral.objects.select_related("person"), pk)


def teams_with_links_managed_by(user: Requester) -> QuerySet[Team]:
    """The teams whose referral links this user may make and revoke: those they lead (every team
    for administrators)."""
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    teams = Team.objects.select_related("organisation")
    if is_administrator(user):
        return teams
    return teams.filter(memberships__user=user, memberships__is_lead=True)


def referral_links_managed_by(user: Requester) -> QuerySet[ReferralLink]:
    """The referral links of the teams this user may manage, live ones first."""
    return (
        ReferralLink.objects.filter(team__in=teams_with_links_managed_by(user))
        .select_related("team__organisation", "created_by", "revoked_by")
        .order_by("revoked_at", "referring_organisation", "-created_at")
    )


def live_link_for_secret(digest_field: str, digest: str) -> ReferralLink | None:
    """The live referral link whose form (``form_digest``) or API (``api_digest``) secret has
    this digest, or None: a revoked link's secret opens nothing."""
    if digest_field not in ("form_digest", "api_digest") or not digest:
        return None
    return (
        ReferralLink.objects.filter(revoked_at__isnull=True, **{digest_field: digest})
        .select_related("team")
        .first()
    )
