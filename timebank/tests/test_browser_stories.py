"""The broker's and the volunteer's stories in Chromium, at desktop width and on a 390 px phone,
axe-clean and never wider than the screen.

- A broker records an exchange between two members; each sees it on their statement, with whom
  and on the day it happened.
- A volunteer spends a time credit in two steps, sees the code and the time, undoes it; spends
  again, and the venue checks the code and marks it used.

With CLOSEKNIT_SCREENSHOTS set to a folder, the desktop run saves the pages the user guide shows."""

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import sign_in_on_page
from timebank import services
from timebank.models import Redemption
from timebank.tests.factories import make_member, make_timebank

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1024, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def screen(request, transactional_db):
    """A browser tab at desktop width, or a phone's 390 px; and that width."""
    if request.param == "desktop":
        return request.getfixturevalue("page"), WIDTHS["desktop"]
    phone = request.getfixturevalue("phone_page")
    phone.set_viewport_size({"width": WIDTHS["phone"], "height": 844})
    phone.set_default_timeout(15_000)
    return phone, WIDTHS["phone"]


def _looks_right(page, axe, width, snapshot=""):
    """Zero axe violations, nothing wider than the screen; on the desktop, the guide's picture."""
    axe(page)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (page.url, scroll)
    folder = os.environ.get("CLOSEKNIT_SCREENSHOTS")
    if snapshot and folder and width == WIDTHS["desktop"]:
        page.screenshot(path=str(Path(folder) / f"{snapshot}.png"), full_page=True)


def _sign_in(page, user):
    page.context.clear_cookies()
    sign_in_on_page(page, user)


def test_a_broker_records_an_exchange_and_both_members_see_it_on_their_statements(screen, axe):
    page, width = screen
    broker = UserFactory(role=Role.BROKER, full_name="Rhian Broker")
    timebank, _ = make_timebank(broker=broker, welcome_hours=Decimal("1"))
    ada = make_member(timebank, broker, full_name="Ada Whitfield")
    bert = make_member(timebank, broker, full_name="Bert Marsh")
    happened = timezone.localdate() - timedelta(days=3)

    _sign_in(page, broker)
    page.goto(f"/timebanks/{timebank.slug}/broker/")
    page.get_by_role("button", name="Record an exchange between two members").click()
    assert page.locator("h1").inner_text() == "Record an exchange between two members"
    page.get_by_role("button", name="Record the exchange").click()
    assert "Choose who gave their time" in page.locator(".govuk-error-summary").inner_text()
    _looks_right(page, axe, width)
    page.goto(f"/timebanks/{timebank.slug}/broker/exchanges/new/")
    page.get_by_label("Who gave their time").select_option(label="Ada Whitfield")
    page.get_by_label("Who received it").select_option(label="Bert Marsh")
    page.get_by_label("Hours").fill("1.5")
    page.get_by_label("What was done").fill("Fixed a dripping tap")
    page.get_by_label("The day it happened").fill(happened.isoformat())
    _looks_right(page, axe, width, "timebank-broker-record-exchange")
    page.get_by_role("button", name="Record the exchange").click()
    assert "1.50 hours recorded: Ada Whitfield gave time to Bert Marsh." in page.content()
    assert page.locator("h1").inner_text() == "Broker's dashboard"
    _looks_right(page, axe, width)

    day = f"{happened:%-d %b %Y}"
    for member, other, hours in ((ada, "Bert Marsh", "+1.50"), (bert, "Ada Whitfield", "-1.50")):
        _sign_in(page, member)
        page.goto(f"/timebanks/{timebank.slug}/statement/")
        row = page.locator("tr", has_text="Fixed a dripping tap")
        assert row.locator("td").nth(0).inner_text().startswith(day)
        assert row.locator("td").nth(1).inner_text() == f"Fixed a dripping tap\nwith {other}"
        assert row.locator("td").nth(2).inner_text() == hours
        _looks_right(page, axe, width, "timebank-statement" if member == ada else "")


def test_a_volunteer_spends_a_credit_sees_the_code_undoes_it_and_the_venue_checks_a_code(screen, axe):
    page, width = screen
    council, trust = OrganisationFactory(), OrganisationFactory(name="Sale Leisure Trust")
    scheme = services.create_credit_scheme("Trafford Time Credits", council)
    services.add_partner(scheme, "Sale Leisure Centre", [("A swim", 1)], organisation=trust)
    awarder = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)
    volunteer = UserFactory(full_name="Vera Oakes")
    services.award_credits(awarder, scheme, volunteer, Decimal("3"), "Park clean-up")
    venue = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=trust)

    _sign_in(page, volunteer)
    page.goto(f"/timebanks/credits/{scheme.slug}/")
    assert "3 credits" in page.locator(".govuk-panel").inner_text()
    page.get_by_role("link", name="Spend 1 on A swim at Sale Leisure Centre").click()
    assert page.locator("h1").inner_text() == "Spend 1 credit on A swim?"
    _looks_right(page, axe, width, "time-credits-spend")
    assert not Redemption.objects.exists()  # choosing spends nothing
    page.get_by_role("button", name="Spend 1 credit").click()
    spent = Redemption.objects.get()
    code = page.locator(".govuk-panel__title").inner_text().split()[-1]
    assert code == spent.code and re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    assert f"{timezone.localtime(spent.spent_at):%H:%M}" in page.locator(".govuk-panel__body").inner_text()
    _looks_right(page, axe, width, "time-credits-code")
    page.get_by_role("button", name="Undo and get my credits back").click()
    assert "Undone: your 1 credit are back." in page.content()
    _looks_right(page, axe, width)
    page.goto(f"/timebanks/credits/{scheme.slug}/")
    assert "3 credits" in page.locator(".govuk-panel").inner_text()
    history = page.locator(".ck-credit-history").inner_text()
    assert "Park clean-up" in history and f"Code {code} (undone)" in history
    _looks_right(page, axe, width, "time-credits-history")

    page.get_by_role("link", name="Spend 1 on A swim at Sale Leisure Centre").click()
    page.get_by_role("button", name="Spend 1 credit").click()
    second = Redemption.objects.get(undone_at__isnull=True)

    _sign_in(page, venue)
    page.goto(f"/timebanks/credits/{scheme.slug}/")
    page.get_by_role("link", name="Check a code at Sale Leisure Centre").click()
    page.get_by_label("The volunteer's code").fill(code)  # the undone one
    page.get_by_role("button", name="Check the code").click()
    assert "Not valid: the volunteer undid this" in page.content()
    page.get_by_label("The volunteer's code").fill(second.code.lower())
    page.get_by_role("button", name="Check the code").click()
    assert "Spent here, not yet used." in page.content()
    _looks_right(page, axe, width, "time-credits-venue-check")
    page.get_by_role("button", name=f"Mark {second.code} as used").click()
    assert f"Code {second.code} is marked used" in page.content()
    _looks_right(page, axe, width)

    _sign_in(page, volunteer)
    page.goto(f"/timebanks/credits/spent/{second.pk}/")
    assert "used this code" in page.content()
    assert page.get_by_role("button", name="Undo and get my credits back").count() == 0
    _looks_right(page, axe, width)
