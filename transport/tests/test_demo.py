"""The demo: a tuk-tuk scheme and a minibus, with drivers, passengers, a week of trips assigned
through the same checks, and past runs with their mileage claims."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from transport import report_selectors
from transport.models import MileageClaim, Scheme, Trip, Vehicle


@pytest.mark.django_db
def test_the_demo_has_a_tuk_tuk_scheme_and_a_minibus_with_a_week_of_trips():
    call_command("seed_demo", residents=30, verbosity=0)
    assert set(Scheme.objects.values_list("name", flat=True)) == {
        "Nellie the tuk-tuk",
        "Sale Moor community minibus",
    }
    assert Vehicle.objects.filter(kind="tuk_tuk").exists() and Vehicle.objects.filter(kind="minibus").exists()
    coming = Trip.objects.filter(status__in=Trip.OPEN)
    assert coming.filter(status=Trip.Status.SCHEDULED).count() >= 5
    assert coming.filter(outward__isnull=False).exists()  # returns
    assert coming.exclude(series=None).exists()  # the weekly lunch club
    claims = MileageClaim.objects.all()
    assert claims.count() == 8 and all(claim.total > 0 for claim in claims)
    # The past weeks' runs show in the tuk-tuk's report and its driver's hours.
    coordinator = User.objects.get(email=demo_email("coordinator"))
    tuk_tuk = Scheme.objects.get(name="Nellie the tuk-tuk")
    today = timezone.localdate()
    period = report_selectors.ReportPeriod(today - timedelta(weeks=9), today - timedelta(days=1))
    report = report_selectors.scheme_report(coordinator, tuk_tuk, period)
    assert report.totals["completed"] == 16  # there and home, eight weeks
    purposes = {row["label"]: row["completed"] for row in report.purposes}
    assert purposes["A group or activity"] == 16
    assert report.totals["unmet"] is None  # two: fewer than 5
    assert report.unmet_reasons == [{"label": "No driver free that afternoon", "count": None}]
    hours = report_selectors.driver_hours(coordinator, tuk_tuk, period)
    assert len(hours) == 1 and len(hours[0].runs) == 8 and hours[0].hours == 30  # 11:00 to 14:45
    # Linked to the demo's time credits, the first four runs awarded.
    assert tuk_tuk.credit_scheme is not None and tuk_tuk.credit_scheme.is_demo
    assert [r.credited for r in hours[0].runs] == [Decimal("3.75")] * 4 + [None] * 4
