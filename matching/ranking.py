"""How suggestions are ranked and explained: pure functions over plain facts, no database.

The same code ranks a person's suggestions on their page (``matching.selectors`` turns records into
a :class:`Profile` and :class:`Candidate` objects) and the labelled evaluation in ``bench/matching.py``
(which turns its JSON into the same objects), so what the bench measures is what coordinators see.

Every suggestion's score is a weighted sum of factors, each between 0 and 1, and every weight is
shown to the team and can be changed by it (:class:`Weights`): the ranking learns nothing hidden.

- **interest**: how well the candidate's text fits what the person said (their interests, what
  matters to them, their goals), from the similarity of each phrase with the candidate's text.
- **distance**: 1 on the doorstep, falling evenly to 0.5 at the furthest the person can get, 0
  beyond it; online counts as near for someone who would join online.
- **time**: how much of the best session falls when the person is free (1: one session they can go
  to); 0.5 when either side has no times (unknown is not the same as a clash).
- **cost**: 1 when free, less when paid, 0 when paid and the person needs it free.
- **access**: whether the venue has what the person needs (step-free access, a hearing loop); 0
  when it has not. Help that comes to the person (a timebank offer or member) has no venue.
- **tried**: what the person tried before: an introduction that did not work out ranks lower.
  One that worked, or is under way, is not suggested again at all.

Reasons are built only from facts that hold: a phrase is named only when its similarity is above
:data:`NAMED_AT`, a time only when a session falls wholly in a free time, and so on. docs/matching.md ("How
suggestions are ranked") gives each factor's shape, the default weights, and how they were chosen
on the labelled evaluation.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import time
from types import MappingProxyType

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PLURAL_DAYS = tuple(f"{day}s" for day in DAYS)
COMES_TO_YOU = frozenset({"offer", "member"})  # kinds that come to the person: no venue to get into
PEOPLE = frozenset({"member", "person"})  # kinds that are people: two may share a name, never merged

ONLINE = 0.8  # the distance factor of an online candidate, for someone who would join online
NAMED_AT = (
    0.30  # a phrase's similarity from which a reason names it (chosen on the tuning half: docs/matching.md)
)


class Cost:
    FREE = "free"
    PAY_WHAT_YOU_CAN = "pay what you can"
    PAID = "paid"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Slot:
    """A weekly time: ``weekday`` 0 = Monday."""

    weekday: int
    start: time
    end: time

    def overlaps(self, other: Slot) -> bool:
        return self.weekday == other.weekday and self.start < other.end and other.start < self.end

    def label(self) -> str:
        """'Wednesdays 10–12', 'Saturdays 9:30–12:30'."""
        return f"{PLURAL_DAYS[self.weekday]} {_clock(self.start)}–{_clock(self.end)}"


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}" if not moment.minute else f"{hour}:{moment.minute:02d}"


@dataclass(frozen=True)
class Profile:
    """What is known of the person the suggestions are for (or of a resident, from the public form).

    ``name`` is how reasons name them ("Sam"; "you" for a resident). ``phrases`` are their own words
    (interests, what matters, goals), each scored against every candidate. ``max_miles`` is how far
    they can get (``None``: not known, no limit). ``tried`` maps a candidate key to whether it worked
    (``True``: worked or under way, never suggested again; ``False``: did not work out)."""

    name: str
    phrases: tuple[str, ...] = ()
    home: tuple[float, float] | None = None  # latitude, longitude
    free: tuple[Slot, ...] = ()
    needs_step_free: bool = False
    needs_hearing_loop: bool = False
    needs_free: bool = False
    max_miles: float | None = None
    online_ok: bool = True
    tried: Mapping[str, bool] = field(default_factory=dict)
    dismissed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """Something or someone to suggest. ``key`` is unique across kinds ("listing:<id>",
    "opportunity:<id>", "person:<id>"...). ``where`` is the nearest venue's latitude and longitude
    (``None``: no venue known, or online). ``step_free``/``hearing_loop``: ``None`` means not known."""

    key: str
    kind: str  # listing, opportunity, shift, offer, member, person
    title: str
    text: str
    url: str = ""
    venue: str = ""
    where: tuple[float, float] | None = None
    online: bool = False
    sessions: tuple[Slot, ...] = ()
    cost: str = Cost.UNKNOWN
    step_free: bool | None = None
    hearing_loop: bool | None = None


@dataclass(frozen=True)
class Weights:
    """How much each factor counts. Shown to the team and changed by it (``matching.TeamWeights``)."""

    interest: float = 3.0
    distance: float = 1.0
    time: float = 1.0
    cost: float = 0.5
    access: float = 1.0
    tried: float = 1.0

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    factors: dict[str, float]
    reasons: list[str]
    miles: float | None


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 3958.8 * 2 * math.asin(min(1.0, math.sqrt(h)))


def interest_factor(similarities: Sequence[float]) -> float:
    """How well a candidate fits, from its similarity with each of the person's phrases: the best
    phrase counts most, a second good one a little more."""
    if not similarities:
        return 0.0
    ordered = sorted((max(0.0, s) for s in similarities), reverse=True)
    best = ordered[0] + 0.25 * (ordered[1] if len(ordered) > 1 else 0.0)
    return min(1.0, best)


def distance_factor(profile: Profile, candidate: Candidate, miles: float | None) -> float:
    """1 on the doorstep. Within how far the person can get (``max_miles``) it falls evenly to 0.5 at
    that limit, so anything they can reach keeps at least half; beyond it, 0. With no limit known:
    1 / (1 + miles / 1.5), a half at 1.5 miles, a third at 3. Online: 0.8 for someone who would join
    online (no journey, but not out of the house either), 0 for someone who would not. No venue
    known: 0.5."""
    if candidate.online:
        return ONLINE if profile.online_ok else 0.0
    if miles is None:
        return 0.5
    if profile.max_miles is None:
        return 1.0 / (1.0 + miles / 1.5)
    if miles > profile.max_miles:
        return 0.0
    if profile.max_miles <= 0:
        return 1.0
    return 1.0 - 0.5 * miles / profile.max_miles


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def free_spans(free: Iterable[Slot]) -> Mapping[int, tuple[tuple[int, int], ...]]:
    """The person's free times per weekday as minutes from midnight, with times that touch or
    overlap joined (a free morning 9-12 and afternoon 12-5 are one free 9-5)."""
    return _free_spans(tuple(free))


@functools.lru_cache(maxsize=256)  # one person's free times, for every candidate ranked for them
def _free_spans(free: tuple[Slot, ...]) -> Mapping[int, tuple[tuple[int, int], ...]]:
    spans: dict[int, list[tuple[int, int]]] = {}
    for slot in sorted(free, key=lambda s: (s.weekday, s.start, s.end)):
        start, end = _minutes(slot.start), _minutes(slot.end)
        day = spans.setdefault(slot.weekday, [])
        if day and start <= day[-1][1]:
            day[-1] = (day[-1][0], max(day[-1][1], end))
        else:
            day.append((start, end))
    return MappingProxyType({weekday: tuple(times) for weekday, times in spans.items()})


def share_free(session: Slot, spans: Mapping[int, Sequence[tuple[int, int]]]) -> float:
    """How much of ``session`` falls in the person's free times, from 0 to 1 (1: all of it)."""
    start, end = _minutes(session.start), _minutes(session.end)
    if end <= start:
        return 0.0
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans.get(session.weekday, ()))
    return min(1.0, inside / (end - start))


