from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from directory.models import WEEKDAY_NAMES
from directory.selectors import listings_to_check, occurrences_between
from neighbourhoods.selectors import teams_of
from outcomes.permissions import may_see_reports
from people.permissions import may_work_with_people
from people.selectors import count_follow_ups_due, count_referrals_waiting
from timebank.selectors import brokers_to_do, exchanges_to_confirm, memberships_pending_of
from volunteering.selectors import (
    organisation_organised_by,
    public_events_between,
    shifts_coming_for,
    shifts_with_places_between,
)

from .forms import WeekForm

WEEK = timedelta(days=7)
HANDFUL = 5  # what's on, on the home page
EVENTS_A_WEEK = 30  # What's on's caps: each has a "see all" link when reached
SHIFTS_A_WEEK = 30
GROUPS_A_DAY = 8
# What's on is the same for everyone, so it is worked out at most once in this many seconds for a
# given first day, not on every visit: the home stays as quick as a page with no reads at all. A
# new event or a shift just filled shows within five minutes; each one's own page is always current.
WHATS_ON_KEPT_FOR = 300


@dataclass(frozen=True)
class WhatsOn:
    """One thing on: an event, a volunteering shift with places, or a group's session. Public
    facts only (what, where, when, who runs it): never a person's name."""

    kind: str
    title: str
    starts: datetime
    url: str
    detail: str = ""

    @property
    def day(self) -> date:
        return timezone.localtime(self.starts).date()


def _places_left(organisation, left: int) -> str:
    return f"{organisation}: {left} place{'s' if left != 1 else ''} left"


def _whats_on(start: date, end: date, *, events: int, shifts: int, groups: int, per_day: int | None = None):
    """Events, shifts with places left and groups meeting from ``start`` to ``end``, soonest first,
    each app's read bounded by its own cap."""
    found = [
        WhatsOn("Event", e.title, e.starts_at, reverse("volunteering:event", args=[e.pk]), e.where)
        for e in public_events_between(start, end, events)
    ]
    found += [
        WhatsOn(
            "Volunteering",
            s.opportunity.title,
            s.starts_at,
            reverse("volunteering:opportunity", args=[s.opportunity_id]),
            _places_left(s.opportunity.organisation, s.places - s.taken),
        )
        for s in shifts_with_places_between(start, end, shifts)
    ]
    found += [
        WhatsOn(
            "Group",
            session.schedule.service.name,
            session.starts,
            reverse("directory:listing", args=[session.schedule.service_id]),
            session.schedule.description,
        )
        for session in occurrences_between(start, end, groups, per_day=per_day)
    ]
    return sorted(found, key=lambda item: item.starts)


def _handful_on(today: date) -> list[WhatsOn]:
    """A handful of what's on this week for the home, of every kind there is: up to two events and
    two shifts, the rest groups meeting (there are many more of those), soonest first."""

    def handful() -> list[WhatsOn]:
        found = _whats_on(today, today + WEEK - timedelta(days=1), events=2, shifts=2, groups=HANDFUL)
        others = [item for item in found if item.kind != "Group"]
        groups = [item for item in found if item.kind == "Group"][: HANDFUL - len(others)]
        return sorted(others + groups, key=lambda item: item.starts)

    return cache.get_or_set(f"closeknit:home-whats-on:{today.isoformat()}", handful, WHATS_ON_KEPT_FOR)


def _signed_in(user) -> bool:
    """Signed in with every factor their role needs: only then does a home show their own things."""
    return user.is_authenticated and (not user.needs_two_factor or user.is_verified())


def _own_next_things(user) -> dict:
    """What waits for the signed-in person, each from the app that holds it, each only their own."""
    today = timezone.localdate()
    works_with_people = may_work_with_people(user)
    return {
        "follow_ups": count_follow_ups_due(user, today) if works_with_people else None,
        "referrals_waiting": count_referrals_waiting(user) if works_with_people else None,
        # Where a team member and a commissioner start their day.
        "your_teams": teams_of(user),
        "reads_reports": may_see_reports(user),
        "shifts": shifts_coming_for(user, HANDFUL),
        "exchanges_to_confirm": exchanges_to_confirm(user, HANDFUL),
        "memberships_pending": memberships_pending_of(user),
        # LOANS: the lead fills this in with lending.selectors.loans_of(user) when lending lands.
        "loans": None,
        "timebanks_brokered": brokers_to_do(user),
        "listings": listings_to_check(user, today),
        "organises_volunteering": organisation_organised_by(user),
    }


def home(request):
    """The front door: what Closeknit is, a search, what's on this week, and the ways in; signed in,
    the person's own next things. Nothing here is heavy: a few bounded reads, no district figures."""
    today = timezone.localdate()
    context = {"whats_on": _handful_on(today), "signed_in": _signed_in(request.user)}
    if context["signed_in"]:
        context |= _own_next_things(request.user)
    return render(request, "closeknit/home.html", context)


def whats_on(request):
    """This week's events, volunteering shifts with places, and groups meeting, by day. Public.
    ``?from=YYYY-MM-DD`` starts the week on another day; a day that cannot be used is said beside
    the field (status 400) and this week is shown."""
    form = WeekForm(request.GET or None)
    first = form.first_day()
    last = first + WEEK - timedelta(days=1)
    found = cache.get_or_set(
        f"closeknit:whats-on:{first.isoformat()}",
        lambda: _whats_on(
            first,
            last,
            events=EVENTS_A_WEEK,
            shifts=SHIFTS_A_WEEK,
            groups=GROUPS_A_DAY * 7,
            per_day=GROUPS_A_DAY,
        ),
        WHATS_ON_KEPT_FOR,
    )
    days = []
    for offset in range(7):
        day = first + timedelta(days=offset)
        items = [item for item in found if item.day == day]
        days.append(
            {
                "day": day,
                "items": items,
                "weekday": day.weekday(),
                "weekday_name": WEEKDAY_NAMES[day.weekday()],
                "more_groups": sum(1 for item in items if item.kind == "Group") >= GROUPS_A_DAY,
            }
        )
    return render(
        request,
        "closeknit/whats_on.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "days": days,
            "next_week": last + timedelta(days=1),
            "is_this_week": first == timezone.localdate(),
            "more_events": sum(1 for i in found if i.kind == "Event") >= EVENTS_A_WEEK,
            "more_shifts": sum(1 for i in found if i.kind == "Volunteering") >= SHIFTS_A_WEEK,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def about_data(request):
    return render(request, "closeknit/about_data.html")


def admin_sign_in(request):
    """The back office signs people in through the same page, lockout and two factors as the rest."""
    query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
    return redirect(f"{reverse('accounts:sign_in')}?{query}")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A form sent without its security token: most often a page left open too long."""
    return render(request, "403_csrf.html", status=403)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: nothing here may need the database.
    return render(request, "500.html", {"service_name": "Closeknit", "demo_site": False}, status=500)
