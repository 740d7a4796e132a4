"""The grants' reach in the evaluation report: grants awarded in the period by fund, the amount,
the people their latest sent returns say they reached (withheld under 5), and the listings funded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import ListingStatus, Provider, Service
from grants import award_services
from grants.tests.award_factories import make_grant
from outcomes.report import Period, evaluation_report, report_rows

pytestmark = pytest.mark.django_db


def _send_return(grant, people):
    award_services.save_return(
        grant.application.applicant,
        grant.returns.order_by("due_on").first(),
        award_services.ReturnAnswers(what_happened="It went well.", people_reached=people, spend_pence=0),
        send=True,
    )


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=30), today)


def test_the_report_counts_grants_amounts_people_reached_and_listings_by_fund():
    grant, officer = make_grant(amount_pence=150_000)
    _send_return(grant, 42)
    listing = Service.objects.create(
        provider=Provider.objects.create(name="Soham friends"),
        name="Soham timebank",
        listing_status=ListingStatus.PUBLISHED,
    )
    award_services.link_listing(officer, grant, listing)
    [row] = evaluation_report(_period())["grants"]
    assert row == {
        "fund": grant.application.round.fund.name,
        "grants": 1,
        "amount": "£1,500",
        "people_reached": 42,
        "listings": 1,
    }
    rows = report_rows(evaluation_report(_period()))
    assert (f"Small grants: {row['fund']}", "People reached", "42") in rows


def test_people_reached_under_5_are_withheld_and_grants_outside_the_period_left_out():
    grant, _ = make_grant()
    _send_return(grant, 3)
    [row] = evaluation_report(_period())["grants"]
    assert row["people_reached"] is None and row["grants"] == 1
    earlier = Period(timezone.localdate() - timedelta(days=400), timezone.localdate() - timedelta(days=100))
    assert evaluation_report(earlier)["grants"] == []
