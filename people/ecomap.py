"""A person's relationships map (ecomap): their connections to people, groups and services drawn
round them, and how many active connections they had at each point in time.

Geometry only: the template draws the SVG, and a table beside it says the same in words."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from .models import CONNECTED, Introduction, Person

WIDTH, HEIGHT = 640, 420
CENTRE = (WIDTH / 2, HEIGHT / 2)
RADIUS = 150

# How each status is drawn: the line's style, and a word for the key and the table.
STYLES = {
    Introduction.Status.STILL_CONNECTED: {"width": 5, "dash": "", "word": "strong: still connected"},
    Introduction.Status.WENT_ALONG: {"width": 3, "dash": "", "word": "growing: went along"},
    Introduction.Status.INTRODUCED: {"width": 2, "dash": "8 5", "word": "new: introduced"},
    Introduction.Status.SUGGESTED: {"width": 2, "dash": "2 5", "word": "possible: suggested"},
    Introduction.Status.DID_NOT_WORK_OUT: {"width": 1, "dash": "1 7", "word": "ended: didn't work out"},
}
KINDS = {"person": "Person", "group": "Group or service", "other": "Someone or something else"}


@dataclass(frozen=True)
class Connection:
    name: str
    label: str  # the name, shortened to fit the map
    kind: str  # person, group or other
    status: str
    since: date
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    width: int
    dash: str

    @property
    def status_word(self) -> str:
        return STYLES[self.status]["word"]

    @property
    def kind_word(self) -> str:
        return KINDS[self.kind]


def centre_label(person: Person) -> str:
    """What fits in the middle of the map: the name they go by, or their first name."""
    name = person.preferred_name or person.full_name.split(" ")[0]
    return _short(name, 11)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def connections(person: Person) -> list[Connection]:
    """Every introduction made for the person, and every one that introduced someone to them,
    placed evenly round the person, active connections first."""
    made = person.introductions.select_related("listing", "other_person")
    received = person.introduced_to.select_related("person")
    found = [
        (
            i.to_label,
            "group" if i.listing_id else "person" if i.other_person_id else "other",
            i.status,
            i.made_on,
        )
        for i in made
    ]
    found += [(i.from_label, "person", i.status, i.made_on) for i in received]
    order = list(STYLES)  # strongest first
    found.sort(key=lambda c: (order.index(c[2]), c[0]))
    placed = []
    for n, (label, kind, status, since) in enumerate(found):
        angle = -math.pi / 2 + 2 * math.pi * n / max(len(found), 1)
        x, y = CENTRE[0] + RADIUS * math.cos(angle), CENTRE[1] + RADIUS * math.sin(angle)
        lx, ly = CENTRE[0] + (RADIUS + 34) * math.cos(angle), CENTRE[1] + (RADIUS + 34) * math.sin(angle) + 5
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        style = STYLES[status]
        placed.append(
            Connection(
                label,
                _short(label),
                kind,
                status,
                since,
                round(x, 1),
                round(y, 1),
                round(lx, 1),
                round(ly, 1),
                anchor,
                style["width"],
                style["dash"],
            )
        )
    return placed


def active_connections_over_time(person: Person, months: list[date]) -> list[tuple[date, int]]:
    """For each date in ``months``, how many of the person's introductions stood at "went along"
    or "still connected" on that day, from each introduction's dated steps."""
    histories: list[list[tuple[date, str]]] = []
    for intro in person.introductions.prefetch_related("steps"):
        histories.append(sorted((s.on, s.status) for s in intro.steps.all()))
    counts = []
    for day in months:
        active = 0
        for steps in histories:
            standing = [status for on, status in steps if on <= day]
            if standing and standing[-1] in CONNECTED:
                active += 1
        counts.append((day, active))
    return counts


def month_ends(until: date, count: int = 12) -> list[date]:
    """The last day of each of the ``count`` months up to ``until`` (whose own day is used for
    the month in progress), oldest first."""
    ends = [until]
    year, month = until.year, until.month
    for _ in range(count - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        next_first = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(date.fromordinal(next_first.toordinal() - 1))
    return list(reversed(ends))


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    height: float


CHART_WIDTH, CHART_HEIGHT, CHART_FOOT = 640, 180, 24


def bars(counts: list[tuple[date, int]]) -> list[Bar]:
    """Bars for the active connections at each month's end, scaled to the chart."""
    if not counts:
        return []
    top = max(max(c for _, c in counts), 1)
    step = CHART_WIDTH / len(counts)
    usable = CHART_HEIGHT - CHART_FOOT - 20
    made = []
    for n, (day, count) in enumerate(counts):
        height = usable * count / top
        made.append(
            Bar(
                day,
                count,
                round(n * step + step * 0.15, 1),
                round(CHART_HEIGHT - CHART_FOOT - height, 1),
                round(height, 1),
            )
        )
    return made
