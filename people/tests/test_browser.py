"""People pages in Chromium: axe-clean, including a form with errors, and the person page."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from common.testing import PASSWORD, current_code, totp_device
from directory.tests.factories import ServiceFactory
from people.models import DropInSession, SafeguardingNote
from people.tests.factories import ConversationFactory, IntroductionFactory, PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(transactional_db, make_user, team):
    user = make_user(Role.COORDINATOR, email="lac@example.org", teams=[team])
    person = PersonFactory(team=team, coordinator=user, full_name="Ada Whitfield", what_matters="My garden")
    today = timezone.localdate()
    ConversationFactory(person=person, happened_on=today, follow_up_on=today, next_step="Ring on Friday")
    IntroductionFactory(
        person=person, listing=ServiceFactory(name="Sale bowls club"), elsewhere="", made_on=today
    )
    IntroductionFactory(person=person, made_on=today - timedelta(days=3), follow_up_on=today)
    SafeguardingNote.objects.create(person=person, note="Lives alone", recorded_by=user)
    session = DropInSession.objects.create(
        team=team,
        title="Partington drop-in",
        place="Partington library",
        on=today,
        starts_at=time(10),
        ends_at=time(12),
    )
    session.attendances.create(person=person)
    session.attendances.create(first_name="Stan")
    return user


def test_people_pages_are_accessible(page, axe, coordinator):
    device = totp_device(coordinator)
    page.goto("/account/sign-in/")
    page.fill("#id_username", "lac@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.fill("#id_token", current_code(device))
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Hello, " + coordinator.get_short_name(), page.url
    assert "2 follow-ups due" in page.locator("main").inner_text()
    axe(page)
    page.click("text=2 follow-ups due today or earlier")
    assert page.locator("h1").inner_text() == "Follow-ups due"
    axe(page)
    page.goto("/people/")
    assert page.locator("h1").inner_text() == "People"
    axe(page)
    page.click("text=Ada Whitfield")
    assert page.locator("h1").inner_text().startswith("Ada Whitfield")
    assert page.locator("text=Lives alone").is_visible()
    axe(page)
    page.click("text=Record a conversation")
    page.fill("#id_happened_on", "2026-11-02")
    page.fill("#id_follow_up_on", "2026-11-01")
    page.click("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose what kind of conversation it was" in summary and "Enter what you talked about" in summary
    axe(page)
    page.goto("/people/add/")
    page.click("button:has-text('Save')")
    assert "Enter their full name" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.goto("/people/drop-ins/")
    assert page.locator("h1").inner_text() == "Drop-ins"
    axe(page)
    page.click("text=Partington drop-in")
    assert "Stan (not on record)" in page.content()
    page.click("button:has-text('Add')")
    assert "Choose someone on record" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.goto("/people/drop-ins/add/")
    page.click("button:has-text('Save')")
    assert "Enter a name for the drop-in" in page.locator(".govuk-error-summary").inner_text()
    axe(page)


def test_recording_a_conversation_works_without_javascript(no_js_page, coordinator):
    page = no_js_page
    device = totp_device(coordinator)
    page.goto("/account/sign-in/")
    page.fill("#id_username", "lac@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.fill("#id_token", current_code(device))
    page.click("button:has-text('Continue')")
    page.goto("/people/")
    page.click("text=Ada Whitfield")
    page.click("text=Record a conversation")
    page.check("input[value='call']")
    page.fill("#id_notes", "Rang about the bowls club")
    page.click("button:has-text('Save')")
    assert page.locator("h1").inner_text().startswith("Ada Whitfield")
    assert "Rang about the bowls club" in page.content()


def test_subject_access_erasure_and_own_record_pages_are_accessible(page, axe, coordinator, make_user):
    from accounts.models import TeamMembership
    from people.models import Person

    TeamMembership.objects.filter(user=coordinator).update(is_lead=True)
    person = Person.objects.get(full_name="Ada Whitfield")
    resident = make_user(Role.RESIDENT, email="ada@example.org")
    person.account = resident
    person.account_confirmed_at = timezone.now()  # they said "Yes, this is me"
    person.save()
    device = totp_device(coordinator)
    page.goto("/account/sign-in/")
    page.fill("#id_username", "lac@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.fill("#id_token", current_code(device))
    page.click("button:has-text('Continue')")
    page.goto(f"/people/{person.pk}/subject-access/")
    assert page.locator("h1").inner_text() == "Everything we hold about Ada Whitfield"
    axe(page)
    page.goto(f"/people/{person.pk}/erase/")
    page.click("button:has-text('Erase the record')")
    assert "Confirm that you understand" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.click("text=Sign out")
    page.goto("/account/sign-in/")
    page.fill("#id_username", "ada@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto("/people/your-record/")
    assert page.locator("h1").inner_text() == "Your record" and "My garden" in page.content()
    axe(page)


def test_the_question_about_a_pending_link_is_accessible_and_fits_a_phone(phone_page, axe, make_user, team):
    """A team's pending link shows the resident its question, at 390 px, and "Yes" shows them
    their record."""
    from common.testing import sign_in_on_page
    from people.models import Person

    person = PersonFactory(team=team, full_name="Ada Whitfield", what_matters="My garden")
    resident = make_user(Role.RESIDENT, email="ada@example.org")
    Person.objects.filter(pk=person.pk).update(account=resident)
    phone_page.set_viewport_size({"width": 390, "height": 844})
    sign_in_on_page(phone_page, resident)
    phone_page.goto("/people/your-record/")
    question = f"{team.name} says it keeps a record about you. Is this you?"
    assert phone_page.locator("h2").first.inner_text() == question
    assert "My garden" not in phone_page.content()
    axe(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    for name in ("Yes, this is me", "No, this is not me"):
        box = phone_page.get_by_role("button", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    phone_page.get_by_role("button", name="Yes, this is me").click()
    assert "My garden" in phone_page.content()
    axe(phone_page)
