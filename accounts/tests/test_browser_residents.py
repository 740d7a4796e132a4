"""A resident's own account in a browser, as a person would use it: sign up, confirm the address,
join a timebank, sign up to a shift, ask to borrow a scooter, download their data and close the
account; and resetting a forgotten password by email. Each new page at desktop width and at 390 px,
axe-clean."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role, User
from common.testing import PASSWORD, assert_fits_width, screenshot_for_guide
from lending.models import Reservation
from lending.tests.factories import make_item
from timebank.models import Membership
from timebank.tests.factories import make_timebank
from volunteering.models import SignUp
from volunteering.tests.factories import make_opportunity, make_shift

pytestmark = pytest.mark.browser

CHOSEN = "walking by the canal"
DESKTOP = {"width": 1024, "height": 800}
PHONE = {"width": 390, "height": 800}


def check(page, axe, guide_name: str | None = None) -> None:
    """The page as it is now: axe-clean at desktop width, and at 390 px fitting without sideways
    scrolling and axe-clean too (with a picture for the guide, when named)."""
    axe(page)
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    axe(page)
    if guide_name:
        screenshot_for_guide(page, guide_name)
    page.set_viewport_size(DESKTOP)
    if guide_name:
        screenshot_for_guide(page, guide_name)


def link_in(mail) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", mail.body).group(0))


def sign_in(page, email: str, password: str) -> None:
    page.goto("/account/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")


def test_a_resident_signs_up_takes_part_downloads_their_data_and_closes_the_account(
    page, axe, mailoutbox, tmp_path
):
    timebank, _ = make_timebank(name="Sale Timebank")
    opportunity, _ = make_opportunity(title="Marshal at parkrun")
    make_shift(opportunity)
    scooter, _ = make_item(name="Scooter 1 (red)")

    page.goto("/")
    page.click("header >> text=Create an account")
    assert page.locator("h1").inner_text() == "Create an account"
    check(page, axe, "sign-up")
    page.click("button:has-text('Create account')")  # nothing filled in
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter your full name" in summary and "Enter your email address" in summary
    check(page, axe)
    page.fill("#id_full_name", "Rosa Pennington")
    page.fill("#id_email", "Rosa@Example.org")
    page.fill("#id_password", CHOSEN)
    page.fill("#id_home_postcode", "")
    page.click("button:has-text('Create account')")
    assert page.locator("h1").inner_text() == "Check your email"
    check(page, axe)

    # Not confirmed yet: the right password is told what to do.
    sign_in(page, "rosa@example.org", CHOSEN)
    assert "Confirm your email address first" in page.locator(".govuk-error-summary").inner_text()
    check(page, axe)

    [mail] = mailoutbox
    assert mail.to == ["rosa@example.org"]
    page.goto(link_in(mail))
    assert page.locator("h1").inner_text() == "Confirm your email address"
    check(page, axe)
    page.click("button:has-text('Confirm my email address')")
    assert "Your email address is confirmed" in page.locator(".govuk-notification-banner").inner_text()

    sign_in(page, "rosa@example.org", CHOSEN)
    rosa = User.objects.get(email="rosa@example.org")

    page.goto(f"/timebanks/{timebank.slug}/")
    page.click("button:has-text('Ask to join Sale Timebank')")
    assert (
        "A broker from Sale Timebank will be in touch"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert Membership.objects.filter(user=rosa, timebank=timebank).exists()

    page.goto(f"/volunteering/opportunities/{opportunity.pk}/")
    assert "You will be signed up as Rosa Pennington (rosa@example.org)" in page.content()
    page.locator("button:has-text('Sign up')").first.click()
    assert "You are signed up" in page.locator(".govuk-notification-banner").inner_text()
    signup = SignUp.objects.get(user=rosa)
    assert signup.shift.opportunity == opportunity

    page.goto("/lending/borrow/")
    page.click("text=Scooter 1 (red)")
    page.click("text=Ask to borrow it")
    assert page.input_value("#id_contact") == "rosa@example.org"
    page.fill("#id_starts_on", (timezone.localdate() + timedelta(days=9)).isoformat())
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=12)).isoformat())
    page.fill("#id_note", "For my sister's visit.")
    page.click("button:has-text('Ask to borrow it')")
    assert page.locator("h1").inner_text() == "Your loans"
    assert Reservation.objects.filter(borrower=rosa, item=scooter).exists()

    page.goto("/account/")
    assert "Change your password" in page.content() and "Set it up" in page.content()
    check(page, axe)
    page.click("a:has-text('See and download what we hold about you')")
    assert page.locator("h1").inner_text() == "Your data"
    for held in ("Sale Timebank", "Marshal at parkrun", "Scooter 1 (red)"):
        assert held in page.content(), held
    check(page, axe, "my-data")
    with page.expect_download() as download:
        page.click("a:has-text('Download your data (JSON)')")
    saved = tmp_path / "my-data.json"
    download.value.save_as(saved)
    held = json.dumps(json.loads(Path(saved).read_text()))
    for kept in ("rosa@example.org", "Sale Timebank", "Marshal at parkrun", "Scooter 1 (red)"):
        assert kept in held, kept

    page.click("a:has-text('Close your account')")
    assert page.locator("h1").inner_text() == "Close your account"
    check(page, axe, "close-account")
    page.fill("#id_password", "not my password")
    page.click("button:has-text('Close my account')")
    assert "The password is not right" in page.locator(".govuk-error-summary").inner_text()
    check(page, axe)
    page.fill("#id_password", CHOSEN)
    page.click("button:has-text('Close my account')")
    assert page.locator("h1").inner_text() == "Your account is closed"
    check(page, axe)
    assert mailoutbox[-1].to == ["rosa@example.org"]

    sign_in(page, "rosa@example.org", CHOSEN)
    assert "Enter the email address and password" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("header").inner_text().count("Signed in as") == 0


def test_a_forgotten_password_is_reset_by_email(page, axe, mailoutbox, make_user):
    make_user(Role.RESIDENT, email="sam@example.org", full_name="Sam Okafor")
    page.goto("/account/sign-in/")
    page.click("a:has-text('Forgotten your password?')")
    assert page.locator("h1").inner_text() == "Reset your password"
    check(page, axe)
    page.fill("#id_email", "not an address")
    page.click("button:has-text('Send the link')")
    assert "Enter an email address like" in page.locator(".govuk-error-summary").inner_text()
    check(page, axe)
    page.fill("#id_email", "  SAM@example.org")
    page.click("button:has-text('Send the link')")
    assert page.locator("h1").inner_text() == "Check your email"
    check(page, axe)

    [mail] = mailoutbox
    page.goto(link_in(mail))
    assert page.locator("h1").inner_text() == "Choose a new password"
    check(page, axe)
    page.fill("#id_new_password1", "a new walk home")
    page.fill("#id_new_password2", "a different walk")
    page.click("button:has-text('Save new password')")
    assert "The two passwords are not the same" in page.locator(".govuk-error-summary").inner_text()
    check(page, axe)
    page.fill("#id_new_password1", "a new walk home")
    page.fill("#id_new_password2", "a new walk home")
    page.click("button:has-text('Save new password')")
    assert page.locator("h1").inner_text() == "Your password is changed"
    check(page, axe)
    assert "was reset" in mailoutbox[-1].body

    page.goto(link_in(mail))  # the same link again
    assert "This link does not work" in page.content()
    sign_in(page, "sam@example.org", PASSWORD)
    assert page.locator(".govuk-error-summary").count() == 1
    sign_in(page, "sam@example.org", "a new walk home")
    assert "Signed in as Sam" in page.locator("header").inner_text()

    page.goto("/account/password/")
    assert page.locator("h1").inner_text() == "Change your password"
    check(page, axe)
    page.click("button:has-text('Change password')")
    assert "Enter your current password" in page.locator(".govuk-error-summary").inner_text()
    check(page, axe)

    page.goto("/account/sign-up/new-link/")
    assert page.locator("h1").inner_text() == "Get a new link to confirm your email address"
    check(page, axe)
