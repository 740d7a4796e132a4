"""In Chromium at a phone's width (390 px): the ISF provider records spending (getting the amount
wrong first) and a person's representative reads the month's statement. Every page axe-clean with
no sideways scroll."""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from care.models import LedgerEntry
from care.tests.budget_factories import editor_of, make_budget
from common.testing import assert_fits_width, sign_in_on_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _check(page, axe):
    axe(page)
    assert_fits_width(page)


def test_the_provider_records_spending_and_the_representative_reads_the_statement(
    browser, live_server, axe, transactional_db
):
    representative = UserFactory(role=Role.RESIDENT, full_name="Maya Brooks")
    budget = make_budget(representative=representative, paid_in=80_000)
    today = timezone.localdate()

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, editor_of(budget), two_factor=True)
    page.goto("/care/budgets/")
    _check(page, axe)
    page.click(f"a[href='/care/budgets/{budget.pk}/']")
    _check(page, axe)
    page.click("a:has-text('Record spending')")
    assert page.locator("h1").inner_text() == "Record spending"
    _check(page, axe)
    page.select_option("#id_line", label="Ann (PA)")
    page.fill("#id_amount", "900")  # more than the £800 the budget holds
    page.fill("#id_evidence", "TS-2026-11")
    page.fill("#id_occurred_on", today.isoformat())
    page.fill("#id_hours", "42")
    page.click("button:has-text('Record spending')")
    assert "more than the budget holds (£800 left)" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_amount", "630")
    page.click("button:has-text('Record spending')")
    assert "Spending of £630 recorded." in page.content()
    assert LedgerEntry.objects.filter(kind="spend", amount_pence=-63_000, evidence="TS-2026-11").count() == 1
    _check(page, axe)
    context.close()

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, representative)
    page.goto("/")
    assert page.locator("nav a:has-text('Personal budgets')").count() == 1  # behind the phone's Menu
    page.goto("/care/budgets/")
    page.click(f"a[href='/care/budgets/{budget.pk}/']")
    page.click("a:has-text('This month')")
    text = " ".join(page.locator("main").inner_text().split())
    assert "42 hours with Ann (PA), £630" in text and f"At the end of {today:%B}" in text
    _check(page, axe)
    context.close()
