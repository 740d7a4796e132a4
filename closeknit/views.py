from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from neighbourhoods.selectors import teams_of
from outcomes.permissions import may_see_reports
from people.permissions import may_work_with_people
from people.selectors import count_follow_ups_due
from places.selectors import district_overview


def home(request):
    follow_ups = None
    if may_work_with_people(request.user) and request.user.is_verified():
        follow_ups = count_follow_ups_due(request.user, timezone.localdate())
    return render(
        request,
        "closeknit/home.html",
        {
            "district": district_overview(),
            "follow_ups": follow_ups,
            # Where a team member and a commissioner start their day.
            "your_teams": teams_of(request.user),
            "reads_reports": may_see_reports(request.user),
        },
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
