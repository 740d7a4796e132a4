"""The reach page and the evaluation report count people the same way: for the same period and area
they show the same figures, and each says which period and area it is."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.testing import sign_in
from outcomes.report import Period, supported
from people.models import Attendance, Conversation, DropInSession, Introduction, IntroductionStep
from people.tests.factories import PersonFactory
from places.tests.factories import LSOAFactory, NeighbourhoodFactory, PostcodeFactory, WardFactory

YEAR = {"since": "2026-01-01", "until": "2026-12-31"}


@pytest.fixture
def district(db):
    """In North's ward: 6 people with a conversation in 2026 and 1 with an introduction step in
    2026; 1 on record with nothing recorded (added, never seen); 1 seen only in 2025. Elsewhere:
    5 seen in 2026. So 12 supported in 2026 in the district, 7 in North; 14 people on record."""
    north_ward = WardFactory(name="Gorse Hill")
    north = NeighbourhoodFactory(name="North")
    north.wards.add(north_ward)
    here = PostcodeFactory(lsoa=LSOAFactory(imd_decile=2), ward=north_ward)
    there = PostcodeFactory(lsoa=LSOAFactory(imd_decile=7), ward=WardFactory(name="Bowdon"))
    for person in PersonFactory.create_batch(6, postcode=here) + PersonFactory.create_batch(
        5, postcode=there
    ):
        Conversation.objects.create(person=person, happened_on=date(2026, 3, 1), kind="visit", notes="x")
    introduced = PersonFactory(postcode=here)
    intro = Introduction.objects.create(
        person=introduced, elsewhere="Choir", status="went_along", made_on=date(2026, 4, 1)
    )
    IntroductionStep.objects.create(introduction=intro, status="went_along", on=date(2026, 4, 10))
    PersonFactory(postcode=here)  # on record, nothing recorded with them
    last_year = PersonFactory(postcode=here)
    Conversation.objects.create(person=last_year, happened_on=date(2025, 6, 1), kind="visit", notes="x")
    return north


def _figures(client, name, query):
    return client.get(reverse(f"outcomes:{name}"), query).context["reach"]


@pytest.mark.parametrize("area", [False, True])
def test_reach_and_the_report_agree_for_the_same_period_and_area(client, district, area):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    query = YEAR | ({"neighbourhood": district.pk} if area else {})
    reach, report = _figures(client, "reach", query), _figures(client, "report", query)
    assert reach == report
    # Only people seen in the period count: not the one never seen, nor the one seen in 2025.
    assert reach["people"] == (7 if area else 12)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("outcomes:report"), query | {"format": "csv"}).content.decode())
        )
    )
    assert ["Reach", "People supported", str(reach["people"])] in rows


def test_reach_page_states_its_period_area_and_what_it_counts(client, district):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    page = client.get(reverse("outcomes:reach"), YEAR | {"neighbourhood": district.pk}).content.decode()
    assert "1 January 2026 to 31 December 2026, North" in page
    assert 'value="2026-01-01"' in page and 'value="2026-12-31"' in page
    assert "a conversation, a step of an introduction or a visit to a drop-in recorded" in page
    report_link = (
        reverse("outcomes:report") + f"?neighbourhood={district.pk}&amp;since=2026-01-01&amp;until=2026-12-31"
    )
    assert f'href="{report_link}"' in page
    assert f'href="{report_link}#social-value"' in page  # social value for the same period and area


def test_reach_page_is_the_last_twelve_months_of_the_whole_district_unless_chosen(client, district):
    from django.utils import timezone

    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    response = client.get(reverse("outcomes:reach"))
    today = timezone.localdate()
    assert response.context["period"].until == today and response.context["period"].area is None
    assert f"{today:%-d %B %Y}, the whole district" in response.content.decode()


def test_a_bad_period_on_the_reach_page_says_so_and_is_not_an_error(client, district):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    response = client.get(reverse("outcomes:reach"), {"since": "not a date", "neighbourhood": "999999"})
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()


def test_reach_page_is_refused_to_anyone_but_commissioners_and_administrators(client, district):
    from common.testing import assert_denied

    url = reverse("outcomes:reach")
    assert_denied(client.get(url, YEAR))  # signed out
    for role in (Role.RESIDENT, Role.COORDINATOR, Role.ORGANISATION_EDITOR):
        sign_in(client, UserFactory(role=role))
        assert_denied(client.get(url, YEAR))


def test_the_home_page_takes_a_commissioner_to_reach_and_the_report(client, db):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    home = client.get(reverse("home")).content.decode()
    assert reverse("outcomes:reach") in home and reverse("outcomes:report") in home
    sign_in(client, UserFactory(role=Role.ORGANISATION_EDITOR))
    assert reverse("outcomes:report") not in client.get(reverse("home")).content.decode()


def test_someone_seen_only_at_a_drop_in_is_supported_on_both_pages(client, district):
    """A drop-in visit is support given: a person seen only there counts in the period it happened,
    on the reach page and in the report alike, and not in a period before it."""
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    query = YEAR | {"neighbourhood": district.pk}
    before = _figures(client, "reach", query)["people"]
    visitor = PersonFactory(postcode=district.wards.get().postcodes.first())
    drop_in = DropInSession.objects.create(
        team=TeamFactory(), title="Gorse Hill drop-in", place="Library", on=date(2026, 5, 7),
        starts_at="10:00", ends_at="12:00",
    )  # fmt: skip
    Attendance.objects.create(session=drop_in, person=visitor)
    reach, report = _figures(client, "reach", query), _figures(client, "report", query)
    assert reach["people"] == report["people"] == before + 1
    # Counted in the period of the visit only (the pages withhold a count this small, so ask directly).
    assert visitor in supported(Period(date(2026, 5, 7), date(2026, 5, 7), district))
    assert visitor not in supported(Period(date(2026, 5, 8), date(2026, 12, 31), district))
