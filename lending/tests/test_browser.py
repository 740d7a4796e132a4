"""Lending pages in Chromium: axe-clean, including a form with errors; the coordinator adding an
item and booking it, at desktop and phone widths."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Organisation
from accounts.tests.factories import OrganisationFactory
from common.testing import PASSWORD, assert_fits_width, screenshot_for_guide, sign_in_on_page
from lending import services
from lending.models import Item
from lending.tests.factories import make_item

pytestmark = pytest.mark.browser


def test_lending_pages_are_accessible(page, axe, transactional_db):
    item, coordinator = make_item(
        service_every_months=6, last_serviced_on=timezone.localdate() - timedelta(days=400)
    )
    coordinator.email = "coord@example.org"
    coordinator.save()
    services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=3),
        name="Edna",
        contact="07700 900123",
    )
    page.goto("/account/sign-in/")
    page.fill("#id_username", "coord@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto("/lending/")
    assert page.locator("h1").inner_text() == "Lending"
    axe(page)
    page.click(f"text={item.name}")
    assert "Servicing is overdue" in page.content()
    axe(page)
    page.click("button:text-is('Book')")
    assert "Enter the borrower" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.click("a.govuk-button:has-text('Lend')")
    page.check("input[value='good']")
    page.check("#id_agreement_signed")
    page.click("button:has-text('Lend')")
    assert "cannot be lent until the service is recorded" in page.locator(".govuk-error-summary").inner_text()
    axe(page)


@pytest.mark.parametrize("width", ["page", "phone_page"])
def test_the_lending_coordinators_story(request, axe, transactional_db, width):
    """The coordinator adds a donated wheelchair from the dashboard and books it for someone."""
    page = request.getfixturevalue(width)
    if width == "phone_page":
        page.set_viewport_size({"width": 390, "height": 844})
    item, coordinator = make_item()
    OrganisationFactory(name="Sale Mobility Repairs", kind=Organisation.Kind.BUSINESS)
    sign_in_on_page(page, coordinator)
    page.goto("/lending/")
    page.click("a:has-text('Add an item')")
    page.click("button:has-text('Save')")
    assert "Give the item a name" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.fill("#id_name", "Wheelchair 2 (folding)")
    page.fill("#id_kind", "wheelchair")
    page.fill("#id_donated_by", "Sale Rotary Club")
    page.fill("#id_kept_at", "The parish office")
    page.fill("#id_service_every_months", "6")
    page.select_option("#id_service_provider", label="Sale Mobility Repairs")
    page.fill("#id_last_serviced_on", (timezone.localdate() - timedelta(days=10)).isoformat())
    assert_fits_width(page)
    screenshot_for_guide(page, "lending-item-form")
    page.click("button:has-text('Save')")
    assert "Wheelchair 2 (folding) is saved." in page.content()
    assert page.locator("h1").inner_text() == "Wheelchair 2 (folding)"
    axe(page)
    page.fill("#id_name", "Edna Price")
    page.fill("#id_contact", "07700 900123")
    page.fill("#id_starts_on", (timezone.localdate() + timedelta(days=1)).isoformat())
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.click("button:text-is('Book')")
    assert "Booked." in page.content() and "Edna Price" in page.locator("main").inner_text()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "lending-item-booked")
    assert Item.objects.get(name="Wheelchair 2 (folding)").reservations.count() == 1


@pytest.mark.parametrize("width", [1024, 390])
def test_a_resident_asks_to_borrow_and_the_coordinator_accepts(browser, live_server, axe, width):
    """Signed out, a resident finds a scooter on the Borrow page, signs in to ask, asks for some
    days (getting a date wrong first), and sees it waiting; the scheme's coordinator accepts it."""
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from lending.models import Reservation

    item, coordinator = make_item(description="A small scooter that folds for a car boot.")
    Item.objects.create(
        organisation=OrganisationFactory(name="Sale Rotary Club"),
        name="Wheelchair (self-propelled)",
        kind="wheelchair",
        description="Lent for a few weeks after a hospital stay.",
    )
    services.reserve(
        coordinator,
        item,
        starts_on=timezone.localdate() + timedelta(days=2),
        ends_on=timezone.localdate() + timedelta(days=6),
        name="Edna Private",
        contact="07700 900123",
    )
    resident = UserFactory(role=Role.RESIDENT, full_name="Rita Borrower", email="rita@example.org")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto("/lending/borrow/")
    assert page.locator("h1").inner_text() == "Borrow"
    assert "Edna" not in page.content()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "lending-borrow")
    page.click(f"text={item.name}")
    assert "Booked" in page.content() and "Edna" not in page.content()
    axe(page)
    assert_fits_width(page)
    page.click("text=Sign in to ask")
    page.fill("#id_username", resident.email)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    assert page.locator("h1").inner_text() == f"Ask to borrow {item.name}"
    assert page.input_value("#id_contact") == "rita@example.org"
    page.fill("#id_starts_on", (timezone.localdate() + timedelta(days=9)).isoformat())
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=12)).isoformat())
    page.fill("#id_note", "For my sister's visit.")
    screenshot_for_guide(page, "lending-ask")
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=8)).isoformat())
    page.click("button:has-text('Ask to borrow it')")
    assert "on or after the start date" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    assert_fits_width(page)
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=12)).isoformat())
    page.click("button:has-text('Ask to borrow it')")
    assert page.locator("h1").inner_text() == "Your loans"
    assert "Waiting for an answer" in page.content()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "lending-your-loans")
    context.close()

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_on_page(page, coordinator)
    page.goto("/lending/")
    assert "Rita Borrower" in page.content() and "For my sister" in page.content()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "lending-requests")
    page.click("button:has-text('Accept')")
    assert "Booked for Rita Borrower" in page.content()
    assert Reservation.objects.get(borrower=resident).status == Reservation.Status.RESERVED
    axe(page)
    context.close()
