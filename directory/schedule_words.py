"""A listing's sessions in words, and its free-text note about when checked against them.

The structured sessions (days, times, recurrence) are the truth: every page, feed and export
describes them with ``describe_schedule``. The free text an editor types (``Schedule.description``)
is only a note shown beneath them, and ``note_disagreements`` tells the editor when it names a
weekday or a time that no session has, so a schedule moved to Wednesday does not keep a note
saying "Tuesdays".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from .models import WEEKDAY_NAMES, WEEKDAYS, Schedule, weekday_mask
from .timetable import ScheduleError, check_schedule, parse_bymonthday

_WEEK_NUMBERS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_EVERY = {1: "", 2: "other ", 3: "third ", 4: "fourth "}


def _and(words: list[str]) -> str:
    """ "Monday", "Monday and Tuesday", "Monday, Tuesday and Friday"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _ordinal(number: int) -> str:
    if number == -1:
        return "last day"
    if number < 0:
        return f"{_ordinal(-number)} from last"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _day(code: str) -> str:
    """A BYDAY part in words: "TU" is Tuesday, "1TU" the first Tuesday, "-2FR" the second last."""
    name = WEEKDAY_NAMES[WEEKDAYS.index(code[-2:])]
    if not code[:-2]:
        return name
    number = int(code[:-2])
    if number in _WEEK_NUMBERS:
        return f"{_WEEK_NUMBERS[number]} {name}"
    return f"{_WEEK_NUMBERS[-number]} last {name}" if number < 0 else f"{_ordinal(number)} {name}"


def _pattern(schedule: Schedule) -> str:
    parts = [p.strip().upper() for p in schedule.byday.split(",") if p.strip()]
    days = _and([_day(p) for p in parts]) if parts else ""
    numbered = any(p[:-2] for p in parts)
    every = _EVERY.get(schedule.interval, f"{schedule.interval} ")
    if schedule.freq == Schedule.Frequency.WEEKLY or (days and not numbered):
        unit = "week" if schedule.freq == Schedule.Frequency.WEEKLY else "month"
        if schedule.interval == 1:
            return f"Every {days}"
        return f"Every {every}{unit}{'s' if schedule.interval > 4 else ''} on {days}"
    if not days:
        days = _and([_ordinal(n) for n in parse_bymonthday(schedule.bymonthday)])
    month = (
        "the month" if schedule.interval == 1 else f"every {every}month{'s' if schedule.interval > 4 else ''}"
    )
    return f"The {days} of {month}"


def _hours(opens: time | None, closes: time | None) -> str:
    if opens and closes:
        return f"{opens:%H:%M} to {closes:%H:%M}"
    if opens:
        return f"from {opens:%H:%M}"
    return f"until {closes:%H:%M}" if closes else ""


def _day_of_year(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _dates(first: date | None, last: date | None) -> str:
    if first and last:
        return f"({_day_of_year(first)} to {_day_of_year(last)})"
    if first:
        return f"(from {_day_of_year(first)})"
    return f"(until {_day_of_year(last)})" if last else ""


def describe_schedule(schedule: Schedule) -> str:
    """The session's pattern in words, from its rule alone ("Every Tuesday, 12:00 to 14:00",
    "The first Tuesday of the month, 10:00 to 12:00"); empty when the rule cannot give dates, so
    callers fall back to the note rather than describe a rule nobody can follow."""
    try:
        check_schedule(schedule)
    except ScheduleError:
        return ""
    words = ", ".join(
        part for part in (_pattern(schedule), _hours(schedule.opens_at, schedule.closes_at)) if part
    )
    dates = _dates(schedule.valid_from, schedule.valid_to)
    if dates:
        words = f"{words} {dates}"
    return f"{words}."


# Weekday names: whole names in any case ("tuesday", "Tuesdays"), and the usual short forms only
# when capitalised ("Tue", "Weds", "Sat."), so "we sat down" or "the sun room" name no day.
_DAY_NAMES = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.IGNORECASE)
_DAY_SHORT = re.compile(
    r"\b(Mon|Tue|Tues|Wed|Weds|Thu|Thur|Thurs|Fri|Sat|Sun|MON|TUE|WED|THU|FRI|SAT|SUN)s?\b"
)
_DAY_STEMS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# Times: "10:30", "10.30", "10:30am", "2pm", "2 p.m.", "noon", "midday". Not a bare "10" (too
# often a number of people or a room), nor a price ("£2.50") or part of a date ("12.12.2026").
_CLOCK = re.compile(
    r"(?<![\d.:£$€])(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?![.:]?\d)\s*(?P<half>[ap]\.?m\.?)?",
    re.IGNORECASE,
)
_HOUR = re.compile(r"(?<![\d.:£$€])(?P<hour>1[0-2]|0?[1-9])\s*(?P<half>[ap]\.?m\.?)(?!\w)", re.IGNORECASE)
_NOON = re.compile(r"\b(noon|midday)\b", re.IGNORECASE)


