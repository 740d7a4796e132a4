"""Reads of the matching app: how near listings are to what someone said, in meaning or words; a
person's suggestions (what is known of them, their team's weights, who may see them); what was
dismissed for them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from uuid import UUID

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import Team
from accounts.permissions import Requester
from common import free_times
from common.errors import NotVisible
from common.pages import LARGEST_ID
from directory.models import Service
from people.models import AccessNeed, Goal, Introduction, Online, Person, Travel
from people.permissions import may_see_person
from people.selectors import PersonNotVisible, people_visible_to, teams_for

from . import vectors
from .models import Dismissal, ListingVector, TeamWeights
from .ranking import DEFAULT_WEIGHTS, NAMED_AT, Candidate, Profile, Slot, Suggestion, Weights, rank
from .similarity import phrase_similarities
from .sources import Context, Source, listings
from .sources import timebank as timebank_source
from .sources import volunteering as volunteering_source
from .sources.people import KIND as PERSON
from .sources.people import key_for as person_key
from .sources.people import people_sharing_interests


def listing_similarities(query: str, listing_ids: Sequence[UUID]) -> dict[UUID, float]:
    """How near each listing is to ``query``: cosine similarity of stored vectors with the query's
    when the model is here (a listing whose vector is missing or out of date is embedded now and not
    stored: reads do not write), keyword similarity of the listings' texts when it is not."""
    listings = list(
        Service.objects.filter(pk__in=list(listing_ids))
        .only("pk", "name", "description", "how_to_join")
        .prefetch_related("terms")
    )
    if not listings:
        return {}
    texts = {listing.pk: vectors.listing_text(listing) for listing in listings}
    embedder = vectors.get_embedder()
    if embedder is None:
        scores = vectors.keyword_similarity(query, list(texts.values()))
        return {pk: float(score) for pk, score in zip(texts, scores, strict=True)}
    stored = {
        row.service_id: row
        for row in ListingVector.objects.filter(service_id__in=list(texts), model_name=embedder.name)
    }
    current = [
        pk
        for pk, text in texts.items()
        if pk in stored and stored[pk].text_sha256 == vectors.text_digest(text)
    ]
    stale = [pk for pk in texts if pk not in set(current)]
    rows = [bytes(stored[pk].vector) for pk in current]
    matrix = vectors.matrix_from(rows, embedder.dimensions)
    if stale:
        matrix = np.vstack([matrix, vectors.embed([texts[pk] for pk in stale])])
    scores = vectors.similarity(vectors.embed([query])[0], matrix)
    return {pk: float(score) for pk, score in zip([*current, *stale], scores, strict=True)}


# Suggestions ------------------------------------------------------------------------------------

# Each kind of candidate and the function that finds them (matching/sources/). The helpers of each
# kind add their line here.
SOURCES: dict[str, Source] = {
    "listing": listings.find,
    PERSON: people_sharing_interests,
    "opportunity": volunteering_source.find,
    "offer": timebank_source.find_offers,
    "member": timebank_source.find_members,
}


def suggest(
    profile: Profile,
    context: Context,
    weights: Weights = DEFAULT_WEIGHTS,
    kinds: Sequence[str] | None = None,
    limit: int | None = 10,
) -> list[Suggestion]:
    """The best candidates of ``kinds`` (every kind when ``None``) for ``profile``, with reasons.
    Visibility is the sources' business (each asks the selectors of its own app what the viewer
    may see); this only merges, scores and ranks."""
    candidates: list[Candidate] = []
    known: dict[str, np.ndarray] = {}
    for kind, source in SOURCES.items():
        if kinds is not None and kind not in kinds:
            continue
        found = source(profile, context)
        candidates += found.candidates
        known.update(found.vectors)
    similarities = phrase_similarities(profile.phrases, candidates, known)
    return rank(profile, candidates, similarities, weights, limit)


# A person's suggestions -------------------------------------------------------------------------

# How far someone who travels this way can get, in miles (None: anywhere, or not known).
MILES_BY_TRAVEL: dict[str, float | None] = {
    Travel.WALKS: 1.0,
    Travel.BUS: 3.0,
    Travel.ANYWHERE: None,
    Travel.NOT_KNOWN: None,
}
MAX_PHRASES = 12  # each is scored against every candidate: a long record is cut at this many
_PHRASE_BREAKS = re.compile(r"[\n;,.•]+")


def phrases_in(text: str) -> list[str]:
    """A person's own words split into the phrases suggestions score one by one: at commas, full
    stops, semicolons and new lines ("Gardening, meeting people" is two). A leading capital is
    lowered (not in "BSL" or "I"), so phrases read well joined in a reason."""
    found = []
    for part in _PHRASE_BREAKS.split(text or ""):
        phrase = " ".join(part.split()).strip(" -–—:!?\"'")
        if len(phrase) < 3:
            continue
        if len(phrase) > 1 and phrase[1].islower() and phrase.split()[0] != "I":
            phrase = phrase[0].lower() + phrase[1:]
        found.append(phrase)
    return found


