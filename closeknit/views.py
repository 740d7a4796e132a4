from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from directory.models import WEEKDAY_NAMES
from directory.selectors import listings_to_check
from lending.selectors import loans_of
from neighbourhoods.selectors import teams_of
from outcomes.permissions import may_see_reports
from people.permissions import may_work_with_people
from people.selectors import count_follow_ups_due, count_referrals_waiting
from timebank.selectors import brokers_to_do, exchanges_to_confirm, memberships_pending_of
from volunteering.selectors import organisation_organised_by, shifts_coming_for

from .forms import WeekForm
from .whats_on import EVENTS_A_WEEK, GROUPS_A_DAY, HANDFUL, SHIFTS_A_WEEK, WEEK, handful_on, week_from


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
        "loans": loans_of(user)[:HANDFUL],
        "timebanks_brokered": brokers_to_do(user),
        "listings": listings_to_check(user, today),
        "organises_volunteering": organisation_organised_by(user),
    }


def home(request):
    """The front door: what Closeknit is, a search, what's on this week, and the ways in; signed in,
    the person's own next things. Nothing here is heavy: a few bounded reads, no district figures."""
    today = timezone.localdate()
    context = {"whats_on": handful_on(today), "signed_in": _signed_in(request.user)}
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
    found = week_from(first)
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
