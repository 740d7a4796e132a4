"""Lending pages in Chromium: axe-clean, including a form with errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.testing import PASSWORD
from lending import services
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
