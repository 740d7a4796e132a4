"""iCalendar (RFC 5545) feeds of listings' sessions, with their real recurrence rules."""

from __future__ import annotations

import re
from datetime import datetime, time

from django.utils import timezone
from icalendar import Calendar, Event, vRecur, vText

from .models import Schedule, Service
from .schedule_words import describe_schedule
from .timetable import LONDON, ScheduleError, check_schedule, parse_bymonthday

# Control characters (RFC 5545 allows none in text but the tab; a line break is escaped as "\n"
# only in a value icalendar knows is text), and runs of them.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROLS_BUT_LINE_BREAKS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]+")


def one_line(text: str) -> str:
    """``text`` with each run of control characters (line breaks too) made one space: a listing's
    name as an event's summary or a calendar's name, which are one line."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def _text(text: str) -> str:
    """``text`` without control characters other than line breaks (which icalendar escapes)."""
    return _CONTROLS_BUT_LINE_BREAKS.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def _rule(schedule: Schedule) -> vRecur:
    rule = {"FREQ": schedule.freq, "INTERVAL": schedule.interval}
    if schedule.byday:
        rule["BYDAY"] = [part.strip().upper() for part in schedule.byday.split(",") if part.strip()]
    if schedule.bymonthday:
        rule["BYMONTHDAY"] = parse_bymonthday(schedule.bymonthday)
    if schedule.valid_to:
        rule["UNTIL"] = datetime.combine(schedule.valid_to, time(23, 59, 59), tzinfo=LONDON)
    return vRecur(rule)


def _first_start(schedule: Schedule) -> datetime:
    day = schedule.dtstart or schedule.valid_from or timezone.localdate()
    return datetime.combine(day, schedule.opens_at or time(0, 0), tzinfo=LONDON)


def _note(schedule: Schedule) -> str:
    """The editor's free text about when, labelled as a note: the rule above it is the truth."""
    text = " ".join(part for part in (schedule.description, schedule.notes) if part)
    return f"Note: {text}" if text else ""


def listings_calendar(listings: list[Service], name: str, url_for) -> bytes:
    """One calendar with a recurring event per schedule of each listing. Each event's description
    starts with the session's pattern in words; the editor's free text follows, as a note.

    ``url_for(listing)`` gives the listing's page, which each event links to.
    Schedules that cannot give dates are left out rather than sent broken.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Closeknit//Community directory//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", vText(one_line(name)))
    calendar.add("x-wr-timezone", "Europe/London")
    stamp = timezone.now()
    for listing in listings:
        venue = next((sal.location for sal in listing.service_at_locations.all()), None)
        for schedule in listing.schedules.all():
            try:
                check_schedule(schedule)
            except ScheduleError:
                continue
            event = Event()
            event.add("uid", f"{schedule.id}@closeknit")
            event.add("dtstamp", stamp)
            event.add("summary", one_line(listing.name))
            start = _first_start(schedule)
            event.add("dtstart", start)
            if schedule.closes_at:
                event.add("dtend", datetime.combine(start.date(), schedule.closes_at, tzinfo=LONDON))
            event.add("rrule", _rule(schedule))
            event.add(
                "description",
                _text(
                    "\n\n".join(
                        part
                        for part in (
                            describe_schedule(schedule),
                            _note(schedule),
                            listing.how_to_join,
                            url_for(listing),
                        )
                        if part
                    )
                ),
            )
            event.add("url", url_for(listing))
            if venue is not None:
                event.add(
                    "location", one_line(", ".join(p for p in (venue.name, venue.one_line_address) if p))
                )
            calendar.add_component(event)
    return calendar.to_ical()