def profile_for_person(person: Person) -> Profile:
    """What suggestions know of ``person``: the first name they go by; their phrases (their
    interests, what matters to them and the goals they are working on, in their own words; not
    their vision, a whole life in prose, nor their strengths, what they could give rather than
    find); their home (postcode); when they are free; what they need (step-free, a hearing loop,
    free); how far they get; what they tried (introductions, either way round: one that did not
    work out is ``False``, any other ``True``); and what was dismissed for them."""
    phrases: list[str] = [term.name for term in person.interests.all()]
    phrases += phrases_in(person.what_matters)
    for goal in person.goals.filter(status=Goal.Status.WORKING_ON).order_by("set_on", "pk"):
        phrases += phrases_in(goal.description)
    unique = list({phrase.lower(): phrase_lowered(phrase) for phrase in phrases}.values())[:MAX_PHRASES]
    postcode = person.postcode
    home = None
    if postcode is not None and postcode.latitude is not None and postcode.longitude is not None:
        home = (postcode.latitude, postcode.longitude)
    return Profile(
        name=person.first_name,
        phrases=tuple(unique),
        home=home,
        free=tuple(Slot(*t) for t in free_times.as_weekly_times(person.free_times or [])),
        needs_step_free=AccessNeed.STEP_FREE in (person.access_needs or []),
        needs_hearing_loop=AccessNeed.HEARING_LOOP in (person.access_needs or []),
        needs_free=person.needs_free,
        max_miles=MILES_BY_TRAVEL.get(person.travel),
        online_ok=person.online_ok != Online.NO,
        tried=tried_by(person),
        dismissed=frozenset(Dismissal.objects.filter(person=person).values_list("key", flat=True)),
    )


def phrase_lowered(phrase: str) -> str:
    """An interest's name as a phrase ("Gardening" → "gardening"), as ``phrases_in`` does."""
    if len(phrase) > 1 and phrase[1].islower():
        return phrase[0].lower() + phrase[1:]
    return phrase


def tried_by(person: Person) -> dict[str, bool]:
    """Each listing and person ``person`` was introduced to (or was introduced to them): ``False``
    when it did not work out, ``True`` otherwise (suggested, introduced, went along, still
    connected: not suggested again). An introduction under way beats an old one that did not work."""
    tried: dict[str, bool] = {}
    failed = Introduction.Status.DID_NOT_WORK_OUT

    def note(key: str, status: str) -> None:
        tried[key] = tried.get(key, False) or status != failed

    for listing_id, other_id, status in Introduction.objects.filter(person=person).values_list(
        "listing_id", "other_person_id", "status"
    ):
        if listing_id is not None:
            note(f"listing:{listing_id}", status)
        elif other_id is not None:
            note(person_key(other_id), status)
    for from_id, status in Introduction.objects.filter(other_person=person, listing__isnull=True).values_list(
        "person_id", "status"
    ):
        note(person_key(from_id), status)
    return tried


def weights_for(team: Team) -> Weights:
    """The team's weights (``TeamWeights``), or the defaults when it has not changed them."""
    stored = TeamWeights.objects.filter(team=team).first()
    if stored is None:
        return DEFAULT_WEIGHTS
    return Weights(**{name: float(getattr(stored, name)) for name in Weights.names()})


def suggestions_for(
    user: Requester, person: Person, kinds: Sequence[str] | None = None, limit: int | None = 10
) -> list[Suggestion]:
    """``person``'s suggestions, best first, ranked with their team's weights, for someone who may
    see them (``PersonNotVisible`` otherwise). A person is suggested only when what they said
    fits something ``person`` said (their interest factor reaches ``ranking.NAMED_AT``): sharing an
    interest is the reason to introduce two people, not living near each other."""
    if not may_see_person(user, person):
        raise PersonNotVisible
    found = suggest(
        profile_for_person(person),
        Context(viewer=user, person=person),
        weights_for(person.team),
        kinds=kinds,
        limit=None,
    )
    kept = [s for s in found if s.candidate.kind != PERSON or s.factors["interest"] >= NAMED_AT]
    return kept if limit is None else kept[:limit]


def dismissals_for(person: Person) -> QuerySet[Dismissal]:
    """What was dismissed for ``person`` (a person the caller has already been allowed to see),
    latest first."""
    return Dismissal.objects.filter(person=person).select_related("dismissed_by")


def dismissal_for_viewer(user: Requester, pk: int | str) -> Dismissal:
    """A dismissal of someone ``user`` may see; any other id (another team's, not a number, none)
    raises ``PersonNotVisible``."""
    try:
        visible = Dismissal.objects.filter(person__in=people_visible_to(user)).select_related("person")
        # Past the largest id a database holds, the lookup would fail in the database (a 500).
        found = None if int(pk) > LARGEST_ID else visible.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None:
        raise PersonNotVisible
    return found


def teams_for_weights(user: Requester) -> QuerySet[Team]:
    """The teams whose weights ``user`` may see: their own (every team, for administrators)."""
    return teams_for(user).order_by("name", "pk")


def team_weights_for_viewer(user: Requester, team_id: int | str | None) -> Team:
    """One of the teams ``user`` may see the weights of (the first when ``team_id`` is None), else
    ``NotVisible``."""
    teams = teams_for_weights(user)
    try:
        team = teams.filter(pk=team_id).first() if team_id else teams.first()
    except (ValueError, TypeError, ValidationError):
        team = None
    if team is None:
        raise NotVisible("No such team.")
    return team
