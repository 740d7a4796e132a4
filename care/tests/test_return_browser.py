"""In Chromium at a phone's width (390 px): a direct payment's representative submits a quarterly
return (getting it wrong first); the council's finance officer, signed in with a second factor,
opens the submitted return and queries it; the representative answers; the officer closes it.
Every page axe-clean with no sideways scroll."""

from datetime import date

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from care import budget_services, return_services
from care.models import PersonalBudget, QuarterlyReturn
from care.tests.budget_factories import make_budget, officer_of
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


def _text(page):
    return " ".join(page.locator("main").inner_text().split())


def test_the_officer_queries_a_submitted_return_the_representative_answers_and_the_officer_closes_it(
    browser, live_server, axe, transactional_db
):
    representative = UserFactory(role=Role.RESIDENT, full_name="Maya Brooks")
    budget = make_budget(kind=PersonalBudget.Kind.DIRECT_PAYMENT, representative=representative)
    officer = officer_of(budget)
    budget_services.pay_in(officer, budget, amount_pence=80_000, occurred_on=date(2026, 5, 1))
    return_services.open_returns(date(2026, 7, 15))  # April to June 2026
    budget_return = QuarterlyReturn.objects.get(budget=budget)
    url = f"/care/budgets/returns/{budget_return.pk}/"

    # The representative submits it, leaving out the evidence first.
    rep, rep_page = _phone(browser, live_server)
    sign_in_on_page(rep_page, representative)
    rep_page.goto(f"/care/budgets/{budget.pk}/")
    rep_page.click("a:has-text('Quarterly returns')")
    _check(rep_page, axe)
    rep_page.click(f"a[href='{url}']")
    assert "Overdue" in _text(rep_page)
    _check(rep_page, axe)
    rep_page.click("a:has-text('Submit the return')")
    assert rep_page.locator("h1").inner_text() == "Submit the return"
    _check(rep_page, axe)
    rep_page.fill("#id_statement_balance", "790")
    rep_page.click("button:has-text('Submit the return')")
    assert "at least one bank statement" in rep_page.locator(".govuk-error-summary").inner_text()
    _check(rep_page, axe)
    rep_page.fill("#id_evidence", "Statement 30/06/2026\nINV-0612")
    rep_page.click("button:has-text('Submit the return')")
    assert "The return is submitted." in _text(rep_page)
    assert "The statement shows £10 less than the ledger" in _text(rep_page)
    _check(rep_page, axe)

    # The finance officer, with a second factor, finds it among the submitted and queries it.
    fo, fo_page = _phone(browser, live_server)
    sign_in_on_page(fo_page, officer, two_factor=True)
    fo_page.goto("/care/budgets/returns/")
    fo_page.click("a:has-text('Submitted or answered')")
    _check(fo_page, axe)
    fo_page.click(f"a[href='{url}']")
    assert "Quarterly return: April to June 2026" in _text(fo_page)
    _check(fo_page, axe)
    fo_page.click("a:has-text('Ask a question')")
    _check(fo_page, axe)
    fo_page.click("button:has-text('Send the question')")
    assert "Enter your question" in fo_page.locator(".govuk-error-summary").inner_text()
    fo_page.fill("#id_question", "The statement shows £10 less. What was it?")
    fo_page.click("button:has-text('Send the question')")
    assert "Your question is sent." in _text(fo_page)
    _check(fo_page, axe)
    budget_return.refresh_from_db()
    assert budget_return.state == "queried"

    # The representative answers.
    rep_page.goto(url)
    assert "The statement shows £10 less. What was it?" in _text(rep_page)
    rep_page.click("a:has-text('Answer the question')")
    _check(rep_page, axe)
    rep_page.fill("#id_answer", "The bank's charge for the quarter.")
    rep_page.click("button:has-text('Send the answer')")
    assert "Your answer is sent to the council." in _text(rep_page)
    rep.close()

    # The officer reads the answer and closes the return.
    fo_page.goto(url)
    assert "The bank's charge for the quarter." in _text(fo_page)
    fo_page.click("button:has-text('Accept and close the return')")
    assert "The return is closed." in _text(fo_page)
    _check(fo_page, axe)
    budget_return.refresh_from_db()
    assert budget_return.state == "closed" and budget_return.closed_by == officer
    fo.close()
