"""Neighbourhood teams: priorities with measures and readings, and the survey's change after a year."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from neighbourhoods import services
from neighbourhoods.models import Measure, NeighbourhoodTeam, Priority, Reading, SurveyRound, TeamMember
from neighbourhoods.selectors import progress, survey_change
from places.tests.factories import NeighbourhoodFactory


@pytest.fixture
def team(db):
    team = NeighbourhoodTeam.objects.create(
        neighbourhood=NeighbourhoodFactory(name="Partington"), name="Partington team"
    )
    member = UserFactory(role=Role.COORDINATOR)
    TeamMember.objects.create(team=team, user=member, role="Local Area Coordinator")
    priority = Priority.objects.create(team=team, title="Fuel poverty", rank=1)
    measure = Measure.objects.create(
        priority=priority,
        name="Homes helped with energy bills",
        unit="homes",
        baseline=Decimal("10"),
        target=Decimal("60"),
        target_by=date(2027, 12, 31),
    )
    return team, member, measure


def test_progress_is_the_share_of_the_way_from_baseline_to_target(team):
    _, member, measure = team
    services.record_reading(member, measure, date(2026, 6, 1), Decimal("20"))
    services.record_reading(member, measure, date(2026, 10, 1), Decimal("35"))
    assert progress(measure)["done"] == 50  # (35 - 10) / (60 - 10)
    falls = Measure.objects.create(
        priority=measure.priority,
        name="Falls a month",
        baseline=Decimal("40"),
        target=Decimal("20"),
        target_by=date(2027, 12, 31),
    )
    services.record_reading(member, falls, date(2026, 10, 1), Decimal("35"))
    assert progress(falls)["done"] == 25  # fewer is better: 5 of the 20 to lose


def test_survey_change_after_twelve_months(team):
    found, member, _ = team
    services.record_survey_round(
        member,
        found,
        label="Baseline",
        held_on=date(2025, 10, 1),
        respondents=80,
        results={"I know my neighbours": 32, "I know where to get help locally": 3},
    )
    services.record_survey_round(
        member,
        found,
        label="After 12 months",
        held_on=date(2026, 10, 1),
        respondents=90,
        results={"I know my neighbours": 54, "I know where to get help locally": 30},
    )
    rows = {r["question"]: r for r in survey_change(found)["rows"]}
    assert (rows["I know my neighbours"]["first"], rows["I know my neighbours"]["latest"]) == (
        Decimal("40.0"),
        Decimal("60.0"),
    )
    assert rows["I know my neighbours"]["change"] == Decimal("20.0")
    assert rows["I know where to get help locally"]["first"] is None  # 3 people: suppressed
    assert rows["I know where to get help locally"]["change"] is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda m, t, me: services.record_reading(
                m, me, timezone.localdate() + timedelta(days=2), Decimal("1")
            ),
            "future",
        ),
        (
            lambda m, t, me: services.record_survey_round(
                m,
                t,
                label="B",
                held_on=date(2026, 1, 1),
                respondents=10,
                results={"I know my neighbours": 11},
            ),
            "between 0 and 10",
        ),
        (
            lambda m, t, me: services.record_survey_round(
                m, t, label="B", held_on=date(2026, 1, 1), respondents=0, results={"q": 0}
            ),
            "how many people answered",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(team, call, message):
    found, member, measure = team
    with pytest.raises(ValidationError, match=message):
        call(member, found, measure)
    assert not Reading.objects.exists() and not SurveyRound.objects.exists()


def test_only_team_members_record_and_residents_do_not_see_teams(client, team):
    found, member, measure = team
    outsider = UserFactory(role=Role.ORGANISATION_EDITOR)
    sign_in(client, outsider)
    assert "Fuel poverty" in client.get(reverse("neighbourhoods:team", args=[found.pk])).content.decode()
    assert (
        client.post(
            reverse("neighbourhoods:reading", args=[measure.pk]), {"on": "2026-11-01", "value": "5"}
        ).status_code
        == 403
    )
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("neighbourhoods:team", args=[found.pk])).status_code == 403
    sign_in(client, member)
    page = client.post(
        reverse("neighbourhoods:reading", args=[measure.pk]), {"on": "2026-11-01", "value": "lots"}
    ).content.decode()
    assert "The reading must be a number" in page and not Reading.objects.exists()
    assert (
        client.post(
            reverse("neighbourhoods:reading", args=[measure.pk]), {"on": "2026-11-01", "value": "15"}
        ).status_code
        == 302
    )
    assert Reading.objects.get().value == Decimal("15")


def test_members_add_priorities_and_measures_from_the_team_page(client, team):
    found, member, _ = team
    sign_in(client, member)
    added = client.post(
        reverse("neighbourhoods:add_priority", args=[found.pk]),
        {"title": "Falls prevention", "why": "Ambulance call-outs for falls are the highest in Trafford."},
    )
    assert added.status_code == 302
    falls = Priority.objects.get(title="Falls prevention")
    assert falls.rank == 2  # after fuel poverty
    target_by = (timezone.localdate() + timedelta(days=365)).isoformat()
    client.post(
        reverse("neighbourhoods:add_measure", args=[falls.pk]),
        {"name": "Falls reported a month", "baseline": "40", "target": "25", "target_by": target_by},
    )
    measure = falls.measures.get()
    assert (measure.baseline, measure.target, measure.higher_is_better) == (
        Decimal("40"),
        Decimal("25"),
        False,
    )
    page = client.get(reverse("neighbourhoods:team", args=[found.pk])).content.decode()
    assert "2. Falls prevention" in page and "Falls reported a month" in page


def test_a_measure_with_bad_figures_is_refused_by_field_and_nothing_is_saved(client, team):
    found, member, measure = team
    sign_in(client, member)
    url = reverse("neighbourhoods:add_measure", args=[measure.priority.pk])
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    cases = [
        (
            {"name": "", "baseline": "a lot", "target": "5", "target_by": future},
            ["Enter what is measured", "The baseline must be a number"],
        ),
        (
            {"name": "Homes warm", "baseline": "5", "target": "5", "target_by": future},
            ["The target must differ"],
        ),
        (
            {"name": "Homes warm", "baseline": "5", "target": "9", "target_by": "2020-01-01"},
            ["must be in the future"],
        ),
        (
            {"name": "Homes warm", "baseline": "5.123", "target": "9", "target_by": future},
            ["at most 2 decimal places"],
        ),
        (
            {"name": "homes helped with energy bills", "baseline": "1", "target": "9", "target_by": future},
            ["already has the measure"],
        ),
    ]
    for data, messages in cases:
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page and all(m in page for m in messages), data
    assert Measure.objects.count() == 1


def test_a_priority_set_aside_leaves_the_page_and_the_rest_move_up(client, team):
    found, member, measure = team
    services.add_priority(member, found, title="Getting to know each other")
    with pytest.raises(ValidationError, match="already has the priority"):
        services.add_priority(member, found, title="getting to know each other")
    sign_in(client, member)
    client.post(reverse("neighbourhoods:set_aside_priority", args=[measure.priority.pk]))
    page = client.get(reverse("neighbourhoods:team", args=[found.pk])).content.decode()
    assert "“Fuel poverty” is set aside" in page  # the message, once
    assert "1. Fuel poverty" not in page and "1. Getting to know each other" in page
    measure.priority.refresh_from_db()
    assert not measure.priority.is_active and measure.priority.measures.exists()  # its history stays
    with pytest.raises(ValidationError, match="set aside"):
        services.add_measure(
            member, measure.priority, name="New", baseline=1, target=2, target_by=date(2030, 1, 1)
        )


def test_only_members_set_priorities(client, team):
    found, _, measure = team
    sign_in(client, UserFactory(role=Role.COORDINATOR))
    target_by = (timezone.localdate() + timedelta(days=30)).isoformat()
    attempts = [
        (reverse("neighbourhoods:add_priority", args=[found.pk]), {"title": "Loneliness"}),
        (
            reverse("neighbourhoods:add_measure", args=[measure.priority.pk]),
            {"name": "Visits", "baseline": "1", "target": "9", "target_by": target_by},
        ),
        (reverse("neighbourhoods:set_aside_priority", args=[measure.priority.pk]), {}),
    ]
    for url, data in attempts:
        assert client.get(url).status_code in (403, 405)
        assert client.post(url, data).status_code == 403
    assert Priority.objects.filter(is_active=True).count() == 1 and Measure.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ORGANISATION_EDITOR, Role.BROKER, Role.COORDINATOR, Role.COMMISSIONER])
def test_every_staff_role_finds_neighbourhood_teams_in_the_navigation(client, db, role):
    sign_in(client, UserFactory(role=role))
    assert 'href="/neighbourhoods/"' in client.get("/").content.decode()


def test_residents_have_no_neighbourhood_teams_in_the_navigation(client, db):
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert 'href="/neighbourhoods/"' not in client.get("/").content.decode()
