"""The event sign-up page on a phone, without and with JavaScript: axe-clean, and it works; the
event organiser's and the stall organisation's stories at desktop and phone widths."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import assert_fits_width, screenshot_for_guide, sign_in_on_page
from volunteering import services
from volunteering.models import Event, Shift, SignUp, Stall
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


# The organiser's and the stall organisation's stories, at desktop and at 390 px on a phone.
WIDTHS = ["page", "phone_page"]


@pytest.fixture
def organisations(transactional_db):
    council = OrganisationFactory(name="Trafford Council")
    organiser = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)
    welcome, _ = make_opportunity(council, title="Welcome desk")
    shift = make_shift(welcome, places=4, days=10, hours=2)
    OrganisationFactory(name="Sale parkrun")
    return organiser, shift


@pytest.mark.parametrize("width", WIDTHS)
def test_the_event_organisers_story(request, axe, organisations, width):
    """Add an event, give another organisation a stall and one to their own, choose what it
    offers, see who signed up there and mark someone came, with the hours they really gave."""
    page = request.getfixturevalue(width)
    if width == "phone_page":
        page.set_viewport_size({"width": 390, "height": 844})
    organiser, shift = organisations
    sign_in_on_page(page, organiser)
    page.goto("/volunteering/")
    page.click("text=Your organisation's opportunities and events")
    page.click("a:has-text('Add an event')")
    page.click("button:has-text('Save')")
    assert "Give the event a title" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    on = timezone.localdate() + timedelta(days=7)
    page.fill("#id_title", "Give your time locally")
    page.fill("#id_description", "Local groups' stalls: find something you would enjoy.")
    page.fill("#id_place", "Sale Waterside")
    page.fill("#id_on", on.isoformat())
    page.fill("#id_starts_at", "18:00")
    page.fill("#id_ends_at", "20:00")
    screenshot_for_guide(page, "event-form")
    page.click("button:has-text('Save')")
    assert "Give your time locally is saved." in page.content()
    assert page.locator("h1").inner_text() == "Sign-ups"
    axe(page)
    assert_fits_width(page)
    page.click("a:has-text('Add a stall')")
    page.select_option("#id_organisation", label="Sale parkrun")
    axe(page)
    page.click("button:has-text('Add the stall')")
    assert "Sale parkrun has a stall" in page.content()
    page.click("a:has-text('Add a stall')")
    page.select_option("#id_organisation", label="Trafford Council")
    page.click("button:has-text('Add the stall')")
    assert page.locator("h1").inner_text() == "Your stall at Give your time locally"
    page.check("label:has-text('Welcome desk')")
    page.click("button:has-text('Save what the stall offers')")
    assert "What the stall offers is saved." in page.content()
    axe(page)
    assert_fits_width(page)
    event = Event.objects.get(title="Give your time locally")
    services.sign_up_at_event(
        event, [shift], name="Jo Bloggs", email="jo.bloggs@example.org", phone="07700 900123"
    )
    Shift.objects.filter(pk=shift.pk).update(  # the evening has come and gone: the shift too
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    page.goto(f"/volunteering/events/{event.pk}/sign-ups/")
    assert "Jo Bloggs" in page.locator("main").inner_text()
    screenshot_for_guide(page, "event-sign-ups")
    page.locator("a:has-text('roster')").first.click()
    hours = page.locator("input[name=hours]")
    assert hours.input_value() == "2"  # the scheduled hours, to change
    hours.fill("1.5")
    page.click("button:has-text('Came')")
    assert "Jo Bloggs came: 1.5 hours recorded." in page.content()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "roster-hours")
    assert SignUp.objects.get(name="Jo Bloggs").hours == Decimal("1.5")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_stall_organisations_story(request, axe, organisations, width):
    """Sale parkrun's editor finds its stall at the council's event and sees who signed up there."""
    page = request.getfixturevalue(width)
    if width == "phone_page":
        page.set_viewport_size({"width": 390, "height": 844})
    council_organiser, _ = organisations
    event = Event.objects.create(
        title="Give your time locally",
        organisation=council_organiser.organisation,
        place="Sale Waterside",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    parkrun = Organisation.objects.get(name="Sale parkrun")
    marshal, _ = make_opportunity(parkrun, title="Marshal at parkrun")
    shift = make_shift(marshal, places=4, days=5)
    stall = Stall.objects.create(event=event, organisation=parkrun)
    stall.opportunities.add(marshal)
    services.sign_up_at_event(event, [shift], name="Sam Runner", email="sam@example.org")
    editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=parkrun)
    sign_in_on_page(page, editor)
    page.goto("/volunteering/organise/")
    page.click("a:has-text('Give your time locally')")
    assert page.locator("h1").inner_text() == "Your stall at Give your time locally"
    assert "Sam Runner" in page.locator("main").inner_text()
    axe(page)
    assert_fits_width(page)
    screenshot_for_guide(page, "stall")
    page.click("a:has-text('Back to Give your time locally')")
    assert "Sam Runner" in page.locator("main").inner_text()
    assert "in numbers" not in page.content()  # the summary is the council's
    axe(page)
    assert_fits_width(page)
