"""A resident finds suggestions on a phone: from the directory, through the form, to suggestions with
reasons addressed to them; no sideways scroll at 390 px, axe-clean, and the same without JavaScript."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import OrganisationFactory
from common.testing import assert_fits_width, screenshot_for_guide
from directory.tests.factories import LocationFactory
from places.tests.factories import PostcodeFactory
from volunteering.models import Shift
from volunteering.tests.factories import make_opportunity

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def _wednesday_at_ten() -> datetime:
    day = timezone.localdate() + timedelta(days=2)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def garden(transactional_db):
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    glasshouse = LocationFactory(
        name="Longford Park glasshouse", latitude=53.4530, longitude=-2.3020, wheelchair_accessible=True
    )
    opportunity, _ = make_opportunity(
        organisation=OrganisationFactory(name="Friends of Longford Park"),
        title="Community garden volunteer",
        description="Growing vegetables and flowers in raised beds, with a cuppa and a chat.",
        skills_wanted="Gardening",
        venue=glasshouse,
        place="",
    )
    starts = _wednesday_at_ten()
    Shift.objects.create(
        opportunity=opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2), places=4
    )
    return opportunity


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def resident_phone(request, browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=request.param == "with JavaScript"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_resident_on_a_phone_gets_suggestions_with_reasons(request, resident_phone, axe, garden):
    page = resident_phone
    scripts = "with JavaScript" in request.node.callspec.id

    def measure() -> None:
        """No sideways scroll and nothing axe finds (measured by script, so with JavaScript on)."""
        if scripts:
            assert_fits_width(page)
            axe(page)

    page.goto("/directory/")
    page.click("text=get suggestions that fit you")
    assert page.locator("h1").inner_text() == "Find things near you that fit what you like"
    measure()

    page.click("button:has-text('Show suggestions')")  # nothing said yet
    assert "Enter what you like doing" in page.locator(".govuk-error-summary").inner_text()
    measure()

    # A long unbroken word too: it must wrap, not push the page sideways.
    page.fill("#id_likes", "Growing vegetables and meeting people, " + "x" * 120)
    page.fill("#id_postcode", "M32 0TH")
    page.check("text=Wednesday morning")
    page.check("text=Step-free access")
    page.click("button:has-text('Show suggestions')")

    assert page.locator("#suggestions-heading").inner_text() == "1 suggestion for you"
    result = page.locator(".ck-result").first
    reasons = result.inner_text()
    assert "Growing vegetables, which you said matters to you" in reasons
    assert "0.5 miles" in reasons
    assert "Wednesdays 10–12, when you are free" in reasons
    assert "step-free access" in reasons
    assert "?" not in page.url and page.url.endswith("/directory/suggestions/")  # the words are not in it
    measure()
    screenshot_for_guide(page, "phone-suggestions-for-you")
    assert settings.SESSION_COOKIE_NAME not in {c["name"] for c in page.context.cookies()}

    result.locator("a").click()
    assert page.locator("h1").inner_text() == "Community garden volunteer"


def test_the_home_page_leads_to_the_form(page, garden):
    page.goto("/")
    page.click("text=Find things that fit what you like and when you are free")
    assert page.url.endswith("/directory/suggestions/")
