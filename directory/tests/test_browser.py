"""The directory's pages in Chromium: axe-clean, and usable without JavaScript and on a phone."""

from datetime import time

import pytest
from django.utils import timezone

from accounts.models import Role
from common.testing import PASSWORD, assert_fits_width, screenshot_for_guide, sign_in_on_page
from directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory, TaxonomyTermFactory
from places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def listing(transactional_db):
    PostcodeFactory(postcode="M32 0TH", latitude=53.4465, longitude=-2.3076)
    hall = LocationFactory(
        name="St Hilda's Hall",
        latitude=53.4470,
        longitude=-2.3076,
        wheelchair_accessible=True,
        accessibility="Step-free entrance.",
    )
    service = ServiceFactory(
        name="Tuesday lunch club",
        description="Hot food and company",
        at=[hall],
        how_to_join="Just turn up.",
        phone="0161 000 0000",
        categories=[TaxonomyTermFactory(name="Food", slug="food")],
    )
    ScheduleFactory(
        service=service,
        byday="TU",
        opens_at=time(12),
        closes_at=time(14),
        description="Tuesdays, 12pm to 2pm",
    )
    return service


def test_search_pages_are_accessible(page, axe, listing):
    page.goto("/directory/")
    axe(page)
    page.fill("#id_q", "lunch")
    page.fill("#id_postcode", "M32 0TH")
    page.select_option("#id_day", "1")
    page.check("#id_free")
    page.click("button:has-text('Search')")
    assert page.locator("#results-heading").inner_text() == "1 result"
    axe(page)
    page.goto("/directory/?postcode=nowhere")
    assert "is not a UK postcode" in page.locator(".govuk-error-summary").inner_text()
    axe(page)


def test_listing_and_organisation_pages_are_accessible(page, axe, listing):
    page.goto(f"/directory/listings/{listing.pk}/")
    assert page.locator("h1").inner_text() == "Tuesday lunch club"
    axe(page)
    page.click(f"text={listing.provider.name}")
    assert page.locator("h1").inner_text() == listing.provider.name
    axe(page)


def test_reporting_a_problem_is_accessible_from_start_to_finish(page, axe, listing):
    page.goto(f"/directory/listings/{listing.pk}/")
    page.click("text=Report a problem with this listing")
    axe(page)
    page.click("button:has-text('Send report')")
    assert "Choose what is wrong" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.check("text=The days or times are wrong")
    page.click("button:has-text('Send report')")
    assert page.locator("h1").inner_text() == "Thank you"
    axe(page)


