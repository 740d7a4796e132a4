"""In Chromium at a phone's width (390 px): a council's finance officer finds a person by the record
reference on their page, sets up their budget (getting the amount wrong first), adds a line and
records a payment in. Every page axe-clean with no sideways scroll."""

import pytest
from django.utils import timezone

from accounts.tests.factories import TeamFactory
from care.models import LedgerEntry, PersonalBudget
from care.tests.budget_factories import make_council, make_finance_officer, make_provider
from common.testing import assert_fits_width, sign_in_on_page
from people.models import Goal
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _check(page, axe):
    axe(page)
    assert_fits_width(page)


def test_a_finance_officer_sets_up_a_budget_adds_a_line_and_pays_in_on_a_phone(
    browser, live_server, axe, transactional_db
):
    council = make_council("Trafford Council")
    officer = make_finance_officer(council)
    person = PersonFactory(team=TeamFactory(organisation=council), full_name="Joan Whitworth")
    Goal.objects.create(person=person, description="Get to the lunch club twice a week")
    make_provider("Stretford Neighbours Together")
    today = timezone.localdate()

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_on_page(page, officer, two_factor=True)
    page.goto("/")
    assert page.locator("nav a:has-text('Council budgets')").count() == 1
    page.goto("/care/finance/")
    _check(page, axe)
    page.click("a:has-text('Set up a budget')")
    _check(page, axe)
    page.fill("#id_reference", "not a reference")
    page.click("button:has-text('Find the person')")
    assert "Enter the record reference" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_reference", str(person.pk))
    page.click("button:has-text('Find the person')")
    assert "Joan Whitworth" in page.locator(".govuk-caption-l").inner_text()
    _check(page, axe)

    page.check("input[name=kind][value=isf]")
    page.select_option("#id_provider", label="Stretford Neighbours Together")
    page.fill("#id_annual_pence", "ten thousand")
    page.fill("#id_weekly_contribution_pence", "25")
    page.fill("#id_outcomes", "To get out to the lunch club twice a week.")
    page.check("input[name=goals]")
    page.fill("#id_starts_on", today.isoformat())
    page.click("button:has-text('Set up the budget')")
    assert "Enter the annual amount in pounds and pence" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_annual_pence", "10400")
    page.click("button:has-text('Set up the budget')")
    assert "The budget is set up: £10,400 a year, £200 a week." in page.content()
    budget = PersonalBudget.objects.get()
    _check(page, axe)

    page.click("a:has-text('Add a line')")
    _check(page, axe)
    page.select_option("#id_kind", value="pa_hours")
    page.fill("#id_description", "Ann (PA)")
    page.fill("#id_allocated_pence", "8000")
    page.click("button:has-text('Add the line')")
    assert "Line added: £8,000 for the year." in page.content()
    assert budget.lines.get().allocated_pence == 800_000

    page.click("a:has-text('Record a payment in')")
    _check(page, axe)
    page.fill("#id_amount", "800")
    page.fill("#id_evidence", "BACS-2026-11")
    page.fill("#id_occurred_on", today.isoformat())
    page.click("button:has-text('Record the payment')")
    assert "Payment in of £800 recorded." in page.content()
    assert LedgerEntry.objects.get(kind="payment_in").evidence == "BACS-2026-11"
    _check(page, axe)
    context.close()
