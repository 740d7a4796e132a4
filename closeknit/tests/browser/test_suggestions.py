"""Issue 17 in Chromium: a coordinator opens a person, sees suggestions with reasons, and makes an
introduction from one; dismisses another with a reason; reads the team's weights. Every page is
axe-clean and fits a phone.

The listings come from the app's listing source (``matching/sources/listings.py``). Where that
source is not installed (a branch without it), the tests' own small listing source stands in
(``matching.tests.helpers.listing_source``), said here rather than hidden: the flow tested is the same.
"""

from __future__ import annotations

import pytest

from accounts.models import Role
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from matching import selectors
from matching.tests.helpers import FAR, NEAR, agrees_to_be_introduced, listing, sam, use_listing_source
from people.models import Introduction
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(transactional_db, make_user, team, monkeypatch):
    if "listing" not in selectors.SOURCES:
        use_listing_source(monkeypatch)
    coordinator = make_user(Role.COORDINATOR, email="lac@example.org", teams=[team])
    person = sam(team, coordinator, needs_free=True)
    garden = listing(
        "Old Trafford community garden",
        "A friendly garden club for meeting people: gardening, meeting people and making friends.",
        NEAR,
        venue="Old Trafford Methodist Hall",
        wednesday_mornings=True,
    )
    listing("Chess club", "Chess and draughts for all abilities.", FAR, venue="Stretford library")
    pat = PersonFactory(
        team=team, full_name="Patricia Gallagher", what_matters="Gardening, growing vegetables"
    )
    agrees_to_be_introduced(pat)
    return {"coordinator": coordinator, "person": person, "garden": garden}


def test_a_coordinator_sees_suggestions_with_reasons_and_introduces_from_one(page, axe, scene):
    person = scene["person"]
    sign_in_on_page(page, scene["coordinator"])
    page.goto(f"/people/{person.pk}/")
    panel = page.locator(".ck-suggestion")
    assert panel.count() == 3
    assert "which Sam said" in panel.first.inner_text()
    axe(page)

    page.click("text=All suggestions for Sam")
    assert page.locator("h1").inner_text() == "Suggestions for Sam"
    garden = page.locator(".ck-suggestion", has_text="Old Trafford community garden")
    reasons = garden.inner_text()
    assert "Gardening and meeting people, which Sam said matter" in reasons
    assert "0.4 miles" in reasons and "Wednesdays 10–12, when Sam is free" in reasons
    assert "Patricia" in page.locator("main").inner_text()
    assert "Gallagher" not in page.locator("main").inner_text()  # first names only
    axe(page)
    screenshot_for_guide(page, "suggestions")

    garden.locator("button", has_text="Introduce").click()
    assert page.locator("h1").inner_text().startswith("Samuel Okafor")
    assert (
        "is introduced to Old Trafford community garden"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    introductions = page.locator("table", has_text="Where it stands")
    assert "Old Trafford community garden" in introductions.inner_text()
    assert "Suggested" in introductions.inner_text()
    assert Introduction.objects.get(person=person).listing == scene["garden"]
    axe(page)


def test_dismissing_a_suggestion_with_a_reason_and_bringing_it_back(page, axe, scene):
    person = scene["person"]
    sign_in_on_page(page, scene["coordinator"])
    page.goto(f"/suggestions/people/{person.pk}/")
    page.locator(".ck-suggestion", has_text="Chess club").locator("text=Not for them").click()
    assert page.locator("h1").inner_text() == "Why is “Chess club” not for Sam?"
    page.click("button:has-text('Dismiss the suggestion')")
    assert "Choose why it is not for them" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.check("text=Can't get there")
    page.fill("#id_note", "Two buses")
    page.click("button:has-text('Dismiss the suggestion')")
    assert page.locator(".ck-suggestion", has_text="Chess club").count() == 0
    assert "can't get there (Two buses)" in page.locator("main").inner_text()
    axe(page)
    page.click("button:has-text('Bring back')")
    assert page.locator(".ck-suggestion", has_text="Chess club").count() == 1


def test_the_weights_page_explains_each_factor(page, axe, scene):
    sign_in_on_page(page, scene["coordinator"])
    page.goto(f"/suggestions/people/{scene['person'].pk}/")
    page.click("text=How suggestions are ranked")
    assert page.locator("h1").inner_text() == "How suggestions are ranked"
    assert "compared by meaning" in page.locator("main").inner_text()
    axe(page)


def test_the_suggestion_pages_fit_a_phone(browser, live_server, axe, scene):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        sign_in_on_page(page, scene["coordinator"])
        person = scene["person"]
        for path in (
            f"/people/{person.pk}/",
            f"/suggestions/people/{person.pk}/",
            f"/suggestions/people/{person.pk}/dismiss/?key=listing:x&title=Chess+club",
            "/suggestions/weights/",
            f"/people/{person.pk}/introductions/add/",
        ):
            page.goto(path)
            assert_fits_width(page)
            axe(page)
        page.goto(f"/suggestions/people/{person.pk}/")
        screenshot_for_guide(page, "suggestions")
    finally:
        context.close()
