"""In Chromium on the demo district: a group applies on a 390 px phone (screened out first by a
wrong answer, then a draft, a refused preview, the answers, sent once), and the fund officer reads
the closed round and asks about a sent application on a desk. Every page axe-clean
with no sideways scroll; the pictures of the user guide are taken here (CLOSEKNIT_SCREENSHOTS)."""

import pytest
from django.core.management import call_command

from accounts.models import User
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from grants.models import Application, Round

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "closeknit-demo"


def _check(page, axe):
    axe(page)
    assert_fits_width(page)


def test_a_group_applies_on_a_phone_and_the_officer_reads_the_demo_round(
    browser, live_server, axe, transactional_db
):
    call_command("seed_demo", residents=30, verbosity=0)
    autumn = Round.objects.get(name="Autumn round")
    resident = User.objects.get(email="resident3@demo.closeknit.example")

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_on_page(page, resident, password=DEMO_PASSWORD)
    page.goto("/grants/")
    _check(page, axe)
    screenshot_for_guide(page, "grants-home")
    page.click(f"a[href='/grants/rounds/{autumn.pk}/']")
    _check(page, axe)
    screenshot_for_guide(page, "grants-round")
    page.click("a:has-text('Start an application')")
    first, second = autumn.eligibility_questions.all()
    page.check(f"#id_eligibility_{first.pk}_1")  # "No": not based in Trafford
    page.check(f"#id_eligibility_{second.pk}_0")
    page.click("button:has-text('Continue')")
    assert "This fund is for groups in Trafford" in page.locator("#stopped").inner_text()
    _check(page, axe)
    screenshot_for_guide(page, "grants-screened-out")
    page.check(f"#id_eligibility_{first.pk}_0")
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "About you and your project"
    _check(page, axe)
    page.check("input[name='applies_as'][value='group']")
    page.fill("#id_group_name", "Old Trafford Walkers")
    page.fill("#id_postcode", resident.home_postcode_id)
    page.fill("#id_title", "A Sunday walking group")
    page.fill("#id_contact_name", resident.full_name)
    page.click("button:has-text('Start the application')")
    application = Application.objects.get(title="A Sunday walking group")
    _check(page, axe)
    screenshot_for_guide(page, "grants-application")
    page.click("a:has-text('About your project')")
    page.locator("textarea").first.fill("A two-mile walk every Sunday from the library, with tea after.")
    page.click("button:has-text('Save')")
    assert "Saved: About your project." in page.content()
    page.click("a:has-text('Money')")
    amount = autumn.sections.get(title="Money").questions.get(kind="amount")
    page.fill(f"#id_q{amount.pk}", "20")  # below the smallest award
    page.click("button:has-text('Save')")
    assert "ask for between £250 and £5,000" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    screenshot_for_guide(page, "grants-section-error")
    page.fill(f"#id_q{amount.pk}", "400")
    budget = autumn.sections.get(title="Money").questions.get(kind="budget")
    page.fill(f"#id_q{budget.pk}_item_0", "Walk leader training")
    page.fill(f"#id_q{budget.pk}_amount_0", "250")
    page.fill(f"#id_q{budget.pk}_item_1", "First aid kit and maps")
    page.fill(f"#id_q{budget.pk}_amount_1", "150")
    page.click("button:has-text('Save')")
    page.click("a:has-text('Preview and send your application')")
    page.click("button:has-text('Send the application')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "“Who will it help, and how?”: answer this question." in summary
    _check(page, axe)
    screenshot_for_guide(page, "grants-preview-errors")
    page.click(".govuk-error-summary a:has-text('Who will it help')")
    about = autumn.sections.get(title="About your project")
    page.fill(
        f"#id_q{about.questions.filter(kind='text').last().pk}", "Anyone who would like company on a walk."
    )
    page.fill(f"#id_q{about.questions.get(kind='date').pk}", "2027-04-04")
    page.check("input[value='Bringing people together']")
    page.click("button:has-text('Save')")
    page.click("a:has-text('Preview and send your application')")
    _check(page, axe)
    screenshot_for_guide(page, "grants-preview")
    page.click("button:has-text('Send the application')")
    assert "Your application is sent" in page.content()
    _check(page, axe)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.amount_requested_pence == 40_000
    context.close()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_on_page(page, User.objects.get(email="grants@demo.closeknit.example"), password=DEMO_PASSWORD)
    spring = Round.objects.get(name="Spring round")
    page.goto("/grants/funds/")
    _check(page, axe)
    screenshot_for_guide(page, "grants-funds")
    page.click(f"a[href='/grants/rounds/{spring.pk}/manage/']")
    _check(page, axe)
    screenshot_for_guide(page, "grants-manage-round")
    page.click("a:has-text('Preview the form as applicants see it')")
    _check(page, axe)
    screenshot_for_guide(page, "grants-preview-round")
    # The parish council's timebank is awarded in the demo: the seed library, sent, can be asked more.
    seeds = Application.objects.get(title="A seed library")
    page.goto(f"/grants/applications/{seeds.pk}/")
    _check(page, axe)
    page.click("a:has-text('Ask for more information')")
    _check(page, axe)
    screenshot_for_guide(page, "grants-ask-for-more")
    context.close()


def test_a_fund_officer_sets_up_a_round_on_a_phone(browser, live_server, axe, transactional_db):
    from grants.tests.factories import make_fund

    fund, officer = make_fund()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_on_page(page, officer)
    page.goto("/grants/funds/")
    _check(page, axe)
    page.click("a:has-text('Add a round')")
    page.fill("#id_name", "Summer")
    page.fill("#id_opens_on", "2026-12-01")
    page.fill("#id_closes_on", "2026-11-01")  # before it opens
    page.fill("#id_budget", "20000")
    page.fill("#id_minimum_award", "250")
    page.fill("#id_maximum_award", "2000")
    page.click("button:has-text('Add the round')")
    assert (
        "The closing date must be on or after the opening date."
        in page.locator(".govuk-error-summary").inner_text()
    )
    _check(page, axe)
    page.fill("#id_closes_on", "2027-02-01")
    page.click("button:has-text('Add the round')")
    _check(page, axe)
    page.click("a:has-text('Add a screening question')")
    page.fill("#id_text", "Are you based in East Cambridgeshire?")
    page.check("input[name='eligible_answer'][value='yes']")
    page.fill("#id_reason", "The fund is for East Cambridgeshire.")
    page.click("button:has-text('Add')")
    page.click("a:has-text('Add a section')")
    page.fill("#id_title", "Money")
    page.click("button:has-text('Add')")
    assert "No questions yet." in page.content()
    _check(page, axe)
    page.click("a:has-text('Add a question to Money')")
    page.check("input[name='kind'][value='amount']")
    page.fill("#id_text", "How much do you ask for?")
    page.click("button:has-text('Add')")
    _check(page, axe)  # the round's page with its remove buttons
    page.click("a:has-text('Preview the form as applicants see it')")
    _check(page, axe)
    page.go_back()
    page.click("button:has-text('Publish the round')")
    assert "The round is published" in page.content()
    context.close()
