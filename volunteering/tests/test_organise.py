"""Organisations post opportunities and shifts; only their own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import sign_in
from timebank import services as timebank
from volunteering.models import Opportunity, Shift
from volunteering.tests.factories import make_opportunity, make_shift


@pytest.fixture
def organiser(db):
    opportunity, organiser = make_opportunity()
    return organiser, opportunity


def day(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_organiser_posts_an_opportunity_and_weekly_shifts(client, organiser):
    user, _ = organiser
    sign_in(client, user)
    data = {
        "title": "Tail walker",
        "description": "Walk at the back.",
        "place": "Sale Water Park",
        "checks": "none",
        "is_published": "on",
    }
    assert client.post(reverse("volunteering:add_opportunity"), data).status_code == 302
    new = Opportunity.objects.get(title="Tail walker")
    shifts = {"on": day(3), "starts_at": "08:30", "ends_at": "10:00", "places": "2", "weeks": "4"}
    assert client.post(reverse("volunteering:add_shifts", args=[new.pk]), shifts).status_code == 302
    assert new.shifts.count() == 4
    assert "0 of 2 places taken" in client.get(reverse("volunteering:organise")).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "08:00"}, "The end must be after the start"),
        ({"on": day(-3)}, "cannot start in the past"),
        ({"places": "0"}, "between 1 and 500 places"),
        ({"weeks": "60"}, "between 1 and 52 weeks"),
    ],
)
def test_bad_shifts_on_the_page_name_the_field_and_write_nothing(client, organiser, changes, message):
    user, opportunity = organiser
    sign_in(client, user)
    shifts = {"on": day(3), "starts_at": "08:30", "ends_at": "10:00", "places": "2", "weeks": "1"} | changes
    page = client.post(reverse("volunteering:add_shifts", args=[opportunity.pk]), shifts).content.decode()
    assert "There is a problem" in page and message in page
    assert not Shift.objects.exists()


def test_time_credits_only_from_schemes_the_organisation_takes_part_in(client, organiser):
    user, opportunity = organiser
    other = timebank.create_credit_scheme("Elsewhere Credits", OrganisationFactory())
    sign_in(client, user)
    data = {"title": "x", "description": "y", "place": "z", "checks": "none", "credit_scheme": other.pk}
    page = client.post(reverse("volunteering:edit_opportunity", args=[opportunity.pk]), data).content.decode()
    assert "Choose a scheme your organisation takes part in" in page
    opportunity.refresh_from_db()
    assert opportunity.credit_scheme is None and opportunity.title == "Marshal at parkrun"


def test_other_organisations_cannot_touch_an_opportunity(client, organiser):
    user, opportunity = organiser
    shift = make_shift(opportunity)
    stranger = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    sign_in(client, stranger)
    assert client.get(reverse("volunteering:edit_opportunity", args=[opportunity.pk])).status_code == 404
    assert client.post(reverse("volunteering:add_shifts", args=[opportunity.pk]), {}).status_code == 404
    assert client.post(reverse("volunteering:roster", args=[shift.pk]), {"places": "9"}).status_code == 403
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("volunteering:organise")).status_code == 403
    shift.refresh_from_db()
    assert shift.places == 3


def test_places_cannot_drop_below_the_people_signed_up_on_the_roster(client, organiser):
    from volunteering import services

    user, opportunity = organiser
    shift = make_shift(opportunity, places=3)
    for _ in range(2):
        services.sign_up(shift, user=UserFactory())
    sign_in(client, user)
    response = client.post(reverse("volunteering:roster", args=[shift.pk]), {"places": "1"}, follow=True)
    assert "2 people have places: the shift needs at least 2" in response.content.decode()
    shift.refresh_from_db()
    assert shift.places == 3
