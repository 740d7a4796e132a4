"""A micro-provider's editor on a 390 px phone: from their page to changing their weekly times (an
overlap refused beside the field, a time added and one removed), axe-clean with no sideways scroll;
the coordinator's register form with its errors, the same."""

import pytest

from accounts.models import User
from care.models import ContactRequest
from care.tests.provider_factories import make_provider, make_team, postcode
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page

pytestmark = pytest.mark.browser


def _phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_a_providers_editor_changes_their_times_on_a_phone(page, axe, transactional_db):
    team, coordinator = make_team()
    mp = make_provider(
        team, coordinator, name="Ann's Helping Hands", workers=(("Bea Worker", "support worker"),)
    )
    ContactRequest.objects.create(micro_provider=mp, name="Edna Marsh", contact="0161 555 0123")
    editor = User.objects.get(organisation=mp.provider.owner)
    _phone(page)
    sign_in_on_page(page, editor, two_factor=True)
    # In the navigation (behind the menu button on a phone).
    assert page.locator("a:has-text('Your care providers')").count() == 1
    page.goto("/care/providers/yours/")
    assert "Edna Marsh" in page.content()
    axe(page)
    assert_fits_width(page)
    page.click("a:has-text('Change what it offers')")
    assert page.locator("h1").inner_text() == "Change its details"
    axe(page)
    assert_fits_width(page)
    # Tuesdays 09:00 to 15:00 already: 14:00 overlaps it.
    page.select_option("#id_time-weekday", "1")
    page.fill("#id_time-starts_at", "14:00")
    page.fill("#id_time-ends_at", "18:00")
    page.click("button:has-text('Add the time')")
    summary = page.locator(".govuk-error-summary")
    assert "overlaps Tuesdays 09:00 to 15:00" in summary.inner_text()
    axe(page)
    assert_fits_width(page)
    page.select_option("#id_time-weekday", "3")
    page.fill("#id_time-starts_at", "10:00")
    page.fill("#id_time-ends_at", "16:00")
    page.click("button:has-text('Add the time')")
    assert "The time is added." in page.content()
    assert [str(s) for s in mp.availability.all()] == ["Tuesdays 09:00 to 15:00", "Thursdays 10:00 to 16:00"]
    page.click("button:has-text('Remove Tuesdays 09:00 to 15:00')")
    assert "The time is removed." in page.content()
    assert [str(s) for s in mp.availability.all()] == ["Thursdays 10:00 to 16:00"]
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "care-provider-change")


def test_the_register_form_and_its_errors_fit_a_phone(page, axe, transactional_db):
    team, coordinator = make_team()
    postcode("M33 7XZ")
    _phone(page)
    sign_in_on_page(page, coordinator)
    page.goto("/care/providers/")
    page.click("a:has-text('Register a micro-provider')")
    axe(page)
    assert_fits_width(page)
    page.fill("#id_name", "Bea's Befrienders")
    page.fill("#id_cqc_number", "CQC 12")
    page.click("button:has-text('Register the provider')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Describe what it does" in summary and "Enter the postcode it works from" in summary
    axe(page)
    assert_fits_width(page)
    page.fill("#id_description", "Companionship in Sale.")
    page.fill("#id_owner_name", "Bea Owner")
    page.check("input[name=offers][value=companionship]")
    page.fill("#id_base_postcode", "M33 7XZ")
    page.fill("#id_covers_postcode_areas", "M33")
    page.fill("#id_price_per_hour_pence", "18.50")
    page.click("button:has-text('Register the provider')")
    assert "1- and then 9 to 11 digits" in page.locator(".govuk-error-summary").inner_text()
    page.fill("#id_cqc_number", "")
    page.click("button:has-text('Register the provider')")
    assert (
        "Bea&#x27;s Befrienders is registered" in page.content()
        or "Befrienders is registered" in page.content()
    )
    assert page.locator("h1").inner_text().startswith("Checks")
