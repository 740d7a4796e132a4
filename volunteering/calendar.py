"""A person's shifts as an iCalendar feed, at an address that carries a signed token instead of
a sign-in (calendar apps cannot sign in). The token names the account and nothing else."""

from __future__ import annotations

from django.core import signing
from icalendar import Calendar, Event

SALT = "volunteering.calendar"


def token_for(user) -> str:
    return signing.dumps(user.pk, salt=SALT, compress=True)


def user_id_from(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def shifts_calendar(sign_ups, url_for) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Closeknit//Volunteering//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "My volunteering")
    for signup in sign_ups:
        shift, opportunity = signup.shift, signup.shift.opportunity
        event = Event()
        event.add("uid", f"signup-{signup.pk}@closeknit")
        event.add("summary", f"{opportunity.title} ({opportunity.organisation})")
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("location", opportunity.where)
        event.add("description", f"{signup.get_status_display()}. {opportunity.description}")
        event.add("url", url_for(opportunity))
        calendar.add_component(event)
    return calendar.to_ical()
