import pytest
from django.core.management import call_command

from neighbourhoods.models import NeighbourhoodTeam
from neighbourhoods.selectors import survey_change

pytestmark = pytest.mark.browser


def test_demo_team_page_is_accessible(page, axe, transactional_db):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from common.testing import PASSWORD

    call_command("seed_demo", residents=5, verbosity=0)
    team = NeighbourhoodTeam.objects.get()
    assert team.priorities.count() == 4 and survey_change(team)["rows"]
    UserFactory(role=Role.COMMISSIONER, email="commissioner@example.org")
    page.goto("/account/sign-in/")
    page.fill("#id_username", "commissioner@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(f"/neighbourhoods/{team.pk}/")
    assert "Fuel poverty" in page.content() and "points" in page.content()
    axe(page)


def test_a_member_sets_priorities_and_measures_on_accessible_pages(page, axe, transactional_db):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from common.testing import sign_in_on_page
    from neighbourhoods.models import TeamMember
    from places.tests.factories import NeighbourhoodFactory

    team = NeighbourhoodTeam.objects.create(neighbourhood=NeighbourhoodFactory(), name="Sale West team")
    member = UserFactory(role=Role.COORDINATOR, email="member@example.org")
    TeamMember.objects.create(team=team, user=member)
    sign_in_on_page(page, member)
    page.goto(f"/neighbourhoods/{team.pk}/")
    page.click("text=Add a priority")
    page.click("button:has-text('Save')")
    assert "Enter the priority" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.fill("#id_title", "Self-neglect")
    page.click("button:has-text('Save')")
    page.click("text=Add a measure")
    page.fill("#id_name", "People with a regular visitor")
    page.fill("#id_baseline", "15")
    page.fill("#id_target", "15")
    page.fill("#id_target_by", "2030-06-30")
    page.click("button:has-text('Save')")
    assert "The target must differ" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.fill("#id_target", "60")
    page.click("button:has-text('Save')")
    assert "People with a regular visitor" in page.content()
    axe(page)
