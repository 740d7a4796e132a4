"""The relationships map shows each connection, and counts active connections over time."""

from datetime import date, timedelta

from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from people.ecomap import active_connections_over_time, connections, month_ends
from people.models import CONNECTED, NEXT_STEPS, Introduction, IntroductionStep
from people.tests.factories import PersonFactory


def _introduce(person, steps, **target):
    intro = Introduction.objects.create(person=person, made_on=steps[0][0], status=steps[-1][1], **target)
    for on, status in steps:
        IntroductionStep.objects.create(introduction=intro, status=status, on=on)
    return intro


def test_month_ends_run_oldest_first_and_end_today():
    assert month_ends(date(2026, 3, 15), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 15)]
    assert month_ends(date(2026, 1, 9), 2) == [date(2025, 12, 31), date(2026, 1, 9)]


def test_active_connections_at_each_month_end(db):
    person = PersonFactory()
    _introduce(
        person,
        [
            (date(2026, 1, 5), "suggested"),
            (date(2026, 1, 10), "introduced"),
            (date(2026, 2, 3), "went_along"),
            (date(2026, 3, 1), "still_connected"),
            (date(2026, 5, 20), "did_not_work_out"),
        ],
        elsewhere="Bell ringers",
    )
    _introduce(person, [(date(2026, 2, 1), "suggested"), (date(2026, 4, 2), "went_along")], elsewhere="Choir")
    months = month_ends(date(2026, 6, 30), 6)
    assert [count for _, count in active_connections_over_time(person, months)] == [0, 1, 1, 2, 1, 1]


def test_person_page_draws_the_map_with_a_table_saying_the_same(client, db):
    team = TeamFactory()
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[team])
    person = PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")
    _introduce(
        person, [(date(2026, 11, 1), "still_connected")], listing=ServiceFactory(name="Sale bowls club")
    )
    _introduce(person, [(date(2026, 11, 2), "suggested")], elsewhere="Allotment society")
    neighbour = PersonFactory(team=team, full_name="Betty Marsh")
    _introduce(neighbour, [(date(2026, 11, 3), "introduced")], other_person=person)  # made from her side
    sign_in(client, coordinator)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert 'role="img"' in page and "Relationships map for Ada Whitfield" in page
    assert "with 3 connections around them" in page
    table = page[page.index("Ada Whitfield's connections") :]
    for label, kind, stands in [
        ("Sale bowls club", "Group or service", "Strong: still connected"),
        ("Betty Marsh", "Person", "New: introduced"),
        ("Allotment society", "Someone or something else", "Possible: suggested"),
    ]:
        row = table[table.index(label) :][:400]
        assert kind in row and stands in row, label
    assert [c.name for c in connections(person)] == ["Sale bowls club", "Betty Marsh", "Allotment society"]


steps_strategy = st.lists(
    st.lists(st.sampled_from([0, 1]), min_size=0, max_size=4),  # which next step to take each time
    min_size=1,
    max_size=4,
)


class ConnectionsOverTime(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(steps_strategy, st.integers(min_value=1, max_value=20))
    def test_counts_stay_within_bounds_and_end_at_the_connected_introductions(self, choices, gap):
        person = PersonFactory()
        start = date(2026, 1, 1)
        finals = []
        for n, picks in enumerate(choices):
            steps, status, on = [(start, "suggested")], Introduction.Status.SUGGESTED, start
            for pick in picks:
                allowed = NEXT_STEPS[status]
                if not allowed:
                    break
                status, on = allowed[min(pick, len(allowed) - 1)], on + timedelta(days=gap)
                steps.append((on, status))
            _introduce(person, steps, elsewhere=f"Group {n}")
            finals.append(status)
        days = [start + timedelta(days=d) for d in range(0, 200, 7)]
        counts = [c for _, c in active_connections_over_time(person, days)]
        assert all(0 <= c <= len(choices) for c in counts)
        assert counts[-1] == sum(1 for s in finals if s in CONNECTED)
