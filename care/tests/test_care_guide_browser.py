"""The pictures of the care user guide (``docs/user-guide/care.md``), taken on the demo district as
someone trying the demo sees it: the micro-enterprise coordinator, a coordinator finding support
near a person, a provider's editor, a resident, and the personal budget pages. Every page is also
checked with axe and, on a phone, for sideways scrolling.

Run with ``CLOSEKNIT_SCREENSHOTS=docs/images`` to take the pictures again."""

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from care.models import LedgerEntry, MicroProvider, PersonalBudget, ProviderEnquiry, QuarterlyReturn
from care.provider_selectors import district_and_sector, parse_postcode_areas
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from people.selectors import people_visible_to

pytestmark = pytest.mark.browser

PHONE, DESK = 390, 1024


def _tab(browser, live_server, account: str, width: int):
    """A tab ``width`` px wide, signed in as the demo ``account`` (with its code when it has one)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    if account:
        user = User.objects.get(email=demo_email(account))
        sign_in_on_page(page, user, password=DEMO_PASSWORD)
    return page


def _shot(page, axe, name: str) -> None:
    page.wait_for_load_state()  # a click starts the next page; it may still be loading
    assert page.locator("h1").count() == 1, page.url
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, name)


def _person_near_a_provider(coordinator: User):
    """A person on the coordinator's caseload living where a demo provider's list of areas covers."""
    areas = {
        area for mp in MicroProvider.objects.all() for area in parse_postcode_areas(mp.covers_postcode_areas)
    }
    for person in people_visible_to(coordinator).exclude(postcode=None).order_by("pk"):
        # Someone the page can call by name ("near Mrs" says nothing).
        titled = person.first_name.rstrip(".") in {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"}
        if set(district_and_sector(person.postcode_id)) & areas and not titled:
            return person
    return None


def test_the_care_guides_pictures_on_the_demo(browser, live_server, transactional_db, axe):
    call_command("seed_demo", residents=20, verbosity=0)
    stretford = MicroProvider.objects.get(provider__name="Stretford Home Help")
    at_checks = ProviderEnquiry.objects.get(stage=ProviderEnquiry.Stage.CHECKS)

    # The micro-enterprise coordinator: the register, registering, checks, the pipeline.
    page = _tab(browser, live_server, "coordinator", DESK)
    page.goto("/care/providers/")
    assert "running out within 30 days" in page.content()
    _shot(page, axe, "care-register")
    page.click("a:has-text('Register a micro-provider')")
    _shot(page, axe, "care-register-provider")
    page.goto(f"/care/providers/{stretford.pk}/checks/")
    _shot(page, axe, "care-checks")
    page.goto("/care/providers/pipeline/")
    _shot(page, axe, "care-pipeline")
    page.goto(f"/care/providers/pipeline/{at_checks.pk}/")
    assert page.locator("a:has-text('Register them as a micro-provider')").count() == 1
    _shot(page, axe, "care-enquiry-at-checks")

    # A coordinator finds support near a person, and asks a provider to contact them.
    coordinator = User.objects.get(email=demo_email("coordinator"))
    person = _person_near_a_provider(coordinator)
    assert person is not None, "no demo person lives where a demo provider covers"
    page.goto(f"/people/{person.pk}/")
    page.click("a:has-text('Find care and support near')")
    assert page.locator(".govuk-summary-card").count() >= 1
    _shot(page, axe, "care-find-support")
    page.locator(".govuk-summary-card a").first.click()
    page.click("a:has-text('Ask them to contact you')")
    _shot(page, axe, "care-contact-request")
    page.context.close()

    # A provider's editor: their page, then changing their details and times, on a phone.
    page = _tab(browser, live_server, "careprovider", PHONE)
    page.goto("/care/providers/yours/")
    assert "Joan (demo)" in page.content()
    _shot(page, axe, "care-yours")
    page.click("a:has-text('Change what it offers')")
    _shot(page, axe, "care-change-provider")
    page.context.close()

    # A resident reads a provider's page, on a phone.
    page = _tab(browser, live_server, "resident1", PHONE)
    page.goto(f"/care/providers/{MicroProvider.objects.get(provider__name='Urmston Care Circle').pk}/")
    assert "checked on" in page.content()
    _shot(page, axe, "care-provider-page")

    # The personal budget pages: the representative's statement on a phone, the ISF's holder's
    # budget page and recording spending.
    isf = PersonalBudget.objects.get(kind=PersonalBudget.Kind.ISF)
    # The latest month with spending on it (the demo's ledger runs to the month before this one).
    spent = isf.entries.filter(kind=LedgerEntry.Kind.SPEND).latest("occurred_on").occurred_on
    page.goto(f"/care/budgets/{isf.pk}/statement/?month={spent:%Y-%m}")
    assert "This month:" in page.content()
    _shot(page, axe, "care-budget-statement")
    page.context.close()
    page = _tab(browser, live_server, "editor", DESK)
    page.goto(f"/care/budgets/{isf.pk}/")
    _shot(page, axe, "care-budget")
    page.click("a:has-text('Record spending')")
    _shot(page, axe, "care-record-spending")
    # The ISF's quarterly return, queried by the council, answered from a phone.
    queried = QuarterlyReturn.objects.get(budget=isf, state=QuarterlyReturn.State.QUERIED)
    # The same signed-in tab, narrowed to a phone: signing in again within the minute would offer
    # the code just used, which a second factor rightly refuses.
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(f"/care/budgets/returns/{queried.pk}/")
    assert "Answer the question" in page.content()
    _shot(page, axe, "care-return-queried")
    page.context.close()

    # The council's finance officer: the council's budgets, setting one up, the returns.
    page = _tab(browser, live_server, "finance", DESK)
    page.goto("/care/finance/")
    _shot(page, axe, "care-finance-budgets")
    page.goto("/care/budgets/returns/")
    _shot(page, axe, "care-returns")
    page.context.close()