def test_editor_pages_are_accessible(page, axe, listing, make_user):
    make_user(Role.ORGANISATION_EDITOR, email="editor@example.org", organisation=listing.owner)
    page.goto("/account/sign-in/")
    page.fill("#id_username", "editor@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto("/directory/manage/")
    assert page.locator("h1").inner_text() == "Your listings"
    axe(page)
    page.click("text=Tuesday lunch club")
    assert page.locator("h1").inner_text() == "Change Tuesday lunch club"
    axe(page)
    page.fill("#id_listing-name", "")
    page.fill("#id_session-closes_at", "09:00")
    page.click("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the name of the group or activity" in summary and "The end time must be after" in summary
    axe(page)


def test_search_works_without_javascript(no_js_page, listing):
    no_js_page.goto("/directory/")
    no_js_page.fill("#id_q", "lunch")
    no_js_page.click("button:has-text('Search')")
    no_js_page.click("text=Tuesday lunch club")
    assert no_js_page.locator("h1").inner_text() == "Tuesday lunch club"


def test_search_results_fit_a_phone(phone_page, axe, listing):
    phone_page.goto("/directory/?q=lunch&postcode=M32+0TH")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe(phone_page)


@pytest.mark.parametrize("tab, width", [("page", 1024), ("phone_page", 390)])
def test_editor_moves_a_session_to_another_day_and_the_public_page_follows(
    request, tab, width, listing, make_user, axe
):
    """An organisation editor moves the lunch club from Tuesdays to Wednesdays. Their note still
    says Tuesdays: the page saves the change and warns them; they put the note right and save; the
    public page leads with Wednesday. At a desktop's width and at a phone's 390 px."""
    page = request.getfixturevalue(tab)
    page.set_viewport_size({"width": width, "height": 844})
    editor = make_user(Role.ORGANISATION_EDITOR, email="editor@example.org", organisation=listing.owner)
    sign_in_on_page(page, editor)

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto("/directory/manage/")
    page.click("text=Tuesday lunch club")
    page.get_by_label("Tuesday", exact=True).uncheck()
    page.get_by_label("Wednesday", exact=True).check()
    page.click("button:has-text('Save')")

    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Tuesday lunch club is saved. Check its note about when. The note says Tuesday," in banner
    warning = page.locator("#note-warning").inner_text()
    assert "The note says Tuesday, but no session is on a Tuesday." in warning
    assert page.get_by_label("Wednesday", exact=True).is_checked()
    axe(page)
    fits()

    page.get_by_label("Note about when (optional)").fill("Wednesdays, 12pm to 2pm. Not in August.")
    page.click("button:has-text('Save')")
    assert page.locator("h1").inner_text() == "Your listings"
    assert "Tuesday lunch club is saved." in page.locator(".govuk-notification-banner").inner_text()
    row = page.locator("tr", has_text="Tuesday lunch club").inner_text()
    assert f"{timezone.localdate():%-d %b %Y}" in row  # saving it was checking it
    axe(page)
    fits()

    page.goto(f"/directory/listings/{listing.pk}/")
    sessions = page.locator(".ck-session").inner_text()
    assert sessions.startswith("Every Wednesday, 12:00 to 14:00.")
    assert "Note: Wednesdays, 12pm to 2pm. Not in August." in sessions
    assert page.locator("ul.govuk-list--bullet li").first.inner_text().startswith("Wednesday")
    axe(page)
    fits()


def test_sessions_the_editors_form_cannot_show_are_listed_accessibly(page, axe, listing, make_user):
    ScheduleFactory(service=listing, byday="TH", interval=2)  # a second session: the form keeps both
    sign_in_on_page(page, make_user(Role.ORGANISATION_EDITOR, organisation=listing.owner))
    page.goto(f"/directory/manage/{listing.pk}/")
    assert "Every other week on Thursday, 10:00 to 12:00." in page.locator("main").inner_text()
    page.get_by_label("Friday", exact=True).check()
    page.click("button:has-text('Save')")
    assert "Tick this to replace the sessions above" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "id_session-replace"


def test_the_filter_opens_and_searches_without_javascript(no_js_page, listing):
    no_js_page.goto("/directory/?q=lunch")
    assert no_js_page.locator("#results-heading").inner_text() == "1 result"
    assert not no_js_page.locator("#id_postcode").is_visible(), (
        "the filter starts closed once there are results"
    )
    no_js_page.click("summary:has-text('Filter')")
    no_js_page.fill("#id_q", "nothing like it")
    no_js_page.click("button:has-text('Search')")
    assert no_js_page.locator("#results-heading").inner_text() == "0 results"


def test_on_a_phone_results_come_first_and_outside_the_district_is_answered_kindly(
    browser, live_server, axe, listing
):
    line = ServiceFactory(name="Carers' line", phone="0161 912 2000")
    line.service_areas.create(name="Trafford", area_code="E08000009")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    phone = context.new_page()
    try:
        phone.goto("/directory/?q=lunch&postcode=M32+0TH")
        results = phone.locator("#results-heading").bounding_box()
        filter_ = phone.locator("summary:has-text('Filter')").bounding_box()
        assert results and filter_ and results["y"] < filter_["y"], "the results come before the filter"
        assert_fits_width(phone)
        axe(phone)
        screenshot_for_guide(phone, "directory-search-phone")
        phone.click("summary:has-text('Filter')")
        phone.fill("#id_postcode", "sw1a 1aa")
        phone.fill("#id_q", "")
        phone.click("button:has-text('Search')")
        assert phone.locator("#outside-district").inner_text() == (
            "SW1A 1AA is outside Trafford; showing support that serves the whole district and online."
        )
        assert phone.locator("#results-heading").inner_text() == "1 result"
        assert_fits_width(phone)
        axe(phone)
        screenshot_for_guide(phone, "directory-search-outside-phone")
        phone.click("text=Carers' line")
        assert phone.locator("a[href='tel:01619122000']").inner_text() == "0161 912 2000"
        assert_fits_width(phone)
        axe(phone)
    finally:
        context.close()
