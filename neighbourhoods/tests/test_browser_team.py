"""The neighbourhood team member's story in Chromium, on a desk and on a 390 px phone: from the
home page to their team, changing its details, adding a colleague, a priority, a measure and a
reading. And an administrator setting up a team. Every page axe-clean, none wider than the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in_on_page
from neighbourhoods.models import NeighbourhoodTeam, TeamMember
from places.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.browser

SHOTS = "docs/images"  # where the user guides take their pictures from


def _checked(page, axe, width):
    axe(page)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def _save(page):
    page.get_by_role("button", name="Save").click()


def _walk(page, axe, width, shots=None):
    team = NeighbourhoodTeam.objects.create(
        neighbourhood=NeighbourhoodFactory(name="Partington"), name="Partington team"
    )
    NeighbourhoodFactory(name="Partington and Carrington")
    member = UserFactory(role=Role.COORDINATOR, full_name="Maya Okafor", email="maya@example.org")
    TeamMember.objects.create(team=team, user=member, role="Local Area Coordinator")
    UserFactory(role=Role.ORGANISATION_EDITOR, full_name="Ravi Shah", email="ravi@example.org")
    sign_in_on_page(page, member)

    page.goto("/")
    page.get_by_role("link", name="Partington team").click()
    assert page.locator("h1").inner_text() == "Partington team"
    _checked(page, axe, width)

    page.get_by_role("link", name="Change the team's name, area or description").click()
    page.fill("#id_name", "")
    _save(page)
    assert "Enter the team's name" in page.locator(".govuk-error-summary").inner_text()
    _checked(page, axe, width)
    page.goto(page.url)  # afresh, as the member would find it
    page.fill("#id_name", "Partington and Carrington team")
    page.select_option("#id_neighbourhood", label="Partington and Carrington")
    page.fill("#id_description", "GP practice, council, housing and the library, meeting on Tuesdays.")
    if shots:
        page.screenshot(path=f"{SHOTS}/{shots}-change.png", full_page=True)
    _save(page)
    assert page.locator("h1").inner_text() == "Partington and Carrington team"
    assert page.locator(".govuk-caption-l").inner_text() == "Partington and Carrington"

    page.get_by_role("link", name="Add a member").click()
    page.fill("#id_email", "nobody@example.org")
    _save(page)
    assert "No one working with Closeknit" in page.locator(".govuk-error-summary").inner_text()
    _checked(page, axe, width)
    page.fill("#id_email", "ravi@example.org")
    page.fill("#id_role", "Housing officer")
    _save(page)
    assert page.locator(".govuk-notification-banner").inner_text().endswith("Ravi Shah is on the team.")
    assert "Ravi Shah" in page.locator("h2:has-text('The team') ~ .govuk-summary-list").inner_text()

    page.get_by_role("link", name="Add a priority").click()
    page.fill("#id_title", "Fuel poverty")
    page.fill("#id_why", "Homes on the estate are hard to heat.")
    _save(page)
    page.get_by_role("link", name="Change Fuel poverty").click()
    page.fill("#id_rank", "0")
    _save(page)
    assert "1 is the top place" in page.locator(".govuk-error-summary").inner_text()
    _checked(page, axe, width)
    page.fill("#id_rank", "1")
    page.fill("#id_title", "Fuel poverty and damp")
    _save(page)
    page.get_by_role("link", name="Change Fuel poverty and damp").click()
    page.fill("#id_title", "Fuel poverty")
    _save(page)
    page.get_by_role("link", name="Add a measure for Fuel poverty").click()
    page.fill("#id_name", "Homes helped with energy bills")
    page.fill("#id_baseline", "10")
    page.fill("#id_target", "60")
    page.fill("#id_target_by", (timezone.localdate() + timedelta(days=365)).isoformat())
    _save(page)
    page.get_by_role("link", name="Record a reading for Homes helped with energy bills").click()
    page.fill("#id_on", timezone.localdate().isoformat())
    page.fill("#id_value", "35")
    _save(page)
    assert "(50% of the way)" in page.locator(".govuk-summary-card").first.inner_text()
    _checked(page, axe, width)
    if shots:
        page.screenshot(path=f"{SHOTS}/{shots}-team.png", full_page=True)


def test_a_team_member_runs_their_team_on_a_desk(page, axe):
    _walk(page, axe, 1024, shots="neighbourhood-team")


def test_a_team_member_runs_their_team_on_a_phone(phone_page, axe):
    phone_page.set_viewport_size({"width": 390, "height": 844})
    _walk(phone_page, axe, 390)


def test_an_administrator_sets_up_a_team(page, axe):
    NeighbourhoodFactory(name="Sale")
    sign_in_on_page(
        page, UserFactory(role=Role.ADMINISTRATOR, full_name="Priya Natarajan", email="admin@example.org")
    )
    page.goto("/neighbourhoods/")
    page.get_by_role("link", name="Set up a team").click()
    page.get_by_role("button", name="Set up the team").click()
    assert "Enter the team's name" in page.locator(".govuk-error-summary").inner_text()
    _checked(page, axe, 1024)
    page.goto(page.url)
    page.fill("#id_name", "Sale team")
    page.select_option("#id_neighbourhood", label="Sale")
    page.screenshot(path=f"{SHOTS}/neighbourhood-team-set-up.png", full_page=True)
    page.get_by_role("button", name="Set up the team").click()
    assert page.locator("h1").inner_text() == "Add a member to Sale team"
    _checked(page, axe, 1024)
