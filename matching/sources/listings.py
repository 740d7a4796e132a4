"""Directory listings as candidates: public ones only (published, not closed for good), each once.

Two stages, so a person's suggestions take the same time with 100,000 listings as with 100:

1. **Choose**, in numpy over every public listing (``matching.index``, kept in memory): each
   listing's best similarity with any of the person's phrases (by meaning with the model, or, with
   none, which phrases' words the directory's full-text search finds in it), and, when the person's
   home is known, the miles to its nearest venue. Listings too far for how the person travels are
   left out, and the ``context.limit`` best by a first estimate of the score (the ranking's default
   weights of interest and distance) are kept.
2. **Read** only those from the database (a fixed number of queries, whatever their number) and make
   each a :class:`~matching.ranking.Candidate` with the facts the ranking and its reasons use.

Listings without a current stored vector (new, or not refreshed yet) are still found: the index
embeds them in memory as it loads (up to ``index.EMBED_ON_LOAD``); past that, or with no model at
all, the full-text search over the person's words finds them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any
from uuid import UUID

import numpy as np
from django.db import connection
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from directory import fulltext
from directory.models import Accessibility, Location, Schedule, Service, ServiceAtLocation, TaxonomyTerm
from directory.selectors import public_listings
from matching import index, vectors
from matching.ranking import DEFAULT_WEIGHTS, Candidate, Cost, Profile, Slot, miles_between
from matching.sources import Context, Found

KIND = "listing"
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
KEYWORD_QUERIES = 12  # full-text searches at most per request (a phrase, then its words)
COSTS: dict[str, str] = {
    Service.Cost.FREE.value: Cost.FREE,
    Service.Cost.PAY_WHAT_YOU_CAN.value: Cost.PAY_WHAT_YOU_CAN,
    Service.Cost.PAID.value: Cost.PAID,
}
HEARING_LOOP = re.compile(
    r"\b(hearing|induction|audio[- ]frequency induction)[- ]loops?\b|\bloop system", re.I
)
NO_HEARING_LOOP = re.compile(r"\bno\s+(hearing|induction)[- ]loops?\b|\bloop\s+(is\s+)?not\s+work", re.I)
NOT_STEP_FREE = re.compile(
    r"\b(no|not)\s+(step[- ]free|wheelchair[- ]accessible|wheelchair access|level access)\b"
    r"|\bnot\s+accessible\s+(to|for|by)\s+wheelchair",
    re.I,
)


def key(listing_id: UUID | str) -> str:
    return f"{KIND}:{listing_id}"


def find(profile: Profile, context: Context) -> Found:
    """The public listings most worth ranking for ``profile``, at most ``context.limit``."""
    listings = index.current()
    rows = _choose(listings, profile, context.limit)
    if not rows:
        return Found()
    return _read([listings.id_at(row) for row in rows], profile, listings)


# Stage 1: choose -------------------------------------------------------------------------------


def _choose(listings: index.ListingIndex, profile: Profile, limit: int) -> list[int]:
    """The rows of the listings to read, best first by a first estimate of the score."""
    if not len(listings) or limit <= 0:
        return []
    interest = np.zeros(len(listings), dtype=np.float32)
    phrases = [phrase for phrase in profile.phrases if phrase.strip()]
    if phrases and listings.matrix is not None:
        interest = np.maximum(listings.best_similarity(vectors.embed(phrases)), 0)
    if phrases and (listings.matrix is None or listings.unembedded):
        # Keywords: every listing with no model, or those the model has no vector for yet.
        found = _keyword_rows(listings, phrases, limit)
        if found:
            at = np.fromiter(found, dtype=np.int64, count=len(found))
            strength = np.fromiter(found.values(), dtype=np.float32, count=len(found))
            if listings.matrix is not None:  # only the listings with no vector: the others have theirs
                keep = ~listings.embedded[at]
                at, strength = at[keep], strength[keep]
            interest[at] = np.maximum(interest[at], strength)

    online_distance = 0.8 if profile.online_ok else 0.0  # as ranking.distance_factor scores online
    distance = np.where(listings.online, online_distance, 0.5).astype(np.float32)  # 0.5: not known
    allowed = np.ones(len(listings), dtype=bool)
    if profile.home is not None:
        miles = listings.nearest_miles(profile.home)
        placed = np.isfinite(miles) & ~listings.online
        distance[placed] = 1.0 / (1.0 + miles[placed] / 1.5)
        if profile.max_miles is not None:
            allowed &= ~(placed & (miles > profile.max_miles))
    for left_out in [k for k, worked in profile.tried.items() if worked] + list(profile.dismissed):
        if left_out.startswith(f"{KIND}:"):
            row = _row(listings, left_out[len(KIND) + 1 :])
            if row is not None:
                allowed[row] = False

    estimate = DEFAULT_WEIGHTS.interest * interest + DEFAULT_WEIGHTS.distance * distance
    candidates = np.flatnonzero(allowed)
    if len(candidates) > limit:
        best = np.argpartition(-estimate[candidates], limit - 1)[:limit]
        candidates = candidates[best]
    # Best first; equal estimates in the index's (fixed) order.
    order = np.lexsort((candidates, -estimate[candidates]))
    return [int(row) for row in candidates[order]]


def _row(listings: index.ListingIndex, listing_id: str) -> int | None:
    try:
        return listings.row_of(UUID(listing_id))
    except ValueError:
        return None


def _keyword_rows(listings: index.ListingIndex, phrases: Iterable[str], limit: int) -> dict[int, float]:
    """Rows of listings the directory's full-text search finds for the phrases: 1 for one holding
    every word of a phrase, 0.5 for one holding one of its words. At most :data:`KEYWORD_QUERIES`
    searches, each of at most ``limit`` listings, best ranked first."""
    searches: dict[str, float] = {}
    for phrase in phrases:
        words = [w for w in fulltext.words(phrase) if len(w) > 1 and w not in vectors.STOP_WORDS]
        if words:
            searches.setdefault(" ".join(words), 1.0)
        if len(words) > 1:
            for word in words:
                searches.setdefault(word, 0.5)
    found: dict[int, float] = {}
    for text, strength in list(searches.items())[:KEYWORD_QUERIES]:
        matches = fulltext.matching(public_listings(), text).order_by("-search_rank", "pk")
        for pk in matches.values_list("pk", flat=True)[:limit]:
            row = listings.row_of(pk)
            if row is not None and found.get(row, 0.0) < strength:
                found[row] = strength
    return found


# Stage 2: read ---------------------------------------------------------------------------------


@dataclass
class Venue:
    """What a candidate shows of one of a listing's venues."""

    name: str
    kind: str  # Location.Type
    latitude: float | None
    longitude: float | None
    wheelchair_accessible: bool
    notes: list[str] = field(default_factory=list)  # accessibility: the venue's text, then each entry

    @property
    def where(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass
class Listing:
    """A listing as plain values: read in a fixed number of queries, without a model instance per
    row, session and venue (which costs more than the reading itself, at hundreds of listings)."""

    pk: UUID
    name: str
    description: str
    how_to_join: str
    cost: str
    categories: list[str] = field(default_factory=list)
    schedules: list[WeeklyRule] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)  # in the listing's order (its first is first)

    @property
    def text(self) -> str:
        return vectors.text_of(self.name, self.description, self.categories, self.how_to_join)


