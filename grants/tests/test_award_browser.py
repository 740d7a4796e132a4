"""In Chromium: after the award, on a 390 px phone. The group accepts the offer, typing its bank
account once and then seeing only the masked account; one fund officer sets up a payment, a second
approves it and records it paid (the first is told they cannot approve their own); the group sends
its monitoring return with a photo, and an officer reads it. Every page axe-clean with no sideways
scroll; the user guide's pictures of these pages are taken here (CLOSEKNIT_SCREENSHOTS)."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from grants.models import Payment
from grants.tests.award_factories import make_grant, second_officer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _check(page, axe):
    axe(page)
    assert_fits_width(page)


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _photo(tmp_path):
    path = tmp_path / "planting.jpg"
    image = Image.new("RGB", (1200, 900), (70, 140, 60))  # wider than a phone: it must shrink
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_accept_pay_by_two_officers_and_send_a_return_on_a_phone(
    browser, live_server, axe, transactional_db, tmp_path
):
    grant, first_officer = make_grant(accept=False)
    second = second_officer(grant.application.round.fund)
    applicant = grant.application.applicant

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, applicant)
    page.goto(f"/grants/grants/{grant.pk}/")
    _check(page, axe)
    page.click("a:has-text('Read the offer letter and accept it')")
    _check(page, axe)
    screenshot_for_guide(page, "grants-offer")
    page.click("a:has-text('Accept the grant')")
    page.fill("#id_account_name", "Soham Timebank Friends")
    page.fill("#id_sort_code", "30-94-5")
    page.fill("#id_account_number", "1234 5678")
    page.click("button:has-text('Accept the grant')")
    assert "The sort code must be 6 digits" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.check("#id_conditions_agreed")
    page.fill("#id_sort_code", "30-94-57")
    page.fill("#id_account_number", "1234 5678")
    screenshot_for_guide(page, "grants-accept")
    page.click("button:has-text('Accept the grant')")
    assert "the grant is accepted" in page.content()
    assert "**-**-57 ******78" in page.content() and "12345678" not in page.content()
    _check(page, axe)
    screenshot_for_guide(page, "grants-accepted")
    context.close()

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, first_officer, two_factor=True)
    page.goto(f"/grants/grants/{grant.pk}/payments/")
    _check(page, axe)
    page.click("a:has-text('Set up a payment')")
    page.fill("#id_amount", "600")
    page.fill("#id_due_on", grant.planned_start.isoformat())
    page.click("button:has-text('Set up the payment')")
    assert "Another of the fund's officers must approve it" in page.content()
    assert "You set up this payment" in page.content()
    _check(page, axe)
    screenshot_for_guide(page, "grants-payment-waiting")
    context.close()

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, second, two_factor=True)
    page.goto(f"/grants/grants/{grant.pk}/payments/")
    page.click("button:has-text('Approve payment 1')")
    assert "The payment is approved" in page.content()
    _check(page, axe)
    page.click("a:has-text('Record payment 1 as paid')")
    page.fill("#id_paid_on", grant.planned_start.isoformat())  # before it was approved: refused
    page.fill("#id_reference", "AP-1001")
    page.click("button:has-text('Record it as paid')")
    assert "the date it was paid cannot be before that" in page.content()
    _check(page, axe)
    page.fill("#id_paid_on", timezone.localdate().isoformat())
    page.fill("#id_reference", "AP-1001")
    page.click("button:has-text('Record it as paid')")
    assert "recorded as paid" in page.content()
    _check(page, axe)
    screenshot_for_guide(page, "grants-payments")
    payment = Payment.objects.get()
    assert (
        payment.set_up_by == first_officer
        and payment.approved_by == second
        and payment.reference == "AP-1001"
    )
    context.close()

    context, page = _phone(browser, live_server)
    sign_in_on_page(page, applicant)
    page.goto(f"/grants/grants/{grant.pk}/")
    page.click("a:has-text('fill it in')")
    page.fill("#id_what_happened", "We held a launch in the village hall and 30 people joined.")
    page.fill("#id_people_reached", "30")
    page.fill("#id_spend", "450")
    page.set_input_files("#id_photo_1", str(_photo(tmp_path)))
    page.fill("#id_photo_1_description", "Neighbours signing up at the launch")
    _check(page, axe)
    screenshot_for_guide(page, "grants-return")
    page.click("button:has-text('Send the return')")
    assert "your return is sent" in page.content()
    first = grant.returns.order_by("due_on").first()
    page.goto(f"/grants/returns/{first.pk}/")
    assert page.locator("img[alt='Neighbours signing up at the launch']").count() == 1
    _check(page, axe)
    context.close()

    # A fund officer reads the sent return, photo and all, from the grant's returns (a third
    # officer: the others' codes were used within this minute, and a code is good once).
    reader = second_officer(grant.application.round.fund)
    context, page = _phone(browser, live_server)
    sign_in_on_page(page, reader, two_factor=True)
    page.goto(f"/grants/grants/{grant.pk}/returns/")
    page.click(f"a[href='/grants/returns/{first.pk}/']")
    assert "30 people joined" in page.content()
    assert page.locator("img[alt='Neighbours signing up at the launch']").count() == 1
    _check(page, axe)
    context.close()
