"""Writes of the matching app: keeping each listing's stored vector current; acting on a person's
suggestions (introducing, dismissing, bringing back); a team's weights."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, Team, User
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal
from directory.models import Service
from directory.selectors import public_listings
from people.models import Introduction, Person
from people.selectors import PersonNotVisible
from people.services import make_introduction

from . import vectors
from .models import WEIGHT_LIMITS, Dismissal, ListingVector, TeamWeights
from .permissions import may_change_team_weights, may_see_suggestions
from .ranking import Weights
from .sources.people import KIND as PERSON
from .sources.people import people_who_may_be_suggested

BATCH = 1000  # listings read, embedded and written at a time


@dataclass(frozen=True)
class RefreshCounts:
    made: int = 0  # vectors made or remade (new listing, changed text, another model)
    current: int = 0  # listings whose vector was already current
    off: bool = False  # no model here: nothing was done

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


def refresh_listing_vectors(ids: Iterable[UUID | str] | None = None) -> RefreshCounts:
    """Make the vector of each listing in ``ids`` (every listing when ``None``) whose text, or the
    model, changed since its vector was made. Ids of listings that no longer exist are passed over
    (their vectors went with them). One transaction: on failure nothing is saved."""
    embedder = vectors.get_embedder()
    if embedder is None:
        return RefreshCounts(off=True)
    if ids is None:
        wanted = list(Service.objects.order_by("pk").values_list("pk", flat=True))
    else:
        wanted = sorted({UUID(str(i)) for i in ids})
    made = current = 0
    with transaction.atomic():
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            listings = (
                Service.objects.filter(pk__in=batch)
                .only("pk", "name", "description", "how_to_join")
                .prefetch_related("terms")
            )
            stored = {
                service_id: (model_name, digest)
                for service_id, model_name, digest in ListingVector.objects.filter(
                    service_id__in=batch
                ).values_list("service_id", "model_name", "text_sha256")
            }
            changed: list[tuple[Service, str, str]] = []
            for listing in listings:
                text = vectors.listing_text(listing)
                digest = vectors.text_digest(text)
                if stored.get(listing.pk) == (embedder.name, digest):
                    current += 1
                else:
                    changed.append((listing, text, digest))
            if not changed:
                continue
            matrix = vectors.embed([text for _, text, _ in changed])
            now = timezone.now()
            ListingVector.objects.bulk_create(
                [
                    ListingVector(
                        service=listing,
                        model_name=embedder.name,
                        text_sha256=digest,
                        dimensions=embedder.dimensions,
                        vector=vectors.to_bytes(row),
                        updated_at=now,
                    )
                    for (listing, _, digest), row in zip(changed, matrix, strict=True)
                ],
                update_conflicts=True,
                unique_fields=["service"],
                update_fields=["model_name", "text_sha256", "dimensions", "vector", "updated_at"],
            )
            made += len(changed)
    return RefreshCounts(made=made, current=current)


# Acting on a person's suggestions ----------------------------------------------------------------

UNKNOWN_SUGGESTION = "That suggestion is not one we know. Go back to the suggestions and choose again."
KEY_SHAPE = re.compile(r"^[a-z_]{1,20}:[A-Za-z0-9_.-]{1,79}$")


def _candidate_key(key: str) -> tuple[str, str]:
    if not KEY_SHAPE.match(key or ""):
        raise Refusal(UNKNOWN_SUGGESTION)
    kind, _, ident = key.partition(":")
    return kind, ident


def _may_change(user: User, person: Person) -> None:
    if not may_see_suggestions(user, person):
        raise PersonNotVisible


@transaction.atomic
def introduce_from_suggestion(user: User, person: Person, key: str, title: str) -> Introduction:
    """Introduce ``person`` to a suggestion, as "Suggested" (they will think about it): a listing
    or another person by record (the listing must be published; the person one the viewer could be
    suggested now: same team, agreeing to be introduced), anything else by its title in words."""
    _may_change(user, person)
    kind, ident = _candidate_key(key)
    details: dict[str, Any] = {"status": Introduction.Status.SUGGESTED}
    if kind == "listing":
        listing = public_listings().filter(pk=_uuid(ident)).first()
        if listing is None:
            raise Refusal("That listing is no longer published in the directory.")
        details["listing"] = listing
    elif kind == PERSON:
        other = people_who_may_be_suggested(user, person).filter(pk=_uuid(ident)).first()
        if other is None:
            raise Refusal("That person can no longer be suggested: they may have withdrawn their agreement.")
        details["other_person"] = other
    else:
        words = " ".join((title or "").split())[:200]
        if not words:
            raise Refusal(
                "That suggestion has no name to record. Go back to the suggestions and choose again."
            )
        details["elsewhere"] = words
    return make_introduction(user, person, details)


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise Refusal(UNKNOWN_SUGGESTION) from None


@transaction.atomic
def dismiss_suggestion(
    user: User, person: Person, key: str, title: str, reason: str, note: str = ""
) -> Dismissal:
    """The suggestion ``key`` is not for ``person``, for ``reason``: it is not suggested to them
    again until the dismissal is removed (``restore_suggestion``)."""
    _may_change(user, person)
    _candidate_key(key)
    if reason not in Dismissal.Reason.values:
        raise Refusal("Choose why it is not for them.", field="reason")
    note = (note or "").strip()
    if len(note) > 300:
        raise Refusal(f"Keep the note to 300 characters or fewer (it has {len(note)}).", field="note")
    if Dismissal.objects.filter(person=person, key=key).exists():
        raise Refusal("This suggestion is already dismissed for them.")
    dismissal = Dismissal.objects.create(
        person=person,
        key=key,
        title=" ".join((title or "").split())[:255] or key,
        reason=reason,
        note=note,
        dismissed_by=user,
    )
    record_audit_event(
        user, AuditEvent.Action.UPDATE, person, note=f"suggestion dismissal {dismissal.pk} made"
    )
    return dismissal


@transaction.atomic
def restore_suggestion(user: User, dismissal: Dismissal, key: str) -> Dismissal:
    """Remove a dismissal: the suggestion may come back. ``key`` is the suggestion's, as the page
    showed it: a form sent without it (or with another) changes nothing."""
    _may_change(user, dismissal.person)
    if key != dismissal.key:
        raise Refusal("Choose a suggestion to bring back from the list of those dismissed.")
    pk = dismissal.pk
    dismissal.delete()
    dismissal.pk = pk
    record_audit_event(
        user, AuditEvent.Action.UPDATE, dismissal.person, note=f"suggestion dismissal {pk} removed"
    )
    return dismissal


@transaction.atomic
def set_team_weights(user: User, team: Team, values: dict[str, Any]) -> TeamWeights:
    """How much each factor counts for ``team``'s suggestions: every ``ranking.Weights`` name, each a
    number from 0 to 10. For the team's leads and administrators."""
    if not may_change_team_weights(user, team):
        raise NotPermitted("Only the team's leads and administrators may change its weights.")
    checked: dict[str, Decimal] = {}
    problems: dict[str, str] = {}
    for name in Weights.names():
        try:
            value = Decimal(str(values.get(name, "")).strip())
        except InvalidOperation:
            problems[name] = f"Enter a number from 0 to 10 for “{WEIGHT_LABELS[name]}”"
            continue
        if not value.is_finite() or not WEIGHT_LIMITS[0] <= value <= WEIGHT_LIMITS[1]:
            problems[name] = f"Enter a number from 0 to 10 for “{WEIGHT_LABELS[name]}”"
        else:
            checked[name] = value.quantize(Decimal("0.01"))
    if problems:
        raise Refusal(problems)
    weights, _ = TeamWeights.objects.update_or_create(
        team=team, defaults={**checked, "changed_by": user, "changed_at": timezone.now()}
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, weights, note="suggestion weights changed")
    return weights


# The factors in plain words, as the weights page names them.
WEIGHT_LABELS = {
    "interest": "Fits what they said",
    "distance": "Near them",
    "time": "When they are free",
    "cost": "Free",
    "access": "Has what they need to get in",
    "tried": "Not tried before",
}
