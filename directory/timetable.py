"""When a listing's sessions happen: its schedules' recurrence rules, turned into dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule

from common.errors import Refusal

from .models import WEEKDAYS, Schedule

LONDON = ZoneInfo("Europe/London")
_RRULE_DAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]


class ScheduleError(Refusal):
    """A schedule whose rule cannot be understood: a refusal naming the field (also kept as
    ``field``, which the importer puts in its report's path)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Session:
    starts: datetime
    ends: datetime | None
    schedule: Schedule


def parse_byday(byday: str, freq: str) -> list:
    """RRULE BYDAY ("TU,TH", or "1TU,-1FR" when monthly) as dateutil weekdays."""
    days = []
    for part in filter(None, (p.strip().upper() for p in (byday or "").split(","))):
        code, ordinal = part[-2:], part[:-2]
        if code not in WEEKDAYS:
            raise ScheduleError("byday", f"“{part}” is not a day: use MO, TU, WE, TH, FR, SA or SU")
        weekday = _RRULE_DAYS[WEEKDAYS.index(code)]
        if ordinal:
            if freq != Schedule.Frequency.MONTHLY:
                raise ScheduleError("byday", f"“{part}”: a numbered day (like 1TU) needs a monthly schedule")
            try:
                number = int(ordinal)
            except ValueError:
                raise ScheduleError("byday", f"“{part}” is not a day like 1TU or -1FR") from None
            if number == 0 or not -5 <= number <= 5:
                raise ScheduleError("byday", f"“{part}”: the week number must be 1 to 5 or -1 to -5")
            weekday = weekday(number)
        days.append(weekday)
    return days


def parse_bymonthday(bymonthday: str) -> list[int]:
    numbers = []
    for part in filter(None, (p.strip() for p in (bymonthday or "").split(","))):
        try:
            number = int(part)
        except ValueError:
            raise ScheduleError("bymonthday", f"“{part}” is not a day of the month") from None
        if number == 0 or not -31 <= number <= 31:
            raise ScheduleError("bymonthday", f"“{part}” must be 1 to 31 or -1 to -31")
        numbers.append(number)
    return numbers


def check_schedule(schedule: Schedule) -> None:
    """Raise ``ScheduleError`` if the schedule cannot give dates."""
    parse_byday(schedule.byday, schedule.freq)
    parse_bymonthday(schedule.bymonthday)
    if schedule.freq == Schedule.Frequency.WEEKLY and not schedule.byday:
        raise ScheduleError("byday", "Say which day or days of the week it runs")
    if schedule.freq == Schedule.Frequency.MONTHLY and not (schedule.byday or schedule.bymonthday):
        raise ScheduleError("byday", "Say which day of the month it runs, like 1TU for the first Tuesday")
    if schedule.opens_at and schedule.closes_at and schedule.opens_at >= schedule.closes_at:
        raise ScheduleError("closes_at", "The end time must be after the start time")
    if schedule.valid_from and schedule.valid_to and schedule.valid_from > schedule.valid_to:
        raise ScheduleError("valid_to", "The last date must be on or after the first date")


def _anchor(schedule: Schedule, today: date) -> date:
    """Where the rule starts counting. A rule that started long ago is moved forward by whole
    intervals (so "every other week" keeps its rhythm), rather than walked from its start."""
    anchor = schedule.dtstart or schedule.valid_from or date(2000, 1, 3)  # a Monday
    if anchor >= today:
        return anchor
    if schedule.freq == Schedule.Frequency.WEEKLY:
        step = 7 * schedule.interval
        return anchor + timedelta(days=((today - anchor).days // step) * step - step)
    months = (today.year - anchor.year) * 12 + today.month - anchor.month
    jump = (months // schedule.interval) * schedule.interval - schedule.interval
    if jump <= 0:
        return anchor
    month_index = anchor.month - 1 + jump
    return date(anchor.year + month_index // 12, month_index % 12 + 1, 1)


def next_sessions(schedule: Schedule, after: datetime, count: int = 3) -> list[Session]:
    """The next ``count`` sessions of a schedule starting at or after ``after``."""
    check_schedule(schedule)
    opens = schedule.opens_at or time(0, 0)
    local_after = after.astimezone(LONDON).replace(tzinfo=None)
    anchor_day = _anchor(schedule, local_after.date())
    start = datetime.combine(anchor_day, opens)
    until = datetime.combine(schedule.valid_to, time(23, 59)) if schedule.valid_to else None
    rule = rrule.rrule(
        rrule.WEEKLY if schedule.freq == Schedule.Frequency.WEEKLY else rrule.MONTHLY,
        dtstart=start,
        interval=schedule.interval,
        until=until,
        byweekday=parse_byday(schedule.byday, schedule.freq) or None,
        bymonthday=parse_bymonthday(schedule.bymonthday) or None,
    )
    if schedule.valid_from and local_after.date() < schedule.valid_from:
        local_after = datetime.combine(schedule.valid_from, time(0, 0))
    sessions = []
    moment = rule.after(local_after, inc=True)
    while moment is not None and len(sessions) < count:
        starts = moment.replace(tzinfo=LONDON)
        ends = None
        if schedule.closes_at:
            ends = datetime.combine(moment.date(), schedule.closes_at).replace(tzinfo=LONDON)
        sessions.append(Session(starts, ends, schedule))
        moment = rule.after(moment + timedelta(seconds=1), inc=True)
    return sessions


def next_sessions_of(schedules, after: datetime, count: int = 3) -> list[Session]:
    """The next sessions across several schedules of one listing, soonest first.

    A schedule that cannot give dates (e.g. imported with a day we do not understand) is left
    out, so it never hides the listing's other sessions or breaks the page showing them.
    """
    sessions = []
    for schedule in schedules:
        try:
            sessions += next_sessions(schedule, after, count)
        except ScheduleError:
            continue
    return sorted(sessions, key=lambda s: s.starts)[:count]


def next_session(listing, after: datetime) -> Session | None:
    """A listing's next session, or ``None`` when it has no dated session to come."""
    upcoming = next_sessions_of(listing.schedules.all(), after, 1)
    return upcoming[0] if upcoming else None


def schedule_from_session(session: Mapping[str, Any]) -> Schedule | None:
    """The (unsaved) schedule an editor's session form describes: weekly on the days chosen, or
    monthly on one day in a chosen week; ``None`` when no day is chosen."""
    days = session.get("days") or []
    if not days:
        return None
    week = session.get("week_of_month") or ""
    return Schedule(
        freq=Schedule.Frequency.MONTHLY if week else Schedule.Frequency.WEEKLY,
        byday=f"{week}{days[0]}" if week else ",".join(days),
        opens_at=session.get("opens_at"),
        closes_at=session.get("closes_at"),
        description=session.get("session_description", ""),
    )


def session_from_schedule(schedule: Schedule) -> dict[str, Any]:
    """What the editor's session form shows of ``schedule``: the inverse of
    ``schedule_from_session``."""
    parts = [p.strip() for p in schedule.byday.split(",") if p.strip()]
    week = parts[0][:-2] if schedule.freq == Schedule.Frequency.MONTHLY and parts else ""
    return {
        "days": [p[-2:] for p in parts],
        "week_of_month": week,
        "opens_at": schedule.opens_at,
        "closes_at": schedule.closes_at,
        "session_description": schedule.description,
    }


_RULE_FIELDS = [
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "dtstart",
    "valid_from",
    "valid_to",
    "opens_at",
    "closes_at",
    "description",
    "notes",
    "attending_type",
    "service_at_location_id",
]


def fit_the_session_form(schedules: list[Schedule]) -> bool:
    """Whether the editor's one-session form can show ``schedules`` whole, so saving it changes
    nothing the editor did not see: at most one schedule, and that one the form would write back
    exactly as it is. (Imported listings may have several sessions, every other week, term dates.)"""
    if not schedules:
        return True
    if len(schedules) > 1:
        return False
    schedule = schedules[0]
    again = schedule_from_session(session_from_schedule(schedule))
    return again is not None and all(getattr(again, name) == getattr(schedule, name) for name in _RULE_FIELDS)