@dataclass(frozen=True)
class NoteTime:
    """A time named in a note, with the clock times it could mean: "2.30" with no am or pm could
    be 02:30 or 14:30, and agrees with a session at either."""

    said: str
    could_be: frozenset[time]


@dataclass(frozen=True)
class NoteMentions:
    days: tuple[int, ...]  # weekday numbers, Monday 0, in the order first named
    times: tuple[NoteTime, ...]


def _could_be(hour: int, minute: int, half: str) -> frozenset[time]:
    half = half.lower().replace(".", "")
    if half == "am":
        return frozenset({time(hour % 12, minute)})
    if half == "pm":
        return frozenset({time(hour % 12 + 12, minute)})
    if 1 <= hour <= 11:
        return frozenset({time(hour, minute), time(hour + 12, minute)})
    return frozenset({time(hour, minute)})


def mentions_in(note: str) -> NoteMentions:
    """The weekdays and times a note names, each once."""
    found = sorted(
        [(m.start(), _DAY_STEMS.index(m.group(1)[:3].lower())) for m in _DAY_NAMES.finditer(note)]
        + [(m.start(), _DAY_STEMS.index(m.group(1)[:3].lower())) for m in _DAY_SHORT.finditer(note)]
    )
    days = tuple(dict.fromkeys(day for _, day in found))
    times: dict[frozenset[time], NoteTime] = {}
    named = sorted(
        [
            (m.start(), m.group(0).strip(), _could_be(int(m["hour"]), int(m["minute"]), m["half"] or ""))
            for m in _CLOCK.finditer(note)
        ]
        + [
            (m.start(), m.group(0).strip(), _could_be(int(m["hour"]), 0, m["half"]))
            for m in _HOUR.finditer(note)
        ]
        + [(m.start(), m.group(0), frozenset({time(12)})) for m in _NOON.finditer(note)]
    )
    for _, said, could_be in named:
        times.setdefault(could_be, NoteTime(said, could_be))
    return NoteMentions(days, tuple(times.values()))


def note_disagreements(note: str, schedules: Iterable[Schedule]) -> list[str]:
    """What in ``note`` no session has: a weekday none runs on, a time none starts or ends at.

    One sentence for each, for the editor to read beside the note; an empty list when the note
    agrees with the sessions (or names no day or time)."""
    schedules = list(schedules)
    mentions = mentions_in(note or "")
    days_run = 0
    for schedule in schedules:
        # From the rule, not ``days_mask``: the schedule may be one the editor has just typed,
        # not yet saved.
        days_run |= weekday_mask(schedule.byday)
    boundaries = {t for s in schedules for t in (s.opens_at, s.closes_at) if t is not None}
    problems = [
        f"The note says {WEEKDAY_NAMES[day]}, but no session is on a {WEEKDAY_NAMES[day]}."
        for day in mentions.days
        if not days_run & (1 << day)
    ]
    problems += [
        f"The note says {said.said}, but no session starts or ends then."
        for said in mentions.times
        if not said.could_be & boundaries
    ]
    return problems


def listing_note_disagreements(schedules: Iterable[Schedule]) -> list[str]:
    """``note_disagreements`` for the note of each of a listing's sessions, against all its
    sessions (a note may speak of the listing's other sessions too), each sentence once."""
    schedules = list(schedules)
    found: dict[str, None] = {}
    for schedule in schedules:
        found.update(dict.fromkeys(note_disagreements(schedule.description, schedules)))
    return list(found)
