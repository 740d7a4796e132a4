"""What's on: this week's events, shifts with places and groups meeting, by day; public facts only;
bounded reads; a week asked for by ?from=, refused with a message naming the field when unusable."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from common.testing import sign_in
from directory.models import ListingStatus
from directory.selectors import occurrences_between
from directory.tests.factories import ScheduleFactory, ServiceFactory
from directory.timetable import LONDON
from volunteering import services as volunteering_services
from volunteering.models import Event
from volunteering.selectors import public_events_between, shifts_with_places_between
from volunteering.tests.factories import make_opportunity, make_shift

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.mark.django_db
def test_occurrences_follow_each_schedules_own_rule():
    """Weekly on Tuesdays meets every Tuesday; the first Wednesday of the month only on that one;
    a draft listing's sessions are never shown."""
    monday = date(2027, 3, 1)  # a Monday; that Wednesday is the first of the month
    assert monday.weekday() == 0
    weekly = ScheduleFactory(service=ServiceFactory(name="Knit and natter"), byday="TU")
    ScheduleFactory(service=ServiceFactory(name="Monthly lunch"), freq="MONTHLY", byday="1WE")
    ScheduleFactory(
        service=ServiceFactory(name="Draft group", listing_status=ListingStatus.DRAFT), byday="TU"
    )
    before = datetime(2027, 2, 28, 9, 0, tzinfo=LONDON)
    first_week = occurrences_between(monday, monday + timedelta(days=6), 20, now=before)
    assert [(s.schedule.service.name, s.starts.date()) for s in first_week] == [
        ("Knit and natter", date(2027, 3, 2)),
        ("Monthly lunch", date(2027, 3, 3)),
    ]
    second_week = occurrences_between(monday + timedelta(days=7), monday + timedelta(days=13), 20, now=before)
    assert [(s.schedule.service.name, s.starts.date()) for s in second_week] == [
        ("Knit and natter", date(2027, 3, 9))
    ]
    assert first_week[0].schedule == weekly


@pytest.mark.django_db
def test_occurrences_are_capped_per_day_and_in_all(django_assert_max_num_queries):
    for n in range(12):
        ScheduleFactory(service=ServiceFactory(name=f"Group {n:02d}"), byday=",".join(WEEKDAYS))
    monday = date(2027, 3, 1)
    before = datetime(2027, 2, 28, 9, 0, tzinfo=LONDON)
    with django_assert_max_num_queries(7):
        week = occurrences_between(monday, monday + timedelta(days=6), 20, per_day=3, now=before)
    assert len(week) == 20
    assert [len([s for s in week if s.starts.date() == monday + timedelta(days=d)]) for d in range(7)] == [
        3,
        3,
        3,
        3,
        3,
        3,
        2,
    ]


@pytest.mark.django_db
def test_sessions_already_started_today_are_not_on():
    ScheduleFactory(
        service=ServiceFactory(name="Morning walk"),
        byday=",".join(WEEKDAYS),
        opens_at=time(9, 0),
        closes_at=time(10, 0),
    )
    ScheduleFactory(
        service=ServiceFactory(name="Evening choir"),
        byday=",".join(WEEKDAYS),
        opens_at=time(19, 0),
        closes_at=time(20, 0),
    )
    today = date(2027, 3, 2)
    noon = datetime(2027, 3, 2, 12, 0, tzinfo=LONDON)
    assert [s.schedule.service.name for s in occurrences_between(today, today, 10, now=noon)] == [
        "Evening choir"
    ]


@pytest.mark.django_db
def test_events_and_shifts_of_the_week_only_with_places_left():
    organisation = OrganisationFactory()
    soon = timezone.now() + timedelta(days=1)
    Event.objects.create(
        title="Stalls evening",
        organisation=organisation,
        place="Library",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
    )
    later = timezone.now() + timedelta(days=10)
    Event.objects.create(
        title="Next month",
        organisation=organisation,
        place="Hall",
        starts_at=later,
        ends_at=later + timedelta(hours=2),
    )
    opportunity = make_opportunity(organisation)[0]
    open_shift = make_shift(opportunity, places=2, days=2)
    full_shift = make_shift(opportunity, places=1, days=3)
    volunteering_services.sign_up(full_shift, name="Someone", email="someone@example.org")
    today = timezone.localdate()
    week = (today, today + timedelta(days=6))
    assert [e.title for e in public_events_between(*week, 10)] == ["Stalls evening"]
    shifts = shifts_with_places_between(*week, 10)
    assert shifts == [open_shift]
    assert shifts[0].taken == 0