@dataclass(frozen=True)
class WeeklyRule:
    """The parts of a ``directory.Schedule`` that say whether it is a weekly session, and when."""

    freq: str
    interval: int
    byday: str
    opens_at: time | None
    closes_at: time | None
    valid_to: date | None = None


def read(ids: list[UUID]) -> dict[UUID, Listing]:
    """The public ones of these listings, with their categories, sessions and venues (each with its
    accessibility entries): five queries, whatever their number.

    Which are public is the directory's own rule (``public_listings``, through the ORM). What hangs
    off them is read with plain SQL over the same tables and columns (named from the models): at 300
    listings, the ORM's preparing the ids for four ``IN`` lists, and converting each value read
    back, took more time than the queries (docs/performance.md, "Suggestions")."""
    found = {
        row[0]: Listing(*row)
        for row in public_listings()
        .filter(pk__in=ids)
        .values_list("pk", "name", "description", "how_to_join", "cost")
    }
    if not found:
        return found
    listing_of = {_db_value(Service, pk): pk for pk in found}
    chosen = list(listing_of)
    joins, term = Service.terms.through, TaxonomyTerm
    for service_id, name in _select(
        f"SELECT j.{_col(joins, 'service')}, t.{_col(term, 'name')} FROM {_table(joins)} j "  # noqa: S608 - names from the models
        f"JOIN {_table(term)} t ON t.{_col(term, 'id')} = j.{_col(joins, 'taxonomyterm')} "
        f"WHERE j.{_col(joins, 'service')} IN",
        chosen,
    ):
        found[listing_of[service_id]].categories.append(name)
    when = Schedule
    to_time, to_date = when._meta.get_field("opens_at").to_python, when._meta.get_field("valid_to").to_python
    for service_id, freq, interval, byday, opens_at, closes_at, valid_to in _select(
        f"SELECT {_col(when, 'service')}, {_col(when, 'freq')}, {_col(when, 'interval')}, "  # noqa: S608 - names from the models
        f"{_col(when, 'byday')}, {_col(when, 'opens_at')}, {_col(when, 'closes_at')}, "
        f"{_col(when, 'valid_to')} FROM {_table(when)} WHERE {_col(when, 'service')} IN",
        chosen,
    ):
        rule = WeeklyRule(freq, interval, byday, to_time(opens_at), to_time(closes_at), to_date(valid_to))
        found[listing_of[service_id]].schedules.append(rule)
    places: dict[Any, list[Venue]] = {}
    link, venue_of = ServiceAtLocation, Location
    columns = ", ".join(
        f"v.{_col(venue_of, name)}"
        for name in (
            "id", "location_type", "name", "address_1", "city", "postal_code",
            "latitude", "longitude", "wheelchair_accessible", "accessibility",
        )
    )  # fmt: skip
    for service_id, location_id, kind, name, address, city, postcode, lat, lon, wheelchair, notes in _select(
        f"SELECT l.{_col(link, 'service')}, {columns} FROM {_table(link)} l "  # noqa: S608 - names from the models
        f"JOIN {_table(venue_of)} v ON v.{_col(venue_of, 'id')} = l.{_col(link, 'location')} "
        f"WHERE l.{_col(link, 'service')} IN",
        chosen,
        then=f"ORDER BY l.{_col(link, 'id')}",
    ):
        shown = name or ", ".join(part for part in (address, city, postcode) if part)
        venue = Venue(shown, kind, lat, lon, bool(wheelchair), [notes] if notes else [])
        found[listing_of[service_id]].venues.append(venue)
        places.setdefault(location_id, []).append(venue)
    if places:
        entry = Accessibility
        for location_id, description, details in _select(
            f"SELECT {_col(entry, 'location')}, {_col(entry, 'description')}, {_col(entry, 'details')} "  # noqa: S608 - names from the models
            f"FROM {_table(entry)} WHERE {_col(entry, 'location')} IN",
            list(places),
            then=f"ORDER BY {_col(entry, 'id')}",
        ):
            for venue in places[location_id]:
                venue.notes.append(f"{description} {details}")
    return found