def time_factor(profile: Profile, candidate: Candidate) -> float:
    """How much of the best session the person is free for: 1 when one session falls wholly in a
    free time (one they can go to is enough), 0 when none touches one. 0.5 when either side has no
    times (unknown is not the same as a clash)."""
    return _time_factor(profile, candidate, free_spans(profile.free))


def _time_factor(
    profile: Profile, candidate: Candidate, spans: Mapping[int, Sequence[tuple[int, int]]]
) -> float:
    if not profile.free or not candidate.sessions:
        return 0.5
    return max(share_free(session, spans) for session in candidate.sessions)


def cost_factor(profile: Profile, candidate: Candidate) -> float:
    if candidate.cost == Cost.FREE:
        return 1.0
    if candidate.cost == Cost.PAY_WHAT_YOU_CAN:
        return 0.8
    if candidate.cost == Cost.PAID:
        return 0.0 if profile.needs_free else 0.5
    return 0.5


def access_factor(profile: Profile, candidate: Candidate) -> float:
    """Whether the venue has what the person needs: for each need, 1 when it does, 0 when it does
    not, 0.3 when not known; averaged over their needs. 1 when they need nothing, for anything
    online, and for help that comes to them (a timebank offer or member: there is no venue)."""
    if candidate.online or candidate.kind in COMES_TO_YOU:
        return 1.0
    needs = [
        (profile.needs_step_free, candidate.step_free),
        (profile.needs_hearing_loop, candidate.hearing_loop),
    ]
    wanted = [has for need, has in needs if need]
    if not wanted:
        return 1.0
    return sum(1.0 if has else (0.3 if has is None else 0.0) for has in wanted) / len(wanted)


def tried_factor(profile: Profile, candidate: Candidate) -> float:
    return 0.0 if profile.tried.get(candidate.key) is False else 1.0


