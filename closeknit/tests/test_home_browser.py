"""The front door, What's on and the district figures in Chromium, at a desk and on a phone: nothing
scrolls sideways, axe finds nothing, and the pictures for the user guide."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from directory.tests.factories import ScheduleFactory, ServiceFactory
from places.services import refresh_district_summary
from places.tests.factories import NeighbourhoodFactory, PostcodeFactory
from volunteering import services as volunteering_services
from volunteering.models import Event
from volunteering.tests.factories import make_opportunity, make_shift

pytestmark = pytest.mark.browser

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SIZES = [(1024, 800), (390, 800)]


@pytest.fixture
def week(transactional_db):
    """A district with groups meeting, an evening of stalls and a shift with places this week."""
    organisation = OrganisationFactory(name="Sale Community Hub")
    for name, opens in [
        ("Knit and natter", time(10, 30)),
        ("Men's shed", time(14, 0)),
        ("Community choir", time(19, 0)),
    ]:
        ScheduleFactory(
            service=ServiceFactory(name=name),
            byday=",".join(WEEKDAYS),
            opens_at=opens,
            closes_at=time(opens.hour + 1, opens.minute),
            description="Drop in, no need to book",
        )
    starts = (timezone.localtime() + timedelta(days=2)).replace(hour=18, minute=0, second=0, microsecond=0)
    Event.objects.create(
        title="Volunteering evening",
        organisation=organisation,
        place="Sale library",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    shift = make_shift(make_opportunity(organisation, title="Café helper")[0], places=4, days=3)
    volunteering_services.sign_up(shift, name="Harriet Volunteer", email="harriet@example.org")
    postcode = PostcodeFactory(postcode="M32 0TH", ward__name="Gorse Hill", lsoa__imd_decile=2)
    NeighbourhoodFactory(name="North").wards.add(postcode.ward)
    refresh_district_summary()


@pytest.mark.parametrize("width, height", SIZES)
def test_public_home_fits_and_is_accessible(page, axe, week, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/")
    assert page.locator("h1").inner_text() == "Local support, built from what your place already has"
    assert page.locator(".ck-whats-on li").count() == 5
    assert "Harriet" not in page.content()
    assert_fits_width(page)
    axe(page)
    screenshot_for_guide(page, "home")


@pytest.mark.parametrize("width, height", SIZES)
def test_whats_on_fits_and_is_accessible(page, axe, week, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/whats-on/")
    assert page.locator("h1").inner_text() == "What's on"
    assert "Volunteering evening" in page.locator("main").inner_text()
    assert_fits_width(page)
    axe(page)
    screenshot_for_guide(page, "whats-on")
    page.goto("/whats-on/?from=banana")
    assert "The first day must be a real date" in page.locator(".govuk-error-summary").inner_text()
    assert_fits_width(page)
    axe(page)


@pytest.mark.parametrize("width, height", SIZES)
def test_district_page_fits_and_is_accessible(page, axe, week, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/places/district/")
    assert page.locator("h1").inner_text() == "District figures"
    assert "North" in page.locator("main").inner_text()
    assert_fits_width(page)
    axe(page)
    screenshot_for_guide(page, "district-figures")


def test_next_week_and_the_home_search_work_without_javascript(no_js_page, week):
    no_js_page.goto("/whats-on/")
    no_js_page.click("text=Next week")
    assert "from=" in no_js_page.url
    no_js_page.goto("/")
    no_js_page.fill("#home-q", "choir")
    no_js_page.fill("#home-postcode", "banana")
    no_js_page.click("button:has-text('Search')")
    assert "/directory/" in no_js_page.url and "q=choir" in no_js_page.url


@pytest.mark.parametrize("width, height", SIZES)
def test_resident_home_fits_and_is_accessible(page, axe, make_user, week, width, height):
    page.set_viewport_size({"width": width, "height": height})
    resident = make_user(Role.RESIDENT, email="rita@example.org", full_name="Rita Resident")
    shift = make_shift(make_opportunity(OrganisationFactory(), title="Garden helper")[0], days=4)
    volunteering_services.sign_up(shift, user=resident)
    sign_in_on_page(page, resident)
    page.goto("/")
    assert page.locator("h1").inner_text() == "Hello, Rita"
    assert "Garden helper" in page.locator(".ck-next-things").inner_text()
    assert_fits_width(page)
    axe(page)
    screenshot_for_guide(page, "home-resident")