def _db_value(model: type[Model], pk: UUID) -> Any:
    """``pk`` as the database stores it (text on SQLite, a uuid on PostgreSQL), as rows return it."""
    field = model._meta.pk
    assert field is not None
    return field.get_db_prep_value(pk, connection)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model: type[Model], name: str) -> str:
    column = model._meta.get_field(name).column  # type: ignore[union-attr]
    assert column is not None
    return connection.ops.quote_name(column)


def _select(sql: str, values: list[Any], then: str = "") -> list[tuple]:
    """Run ``sql``, which ends in ``IN``, with the list of ``values`` after it (then ``then``). The
    SQL holds only table and column names taken from the models; every value is a parameter. No
    values, no rows (and no query: ``IN ()`` is not SQL)."""
    if not values:
        return []
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ({placeholders}) {then}", values)
        return cursor.fetchall()


def _read(ids: list[UUID], profile: Profile, listings: index.ListingIndex) -> Found:
    """The chosen listings as candidates, read afresh (still public?), in ``ids``' order, with their
    vectors from the index where those are of the text read now (the others are embedded by the
    similarity)."""
    loaded = read(ids)
    found = Found()
    today = timezone.localdate()
    for pk in ids:
        listing = loaded.get(pk)
        if listing is None:  # unpublished or closed since the index was loaded
            continue
        found.candidates.append(candidate(listing, profile.home, today))
        vector = listings.vector_for(pk, vectors.text_digest(listing.text))
        if vector is not None:
            found.vectors[key(pk)] = vector
    return found


