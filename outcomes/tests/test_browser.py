"""Outcome pages in Chromium: axe-clean, including a questionnaire with an error."""

from datetime import date

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in_on_page as sign_in
from outcomes import services
from outcomes.models import Instrument
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.browser


def test_outcome_pages_are_accessible(page, axe, transactional_db):
    person = PersonFactory(full_name="Ada Whitfield")
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[person.team], email="lac@example.org")
    ons4 = Instrument.objects.get(code="ons4")
    for on, satisfied in [(date(2026, 3, 1), 3), (date(2026, 9, 1), 7)]:
        answers = {"satisfied": satisfied, "worthwhile": 5, "happy": 6, "anxious": 4}
        services.record_response(coordinator, person, ons4, on, answers)
    sign_in(page, coordinator)
    page.goto(f"/outcomes/people/{person.pk}/")
    assert page.locator("h1").inner_text() == "Wellbeing and outcomes"
    axe(page)
    page.click("text=UCLA 3-item loneliness scale")
    page.click("button:has-text('Save')")
    assert "Answer question 1" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.click("text=Sign out")
    PersonFactory.create_batch(5, team=person.team)
    sign_in(page, UserFactory(role=Role.COMMISSIONER, email="commissioner@example.org"))
    page.goto("/outcomes/reach/")
    assert page.locator("h1").inner_text() == "Who we reach"
    axe(page)


def test_survey_and_social_value_pages_are_accessible(page, axe, transactional_db):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.tests.factories import OrganisationFactory
    from outcomes.models import Survey

    survey = Survey.objects.create(
        title="How are we doing?", closes_on=timezone.localdate() + timedelta(days=7)
    )
    survey.statements.create(text="Local Area Coordination is a valuable resource in our communities")
    invitation = services.invite_to_survey(survey, OrganisationFactory(), "partner@example.org")
    page.goto(f"/outcomes/surveys/answer/{invitation.token}/")
    axe(page)
    page.click("button:has-text('Send my answers')")
    assert "Say how far you agree" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.check("input[value='4']")
    page.click("button:has-text('Send my answers')")
    assert "Thank you" in page.locator(".govuk-panel").inner_text()
    call_command("import_unit_costs", "data/unit_costs/example_unit_costs.csv")
    sign_in(page, UserFactory(role=Role.COMMISSIONER, email="commissioner@example.org"))
    page.goto("/outcomes/social-value/")
    axe(page)
    page.goto(f"/outcomes/surveys/{survey.pk}/")
    axe(page)


def test_evaluation_report_page_is_accessible(page, axe, transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", residents=5, verbosity=0)
    sign_in(page, UserFactory(role=Role.COMMISSIONER, email="commissioner2@example.org"))
    page.goto("/outcomes/report/")
    assert page.locator("h1").inner_text() == "Evaluation report"
    axe(page)
