"""Timebank pages in Chromium: axe-clean, including a form with errors."""

from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import PASSWORD, current_code, totp_device
from timebank import services
from timebank.tests.factories import make_member, make_timebank

pytestmark = pytest.mark.browser


def sign_in(page, email, user=None):
    page.goto("/account/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    if user is not None and user.needs_two_factor:
        page.fill("#id_token", current_code(totp_device(user)))
        page.click("button:has-text('Continue')")


def test_timebank_pages_are_accessible(page, axe, transactional_db):
    broker = UserFactory(role=Role.BROKER, email="broker@example.org")
    totp_device(broker)
    timebank, _ = make_timebank(broker=broker, description="Neighbours swapping hours.")
    ada = make_member(timebank, broker, email="ada@example.org", full_name="Ada Whitfield")
    bert = make_member(timebank, broker, full_name="Bert Marsh")
    services.confirm_exchange(
        bert,
        services.propose_exchange(
            ada, timebank, giver=ada, receiver=bert, hours=Decimal("1.5"), description="Shelves"
        ),
    )
    services.propose_exchange(
        bert, timebank, giver=bert, receiver=ada, hours=Decimal("1"), description="Lift to town"
    )
    services.apply_to_join(UserFactory(full_name="Cyril Ashworth"), timebank)

    page.goto("/timebanks/")
    axe(page)
    page.click(f"text={timebank.name}")
    assert page.locator("h1").inner_text() == timebank.name
    axe(page)
    sign_in(page, "ada@example.org")
    page.goto(f"/timebanks/{timebank.slug}/member/")
    assert "2.50 hours" in page.locator(".govuk-panel").inner_text()
    axe(page)
    page.click("text=Record an exchange")
    page.fill("#id_hours", "1.1")
    page.click("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose who the exchange was with" in summary
    axe(page)
    page.goto(f"/timebanks/{timebank.slug}/board/new/")
    page.click("button:has-text('Save')")
    assert "Give it a short title" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.check("input[value='offer']")
    page.fill("#id_title", "Help with your garden")
    page.click("button:has-text('Save')")
    assert page.locator("h1").inner_text() == "Help with your garden"
    axe(page)
    page.goto(f"/timebanks/{timebank.slug}/board/")
    axe(page)
    page.goto(f"/timebanks/{timebank.slug}/statement/")
    assert "closing balance 2.50 hours" in page.content()
    axe(page)
    page.click("text=Sign out")
    sign_in(page, "broker@example.org", broker)
    page.goto(f"/timebanks/{timebank.slug}/broker/")
    assert "Welcome Cyril Ashworth" in page.content()
    axe(page)


def test_time_credit_pages_are_accessible(page, axe, transactional_db):
    from accounts.tests.factories import OrganisationFactory

    council = OrganisationFactory()
    scheme = services.create_credit_scheme("Trafford Time Credits", council)
    services.add_partner(scheme, "Sale Leisure Centre", [("A swim", 1)])
    awarder = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council, email="editor@example.org")
    services.award_credits(
        awarder, scheme, UserFactory(email="vol@example.org"), Decimal("3"), "Park clean-up"
    )
    page.goto(f"/timebanks/credits/{scheme.slug}/")
    axe(page)
    sign_in(page, "vol@example.org")
    page.goto(f"/timebanks/credits/{scheme.slug}/")
    assert "3 credits" in page.locator(".govuk-panel").inner_text()
    page.click("a:has-text('Spend')")  # choose; the next page says what it costs
    page.click("button:has-text('Spend 1 credit')")  # confirm; the code to show is next
    page.goto(f"/timebanks/credits/{scheme.slug}/")
    assert "2 credits" in page.locator(".govuk-panel").inner_text()
    axe(page)
    page.click("text=Sign out")
    sign_in(page, "editor@example.org")
    page.goto(f"/timebanks/credits/{scheme.slug}/award/")
    page.click("button:has-text('Award credits')")
    assert "Enter the volunteer" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
