import pytest
from django.core.management import call_command

from neighbourhoods.models import NeighbourhoodTeam
from neighbourhoods.selectors import survey_change

pytestmark = pytest.mark.browser


def test_demo_team_page_is_accessible(page, axe, transactional_db):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from closeknit.testing import PASSWORD

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
