"""In Chromium on the demo district: a panel member on a 390 px phone declares a conflict on one
application (and then cannot open it) and scores another, sending the review; the fund officer
reads the round's moderation and records an award. Every page axe-clean with no sideways scroll;
the pictures of the user guide's "Assessing applications" are taken here (CLOSEKNIT_SCREENSHOTS)."""

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from grants.models import Application, Assignment, Grant, Review

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _check(page, axe, picture=""):
    page.wait_for_load_state()
    axe(page)
    assert_fits_width(page)
    if picture:
        screenshot_for_guide(page, picture)


def _signed_in(browser, live_server, account, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, is_mobile=viewport == PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_on_page(page, User.objects.get(email=demo_email(account)), password=DEMO_PASSWORD)
    return context, page


def test_a_panel_member_declares_and_scores_on_a_phone_and_the_officer_awards(
    browser, live_server, axe, transactional_db
):
    call_command("seed_demo", residents=30, verbosity=0)
    repair = Application.objects.get(title="Partington repair café")
    homework = Application.objects.get(title="Old Trafford homework club")
    panel = User.objects.get(email=demo_email("panel"))

    context, page = _signed_in(browser, live_server, "panel", PHONE)
    page.goto("/grants/")
    page.click("a:has-text('Applications to assess')")
    _check(page, axe, "grants-panel")
    page.click("a:has-text('Partington repair café')")
    assert page.locator("h1").inner_text() == "Declare any conflict of interest"
    page.check("input[name='declaration'][value='conflict']")
    page.click("button:has-text('Continue')")
    assert "Say what the conflict is" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe, "grants-declare-error")
    page.fill("#id_conflict_note", "I mend bikes with the Partington Fixers on Saturdays.")
    page.click("button:has-text('Continue')")
    assert "you will not see this application" in page.content()
    assert Assignment.objects.get(member__user=panel, application=repair).is_conflicted
    response = page.goto(f"/grants/panel/applications/{repair.pk}/")
    assert response is not None and response.status == 404
    page.goto("/grants/panel/")

    page.click("a:has-text('Old Trafford homework club')")
    page.check("input[name='declaration'][value='none']")
    _check(page, axe, "grants-declare")
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Old Trafford homework club"
    _check(page, axe, "grants-panel-application")
    page.click("a:has-text('Score it')")
    criteria = list(homework.round.criteria.all())
    page.check(f"#id_score_{criteria[0].pk}_4")
    page.click("button:has-text('Send the review')")  # not every criterion scored yet
    summary = page.locator(".govuk-error-summary").inner_text()
    assert f"Score “{criteria[1].name}” before you send the review." in summary
    _check(page, axe)
    for criterion, score in zip(criteria, (4, 3, 5), strict=True):
        page.check(f"#id_score_{criterion.pk}_{score}")
    page.fill(
        f"#id_comment_{criteria[0].pk}", "Children from three schools, and the library is glad to host."
    )
    page.check("input[name='recommendation'][value='fund']")
    _check(page, axe, "grants-review")
    page.click("button:has-text('Send the review')")
    assert "Your review is sent" in page.content()
    review = Review.objects.get(assignment__member__user=panel, assignment__application=homework)
    assert review.submitted_at is not None and [s.score for s in review.scores.order_by("criterion")] == [
        4,
        3,
        5,
    ]
    page.click("a:has-text('Your review (sent)')")
    assert "It cannot change." in page.content()
    _check(page, axe)
    context.close()

    context, page = _signed_in(browser, live_server, "grants", {"width": 1024, "height": 800})
    page.goto(f"/grants/rounds/{homework.round_id}/manage/")
    page.click("a:has-text('Assessment: criteria, panel and screening')")
    _check(page, axe, "grants-assessment")
    page.click("a:has-text('Moderation and decisions')")
    assert "The panel disagree: discuss" in page.content()
    _check(page, axe, "grants-moderation")
    page.click(f"a[href='/grants/applications/{homework.pk}/decide/']")
    page.check("input[name='outcome'][value='award']")
    page.fill("#id_amount", "99999")
    page.fill("#id_planned_start", "2027-01-11")
    page.fill("#id_planned_end", "2027-07-16")
    page.click("button:has-text('Record the decision')")
    assert (
        "The amount awarded must be from £250 to £5,000." in page.locator(".govuk-error-summary").inner_text()
    )
    _check(page, axe)
    page.fill("#id_amount", "2000")
    page.fill("#id_conditions", "Send us the laptops' receipts.")
    _check(page, axe, "grants-decide")
    page.click("button:has-text('Record the decision')")
    assert "Recorded: award" in page.content()
    grant = Grant.objects.get(application=homework)
    assert grant.amount_pence == 200_000 and grant.conditions == "Send us the laptops' receipts."
    page.goto(f"/grants/applications/{homework.pk}/")
    assert "decided" in page.content() and "Grace Adeyemi" in page.content()
    _check(page, axe, "grants-decision-history")
    context.close()