@pytest.mark.django_db
def test_whats_on_groups_the_week_by_day_and_names_no_one(client, make_user):
    tomorrow = timezone.localdate() + timedelta(days=1)
    ScheduleFactory(
        service=ServiceFactory(name="Chess club"),
        byday=WEEKDAYS[tomorrow.weekday()],
        opens_at=time(14, 0),
        closes_at=time(15, 0),
    )
    shift = make_shift(make_opportunity(title="Café helper")[0], places=3, days=2)
    volunteering_services.sign_up(shift, name="Harriet Volunteer", email="harriet@example.org")
    response = client.get(reverse("whats_on"))
    assert response.status_code == 200
    page = response.content.decode()
    days = response.context["days"]
    assert [d["day"] for d in days] == [timezone.localdate() + timedelta(days=n) for n in range(7)]
    assert [i.title for i in days[1]["items"]] == ["Chess club"]
    assert "Café helper" in page and "2 places left" in page
    assert "Harriet" not in page and "harriet@" not in page
    assert f"?from={(timezone.localdate() + timedelta(days=7)):%Y-%m-%d}" in page


@pytest.mark.django_db
def test_whats_on_shows_another_week_from_a_day_given(client):
    first = timezone.localdate() + timedelta(days=10)
    response = client.get(reverse("whats_on"), {"from": first.isoformat()})
    assert response.status_code == 200
    assert response.context["days"][0]["day"] == first
    assert "Back to this week" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, message",
    [
        ("banana", "The first day must be a real date"),
        ("2026-02-30", "The first day must be a real date"),
        ("2001-01-01", "The first day must be today or later"),
        ("9999-12-31", "The first day must be"),
        ("<script>", "The first day must be a real date"),
    ],
)
def test_a_first_day_that_cannot_be_used_is_said_beside_the_field_never_a_500(client, typed, message):
    response = client.get(reverse("whats_on"), {"from": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'href="#id_from"' in page  # the error summary links to the field
    assert "<title>Error: What" in page
    assert response.context["days"][0]["day"] == timezone.localdate()  # this week is shown instead
    assert "<script>" not in page.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.django_db
def test_whats_on_reads_are_bounded(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    for n in range(40):
        ScheduleFactory(
            service=ServiceFactory(name=f"Group {n}"),
            byday=",".join(WEEKDAYS),
            opens_at=time(23, 58),
            closes_at=time(23, 59),
        )
        starts = timezone.now() + timedelta(days=1 + n % 5)
        Event.objects.create(
            title=f"Event {n}",
            organisation=organisation,
            place="Hall",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
    with django_assert_max_num_queries(10):
        response = client.get(reverse("whats_on"))
    assert response.context["more_events"]
    assert any(day["more_groups"] for day in response.context["days"])
    assert f"{reverse('directory:search')}?day=" in response.content.decode()


@pytest.mark.django_db
def test_residents_navigation_includes_whats_on(client, make_user):
    sign_in(client, make_user(Role.RESIDENT))
    labels = [item["label"] for item in client.get(reverse("whats_on")).context["navigation"]]
    assert "What's on" in labels


@pytest.mark.django_db
def test_whats_on_is_kept_until_something_on_it_changes(client, django_assert_max_num_queries):
    """Kept in the cache, so a second visit reads nothing for it; a new event, a filled shift or a
    listing taken down shows on the next visit, not five minutes later."""
    organisation = OrganisationFactory()
    group = ScheduleFactory(service=ServiceFactory(name="Knit and natter"), byday=",".join(WEEKDAYS)).service
    assert "Knit and natter" in client.get(reverse("whats_on")).content.decode()
    with django_assert_max_num_queries(0):
        client.get(reverse("whats_on"))

    starts = timezone.now() + timedelta(days=2)
    Event.objects.create(
        title="Harvest supper",
        organisation=organisation,
        place="Hall",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    assert "Harvest supper" in client.get(reverse("whats_on")).content.decode()
    assert "Harvest supper" in client.get(reverse("home")).content.decode()

    group.listing_status = ListingStatus.DRAFT
    group.save()
    assert "Knit and natter" not in client.get(reverse("whats_on")).content.decode()
