"""How suggestions are ranked and explained: pure functions over plain facts, no database.

The same code ranks a person's suggestions on their page (``matching.selectors`` turns records into
a :class:`Profile` and :class:`Candidate` objects) and the labelled evaluation in ``bench/matching.py``
(which turns its JSON into the same objects), so what the bench measures is what coordinators see.

Every suggestion's score is a weighted sum of factors, each between 0 and 1, and every weight is
shown to the team and can be changed by it (:class:`Weights`): the ranking learns nothing hidden.

- **interest**: how well the candidate's text fits what the person said (their interests, what
  matters to them, their goals), from the similarity of each phrase with the candidate's text.
- **distance**: 1 on the doorstep, falling with miles; online counts as near for someone who would
  join online. Too far for how the person travels gives 0.
- **time**: the share of the candidate's sessions that fall when the person is free; 0.5 when
  either side has no times (unknown is not the same as a clash).
- **cost**: 1 when free, less when paid, more so for someone who needs it free.
- **access**: whether the venue has what the person needs (step-free access, a hearing loop).
- **tried**: what the person tried before: an introduction that did not work out ranks lower.
  One that worked, or is under way, is not suggested again at all.

Reasons are built only from facts that hold: a phrase is named only when its similarity is above
:data:`NAMED_AT`, a time only when a session falls in a free time, and so on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import time

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PLURAL_DAYS = tuple(f"{day}s" for day in DAYS)

NAMED_AT = 0.35  # a phrase's similarity from which a reason names it (tuned on the labelled set)


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
    if candidate.online:
        return 0.8 if profile.online_ok else 0.0
    if miles is None:
        return 0.5
    if profile.max_miles is not None and miles > profile.max_miles:
        return 0.0
    return 1.0 / (1.0 + miles / 1.5)


def time_factor(profile: Profile, candidate: Candidate) -> float:
    if not profile.free or not candidate.sessions:
        return 0.5
    fitting = sum(1 for s in candidate.sessions if any(s.overlaps(f) for f in profile.free))
    return fitting / len(candidate.sessions)


def cost_factor(profile: Profile, candidate: Candidate) -> float:
    if candidate.cost == Cost.FREE:
        return 1.0
    if candidate.cost == Cost.PAY_WHAT_YOU_CAN:
        return 0.8
    if candidate.cost == Cost.PAID:
        return 0.0 if profile.needs_free else 0.5
    return 0.5


def access_factor(profile: Profile, candidate: Candidate) -> float:
    if candidate.online:
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
    fitting = [s for s in candidate.sessions if any(s.overlaps(f) for f in profile.free)]
    if fitting:
        who = "you are" if profile.name == "you" else f"{profile.name} is"
        reasons.append(f"{fitting[0].label()}, when {who} free")
    if candidate.cost == Cost.FREE:
        reasons.append("free")
    elif candidate.cost == Cost.PAY_WHAT_YOU_CAN:
        reasons.append("pay what you can")
    if not candidate.online:
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
    person tried and that worked, or that were dismissed, are left out."""
    scored: list[Suggestion] = []
    for candidate in candidates:
        if profile.tried.get(candidate.key) is True or candidate.key in profile.dismissed:
            continue
        sims = similarities.get(candidate.key, [0.0] * len(profile.phrases))
        miles = None
        if profile.home is not None and candidate.where is not None and not candidate.online:
            miles = miles_between(profile.home, candidate.where)
        factors = {
            "interest": interest_factor(sims),
            "distance": distance_factor(profile, candidate, miles),
            "time": time_factor(profile, candidate),
            "cost": cost_factor(profile, candidate),
            "access": access_factor(profile, candidate),
            "tried": tried_factor(profile, candidate),
        }
        score = sum(getattr(weights, name) * value for name, value in factors.items())
        scored.append(
            Suggestion(candidate, score, factors, reasons_for(profile, candidate, sims, miles), miles)
        )
    scored.sort(key=lambda s: (-s.score, s.candidate.title, s.candidate.key))
    return scored if limit is None else scored[:limit]
