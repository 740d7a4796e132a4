"""Micro-provider pages in Chromium at a phone's width (390 px): every page axe-clean with no
sideways scroll, forms with errors included; a coordinator finds a provider near a person from the
person's page and sends a contact request that reaches the provider's editor."""

import pytest
from django.core import mail

from accounts.models import User
from care.models import ContactRequest, ProviderEnquiry
from care.tests.provider_factories import make_provider, make_team, postcode
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.browser


def _phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def _scene():
    team, coordinator = make_team()
    home = postcode("M33 7XZ")
    person = PersonFactory(team=team, full_name="Edna Marsh", postcode=home)
    mp = make_provider(
        team, coordinator, name="Ann's Helping Hands", base=postcode("M33 2AA", miles_north=1.2),
        workers=(("Bea Worker", "support worker"),), languages=("English", "Urdu"),
    )  # fmt: skip
    make_provider(team, coordinator, name="Far Away Care", base=postcode("M33 3AA", miles_north=2.5))
    ProviderEnquiry.objects.create(team=team, name="Cara Newby", contact="0161 555 0000")
    return team, coordinator, person, mp


def test_a_coordinator_finds_a_provider_near_a_person_and_sends_a_contact_request(
    page, axe, transactional_db
):
    team, coordinator, person, mp = _scene()
    _phone(page)
    sign_in_on_page(page, coordinator)
    page.goto(f"/people/{person.pk}/")
    page.click("a:has-text('Find care and support near Edna')")
    assert page.locator("#id_postcode").input_value() == "M33 7XZ"
    page.select_option("#id_need", "companionship")
    page.fill("#id_language", "Urdu")
    page.click("button:has-text('Search')")
    cards = page.locator(".govuk-summary-card")
    assert cards.count() == 1
    assert "1.2 miles" in cards.first.inner_text() and "speaks Urdu" in cards.first.inner_text()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "care-find-support")
    page.click('a:has-text("Ann\'s Helping Hands")')
    assert "DBS check (owner): checked on" in page.content()
    assert "Bea Worker" not in page.content()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "care-provider-page")
    page.click("a:has-text('Ask them to contact you')")
    page.click("button:has-text('Send the request')")
    assert "Enter the name of who the support is for" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    assert_fits_width(page)
    page.fill("#id_name", "Edna Marsh")
    page.fill("#id_contact", "0161 555 0123")
    page.click("button:has-text('Send the request')")
    assert "Your request has been sent to Ann" in page.content()
    assert ContactRequest.objects.get().name == "Edna Marsh"
    editor = User.objects.get(organisation=mp.provider.owner)
    assert [m.to for m in mail.outbox] == [[editor.email]]


def test_the_coordinators_pages_are_accessible_and_fit_a_phone(page, axe, transactional_db):
    team, coordinator, person, mp = _scene()
    enquiry = ProviderEnquiry.objects.get()
    _phone(page)
    sign_in_on_page(page, coordinator)
    for name, url in {
        "care-providers": "/care/providers/",
        "care-provider-checks": f"/care/providers/{mp.pk}/checks/",
        "care-pipeline": "/care/providers/pipeline/",
        "care-enquiry": f"/care/providers/pipeline/{enquiry.pk}/",
        "care-find": "/care/providers/find/",
    }.items():
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        axe(page)
        assert_fits_width(page)
        screenshot_for_guide(page, name)
    # Forms drawn again with their errors.
    for url, button in (
        (f"/care/providers/{mp.pk}/checks/", "Record the check"),
        ("/care/providers/pipeline/", "Add the enquiry"),
        (f"/care/providers/pipeline/{enquiry.pk}/", "Record the session"),
        ("/care/providers/find/?postcode=nowhere", None),
    ):
        page.goto(url)
        if button:
            page.click(f"button:has-text('{button}')")
        assert page.locator(".govuk-error-summary").is_visible(), url
        axe(page)
        assert_fits_width(page)
