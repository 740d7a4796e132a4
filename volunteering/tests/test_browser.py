"""The event sign-up page on a phone, without and with JavaScript: axe-clean, and it works."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import OrganisationFactory
from volunteering.models import Event, SignUp, Stall
from volunteering.tests.factories import make_opportunity, make_shift

pytestmark = pytest.mark.browser


@pytest.fixture
def fair(transactional_db):
    event = Event.objects.create(
        title="Give your time locally",
        organisation=OrganisationFactory(name="Trafford Council"),
        place="Sale Waterside",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    for name, role in [("Sale parkrun", "Marshal at parkrun"), ("Pumpkin fair", "Carve pumpkins")]:
        opportunity, _ = make_opportunity(OrganisationFactory(name=name), title=role)
        make_shift(opportunity, places=1)
        stall = Stall.objects.create(event=event, organisation=opportunity.organisation)
        stall.opportunities.add(opportunity)
    return event


@pytest.mark.parametrize("browser_page", ["phone_page", "no_js_page"])
def test_signing_up_at_an_event_on_a_phone(request, axe, fair, browser_page):
    page = request.getfixturevalue(browser_page)
    page.goto(f"/volunteering/events/{fair.pk}/")
    assert page.locator("h1").inner_text() == "Give your time locally"
    if browser_page == "phone_page":
        axe(page)
    page.click("button:has-text('Sign me up')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose at least one thing" in summary and "Enter your name" in summary
    if browser_page == "phone_page":
        axe(page)
    page.locator("input[name=shifts]").nth(0).check()
    page.locator("input[name=shifts]").nth(1).check()
    page.fill("#id_name", "Jo Bloggs")
    page.fill("#id_email", "jo@example.org")
    page.click("button:has-text('Sign me up')")
    assert "you are signed up to 2" in page.content()
    assert SignUp.objects.filter(email="jo@example.org").count() == 2


def test_opportunities_and_shifts_pages_are_accessible(page, axe, fair):
    page.goto("/volunteering/")
    axe(page)
    page.click("text=Marshal at parkrun")
    axe(page)
    page.click("button:has-text('Sign up')")
    assert "Enter your name" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