def reasons_for(
    profile: Profile, candidate: Candidate, similarities: Sequence[float], miles: float | None
) -> list[str]:
    """Why, in facts that hold: the person's own phrases the candidate fits, how far, when, cost,
    access."""
    reasons: list[str] = []
    named = [
        p
        for p, s in sorted(zip(profile.phrases, similarities, strict=True), key=lambda ps: -ps[1])
        if s >= NAMED_AT
    ][:2]
    if named:
        said = " and ".join(named)
        said = said[0].upper() + said[1:]
        if profile.name == "you":
            reasons.append(f"{said}, which you said {'matter' if len(named) > 1 else 'matters'} to you")
        else:
            reasons.append(f"{said}, which {profile.name} said {'matter' if len(named) > 1 else 'matters'}")
    if candidate.online:
        reasons.append("online")
    elif miles is not None:
        reasons.append(f"{miles:.1f} miles" if round(miles, 1) != 1.0 else "1 mile")
    spans = free_spans(profile.free)
    fitting = [s for s in candidate.sessions if share_free(s, spans) >= 1.0]
    if fitting:
        who = "you are" if profile.name == "you" else f"{profile.name} is"
        reasons.append(f"{fitting[0].label()}, when {who} free")
    if candidate.cost == Cost.FREE:
        reasons.append("free")
    elif candidate.cost == Cost.PAY_WHAT_YOU_CAN:
        reasons.append("pay what you can")
    if not candidate.online and candidate.kind not in COMES_TO_YOU:
        if profile.needs_step_free and candidate.step_free:
            reasons.append("step-free access")
        if profile.needs_hearing_loop and candidate.hearing_loop:
            reasons.append("hearing loop")
    return reasons


def rank(
    profile: Profile,
    candidates: Iterable[Candidate],
    similarities: Mapping[str, Sequence[float]],
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int | None = 10,
) -> list[Suggestion]:
    """The candidates best first, with each factor and the reasons. ``similarities`` maps each
    candidate's key to its similarity with each of ``profile.phrases`` (same order). Candidates the
    person tried and that worked, or that were dismissed, are left out.

    A group entered twice (same kind, name, venue and sessions under two keys, as happens in real
    directories: :func:`same_thing`) is one suggestion, the better scored; what the person made of
    either (tried, and whether it worked) counts for both, when both are among ``candidates``."""
    candidates = list(candidates)
    groups = {candidate.key: same_thing(candidate) for candidate in candidates}
    outcome: dict[tuple[object, ...], bool] = {}
    for candidate in candidates:
        worked = profile.tried.get(candidate.key)
        if worked is not None:
            outcome[groups[candidate.key]] = outcome.get(groups[candidate.key], False) or worked
    spans = free_spans(profile.free)
    no_match = [0.0] * len(profile.phrases)
    scored: list[tuple[float, Candidate, dict[str, float], float | None]] = []
    for candidate in candidates:
        worked = profile.tried.get(candidate.key, outcome.get(groups[candidate.key]))
        if worked is True or candidate.key in profile.dismissed:
            continue
        miles = None
        if profile.home is not None and candidate.where is not None and not candidate.online:
            miles = miles_between(profile.home, candidate.where)
        factors = {
            "interest": interest_factor(similarities.get(candidate.key, no_match)),
            "distance": distance_factor(profile, candidate, miles),
            "time": _time_factor(profile, candidate, spans),
            "cost": cost_factor(profile, candidate),
            "access": access_factor(profile, candidate),
            "tried": 0.0 if worked is False else tried_factor(profile, candidate),
        }
        score = sum(getattr(weights, name) * value for name, value in factors.items())
        scored.append((score, candidate, factors, miles))
    scored.sort(key=lambda entry: (-entry[0], entry[1].title, entry[1].key))
    shown: set[tuple[object, ...]] = set()
    suggestions: list[Suggestion] = []
    for score, candidate, factors, miles in scored:  # reasons only for what is shown
        if limit is not None and len(suggestions) >= limit:
            break
        if groups[candidate.key] in shown:
            continue
        shown.add(groups[candidate.key])
        sims = similarities.get(candidate.key, no_match)
        suggestions.append(
            Suggestion(candidate, score, factors, reasons_for(profile, candidate, sims, miles), miles)
        )
    return suggestions


def same_thing(candidate: Candidate) -> tuple[object, ...]:
    """What makes two candidates one thing entered twice: same kind, name (ignoring case and
    spacing), venue, place and sessions. Two shifts of one opportunity differ in their sessions;
    people are never the same thing (two may share a name), so each is its own."""
    if candidate.kind in PEOPLE:
        return (candidate.kind, candidate.key)
    return (
        candidate.kind,
        " ".join(candidate.title.casefold().split()),
        " ".join(candidate.venue.casefold().split()),
        candidate.where,
        candidate.online,
        candidate.sessions,
    )
