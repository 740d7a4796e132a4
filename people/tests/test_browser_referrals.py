"""Two stories in Chromium, at desktop width and at 390 px, axe-clean at every step:

- the link worker's: a GP sends a referral through the practice's link (no account), the link
  worker opens the referral inbox, accepts it, and sees the person's record;
- the coordinator's: add a person with two interests, record them at a drop-in, and see the
  drop-in on their record."""

import os
from datetime import time
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from common.testing import sign_in_on_page
from directory.tests.factories import ServiceFactory, TaxonomyTermFactory
from people import referral_services
from people.models import DropInSession, IncomingReferral, Person, Referral

pytestmark = pytest.mark.browser

# The guide's screenshots are taken again only when asked (CLOSEKNIT_SCREENSHOTS=1), so a test
# run never changes the files under docs/.
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SCREENSHOTS = os.environ.get("CLOSEKNIT_SCREENSHOTS") == "1"
WIDTHS = {"desktop": 1024, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def tab(request, browser, live_server, transactional_db):
    """A browser tab at desktop width, or at 390 px as a small phone."""
    width = WIDTHS[request.param]
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 844 if phone else 800},
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.width, page.is_phone = width, phone  # type: ignore[attr-defined]  # for the checks below
    yield page
    context.close()


def _fits(page) -> None:
    """No sideways scrolling: the page is no wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.width, (page.url, width)


def _check(page, axe, shot: str = "") -> None:
    _fits(page)
    axe(page)
    if shot and SCREENSHOTS and not page.is_phone:
        page.screenshot(path=str(IMAGES / shot), full_page=True)


@pytest.fixture
def practice(transactional_db, team, make_user, settings):
    settings.REFERRAL_FORM_MIN_SECONDS = 1
    team.name = "Social prescribing team"
    team.save()
    team.organisation.name = "Partington Community Partnership"
    team.organisation.save()
    lead = make_user(Role.LINK_WORKER, full_name="Lena Lead")
    lead.memberships.create(team=team, is_lead=True)
    worker = make_user(Role.LINK_WORKER, teams=[team], full_name="Lina Worth", email="lina@example.org")
    issued = referral_services.create_referral_link(lead, team, "Partington Health Centre", "gp_practice")
    return issued, worker


def test_a_gp_refers_and_the_link_worker_accepts_from_the_inbox(tab, axe, practice):
    issued, worker = practice
    page = tab
    # The GP, with no account, opens the practice's link.
    page.goto(f"/people/refer/{issued.form_secret}/")
    assert page.locator("h1").inner_text().startswith("Refer someone to")
    _check(page, axe, "referral-form.png")
    page.click("button:has-text('Send the referral')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the full name of the person referred" in summary
    assert "Choose at least one reason for the referral" in summary
    assert not IncomingReferral.objects.exists()
    _check(page, axe)
    page.fill("#id_referrer_name", "Dr Amara Okafor")
    page.fill("#id_referrer_email", "amara.okafor@example.nhs.net")
    page.fill("#id_full_name", "Walter Pennington")
    page.fill("#id_date_of_birth", "1941-03-02")
    page.fill("#id_phone", "0161 496 0000")
    page.check("label:has-text('Loneliness or isolation')")
    page.check("label:has-text('Bereavement')")
    page.fill("#id_what_matters", "Lost his wife in the spring; used to sing in a choir.")
    page.check("#id_agreed")
    _check(page, axe)
    page.wait_for_timeout(1100)  # a person takes longer than the form's minimum
    page.click("button:has-text('Send the referral')")
    incoming = IncomingReferral.objects.get()
    assert incoming.reasons == ["loneliness", "bereavement"]
    assert str(incoming.date_of_birth) == "1941-03-02"
    assert (
        f"Its reference is {incoming.reference}"
        in page.locator(".govuk-notification-banner, body").first.inner_text()
    )
    _check(page, axe)

    # The link worker signs in and opens the inbox.
    page.context.clear_cookies()
    sign_in_on_page(page, worker)
    page.goto("/people/")
    page.click("main a:has-text('Referral inbox')")
    assert page.locator("h1").inner_text() == "Referral inbox"
    assert "Walter Pennington" in page.locator("main").inner_text()
    _check(page, axe, "referral-inbox.png")
    page.click("a:has-text('Walter Pennington')")
    assert "Lost his wife in the spring" in page.locator("main").inner_text()
    _check(page, axe, "incoming-referral.png")
    page.click("a:has-text('Accept')")
    _check(page, axe)
    page.check("label:has-text('Said so in conversation')")
    page.click("button:has-text('Accept the referral')")
    referral = Referral.objects.get()
    assert referral.person.full_name == "Walter Pennington" and referral.snomed_code == "871731000000106"
    history = page.locator("main").inner_text()
    assert "Received" in history and "Accepted" in history and "Lina Worth" in history
    _check(page, axe, "referral-history.png")
    page.click("a:has-text('Back to Walter Pennington')")
    assert page.locator("h1").inner_text().startswith("Walter Pennington")
    assert "Partington Health Centre" in page.locator("main").inner_text()
    _check(page, axe)


@pytest.fixture
def drop_in_day(transactional_db, team, make_user):
    coordinator = make_user(Role.COORDINATOR, teams=[team], full_name="Cora Ordway", email="cora@example.org")
    for name in ("Music", "Walking", "Gardening"):
        TaxonomyTermFactory(name=name, parent=None)
    ServiceFactory(name="Partington Community Choir")
    session = DropInSession.objects.create(
        team=team,
        title="Partington community drop-in",
        place="Partington library",
        on=timezone.localdate(),
        starts_at=time(10),
        ends_at=time(12),
    )
    session.hosts.set([coordinator])
    return coordinator, session


def test_a_coordinator_adds_a_person_with_two_interests_and_sees_their_drop_in(tab, axe, drop_in_day):
    coordinator, session = drop_in_day
    page = tab
    sign_in_on_page(page, coordinator)
    page.goto("/people/add/")
    page.fill("#id_full_name", "Ada Whitfield")
    page.check("label:has-text('Music')")
    page.check("label:has-text('Walking')")
    page.check("#id_consent-agreed")
    page.check("label:has-text('Said so in conversation')")
    _check(page, axe)
    page.click("button:has-text('Save')")
    person = Person.objects.get(full_name="Ada Whitfield")
    assert sorted(person.interests.values_list("name", flat=True)) == ["Music", "Walking"]
    record = page.locator("main").inner_text()
    assert "Music" in record and "Walking" in record and "Not seen at a drop-in yet" in record
    _check(page, axe)

    page.goto(f"/people/drop-ins/{session.pk}/")
    page.select_option("#id_person", label="Ada Whitfield")
    page.select_option("#id_linked_with", label="Cora Ordway")
    page.fill("#id_note", "Loves singing")
    page.click("button:has-text('Add')")
    assert "Ada Whitfield is down as here" in page.locator("body").inner_text()
    _check(page, axe)
    page.goto(f"/people/{person.pk}/")
    drop_ins = page.locator("main").inner_text()
    assert "Partington community drop-in" in drop_ins and "spoke with Cora Ordway" in drop_ins
    assert "1 visit to a drop-in" in drop_ins
    _check(page, axe)


def test_a_lead_makes_and_revokes_a_link_and_a_worker_asks_declines_and_closes(tab, axe, practice, team):
    issued, worker = practice
    lead = issued.link.created_by
    first = _send(issued, "Walter Pennington")
    second = _send(issued, "Edna Haworth")
    page = tab
    sign_in_on_page(page, lead)
    page.goto("/people/inbox/")
    page.click("main a:has-text('Referral links')")
    assert page.locator("h1").inner_text() == "Referral links"
    _check(page, axe, "referral-links.png")
    page.click("a:has-text('Make a referral link')")
    page.click("button:has-text('Make the link')")
    assert "Enter the name of the referring organisation" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_referring_organisation", "Flixton Road Surgery")
    page.click("button:has-text('Make the link')")
    assert "/people/refer/" in page.locator("#form-url").inner_text()
    _check(page, axe)
    page.click("a:has-text('Done')")
    page.click("button:has-text('Revoke the link for Flixton Road Surgery')")
    assert "it opens nothing now" in page.locator("body").inner_text()
    _check(page, axe)

    page.context.clear_cookies()
    sign_in_on_page(page, worker)
    page.goto(f"/people/inbox/{first.pk}/ask/")
    page.fill("#id_question", "Does he have a phone he answers?")
    _check(page, axe)
    page.click("button:has-text('Send the question')")
    assert "More information asked" in page.locator("main").inner_text()
    page.goto(f"/people/inbox/{second.pk}/decline/")
    page.click("button:has-text('Decline the referral')")
    assert "Say why the referral is declined" in page.locator(".govuk-error-summary").inner_text()
    _check(page, axe)
    page.fill("#id_reason", "Lives outside the area we cover.")
    page.click("button:has-text('Decline the referral')")
    second.refresh_from_db()
    assert second.status == "declined"

    referral = referral_services.accept_referral(
        worker, first, consent_method="spoken", consent_given_on=timezone.localdate()
    )
    page.goto(f"/people/referrals/{referral.pk}/close/")
    _check(page, axe)
    page.check("label:has-text('Connected to support and activity')")
    page.fill("#id_support_offered", "The Partington choir.")
    page.fill("#id_what_changed", "Sings again on Thursdays.")
    page.click("button:has-text('Close the referral')")
    assert "Sings again on Thursdays." in page.locator("main").inner_text()
    _check(page, axe)


def _send(issued, name):
    return referral_services.receive_referral(
        issued.link,
        {
            "referrer_name": "Dr Amara Okafor",
            "referrer_email": "amara.okafor@example.nhs.net",
            "full_name": name,
            "reasons": ["loneliness"],
            "agreed": True,
        },
    )


def test_the_referral_form_works_without_javascript(no_js_page, practice):
    issued, _worker = practice
    page = no_js_page
    page.goto(f"/people/refer/{issued.form_secret}/")
    page.fill("#id_referrer_name", "Dr Amara Okafor")
    page.fill("#id_referrer_email", "amara.okafor@example.nhs.net")
    page.fill("#id_full_name", "Walter Pennington")
    page.check("#id_reasons_0")
    page.check("#id_agreed")
    assert not page.locator("#id_website").is_visible()  # the field for robots is not shown
    page.wait_for_timeout(1100)
    page.click("button:has-text('Send the referral')")
    incoming = IncomingReferral.objects.get()
    assert f"Its reference is {incoming.reference}" in page.locator("body").inner_text()