def listing_url(pk: UUID) -> str:
    """The listing's public page (the URL pattern reversed once, not once a listing)."""
    return _url_pattern().replace(str(_PLACEHOLDER), str(pk))


_PLACEHOLDER = UUID(int=0)


@functools.cache
def _url_pattern() -> str:
    return reverse("directory:listing", kwargs={"pk": _PLACEHOLDER})


def candidate(listing: Listing, home: tuple[float, float] | None, today: date | None = None) -> Candidate:
    """One listing as a candidate, at its venue nearest ``home``."""
    physical = [venue for venue in listing.venues if venue.kind == Location.Type.PHYSICAL]
    online = not physical and any(venue.kind == Location.Type.VIRTUAL for venue in listing.venues)
    venue = nearest_venue(physical, home)
    return Candidate(
        key=key(listing.pk),
        kind=KIND,
        title=listing.name,
        text=listing.text,
        url=listing_url(listing.pk),
        venue=venue.name if venue is not None else "",
        where=venue.where if venue is not None else None,
        online=online,
        sessions=weekly_slots(listing.schedules, today),
        cost=COSTS.get(listing.cost, Cost.UNKNOWN),
        step_free=step_free(venue.wheelchair_accessible, venue.notes) if venue is not None else None,
        hearing_loop=hearing_loop(venue.notes) if venue is not None else None,
    )


def nearest_venue(physical: list[Venue], home: tuple[float, float] | None) -> Venue | None:
    """The venue nearest ``home`` among those on the map; with no home (or none on the map), the
    listing's first venue."""
    placed = [(venue, where) for venue in physical if (where := venue.where) is not None]
    if home is not None and placed:
        return min(placed, key=lambda pair: miles_between(home, pair[1]))[0]
    return physical[0] if physical else None


def weekly_slots(schedules: Iterable[WeeklyRule | Schedule], today: date | None = None) -> tuple[Slot, ...]:
    """The weekly sessions among ``schedules`` as slots, by day and time, each once. Left out: what
    is not every week (monthly, every other week, "the first Tuesday"), what has no opening or
    closing time, and what has finished (``valid_to`` past)."""
    today = today or timezone.localdate()
    slots: set[Slot] = set()
    for schedule in schedules:
        if schedule.freq != Schedule.Frequency.WEEKLY or schedule.interval != 1:
            continue
        if schedule.opens_at is None or schedule.closes_at is None or schedule.opens_at >= schedule.closes_at:
            continue
        if schedule.valid_to is not None and schedule.valid_to < today:
            continue
        for part in (schedule.byday or "").upper().split(","):
            code = part.strip()
            if code in DAY_CODES:  # "1TU" (a numbered day) is not every week
                slots.add(Slot(DAY_CODES.index(code), schedule.opens_at, schedule.closes_at))
    return tuple(sorted(slots, key=lambda s: (s.weekday, s.start, s.end)))


def step_free(wheelchair_accessible: bool, notes: Iterable[str] = ()) -> bool | None:
    """``True`` when the venue is marked wheelchair accessible. The directory stores a tick box, so
    an unticked one means "not said", not "not accessible": ``None``, unless the venue's
    accessibility notes say plainly that it is not (``False``)."""
    if wheelchair_accessible:
        return True
    return False if NOT_STEP_FREE.search(" ".join(notes)) else None


def hearing_loop(notes: Iterable[str]) -> bool | None:
    """``True`` when the venue's accessibility notes mention a hearing (induction) loop, ``False``
    when they say there is none, ``None`` when they do not say."""
    words = " ".join(notes)
    if NO_HEARING_LOOP.search(words):
        return False
    return True if HEARING_LOOP.search(words) else None
