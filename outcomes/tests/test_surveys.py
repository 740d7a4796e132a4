"""Introducer surveys: each partner answers once from its own link; results as percentages, shown
once 5 have answered."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.testing import sign_in
from outcomes import services
from outcomes.models import Survey, SurveyAnswer
from outcomes.selectors import survey_results

STATEMENT = "Local Area Coordination is a valuable resource in our communities"


@pytest.fixture
def survey(db):
    survey = Survey.objects.create(
        title="How are we doing?", closes_on=timezone.localdate() + timedelta(days=14)
    )
    survey.statements.create(text=STATEMENT)
    return survey


def invite(survey, n):
    return services.invite_to_survey(survey, OrganisationFactory(), f"partner{n}@example.org")


def test_partners_answer_from_their_own_links_once(client, survey):
    invitation = invite(survey, 1)
    call_command("send_survey_invitations", survey.pk, "--now", "--site-url", "https://closeknit.example")
    assert f"https://closeknit.example/outcomes/surveys/answer/{invitation.token}/" in mail.outbox[0].body
    url = reverse("outcomes:answer_survey", args=[invitation.token])
    page = client.post(url, {}).content.decode()
    assert "Say how far you agree" in page and not SurveyAnswer.objects.exists()
    statement = survey.statements.get()
    client.post(url, {f"statement_{statement.pk}": "5"})
    assert "Thank you" in client.get(url).content.decode()
    client.post(url, {f"statement_{statement.pk}": "1"})  # a second go changes nothing
    assert list(SurveyAnswer.objects.values_list("agreement", flat=True)) == [5]
    assert client.get(reverse("outcomes:answer_survey", args=["not-a-token"])).status_code == 404


def test_results_are_percentages_once_five_have_answered(survey):
    statement = survey.statements.get()
    for n, agreement in enumerate([5, 4, 4, 2]):
        services.answer_survey(invite(survey, n), {statement.pk: agreement})
    assert survey_results(survey)[0]["agree"] is None  # 4 answers: too few to show
    services.answer_survey(invite(survey, 9), {statement.pk: 3})
    result = survey_results(survey)[0]
    assert (result["agree"], result["neither"], result["disagree"]) == (
        Decimal("60.0"),
        Decimal("20.0"),
        Decimal("20.0"),
    )


def test_a_closed_survey_takes_no_answers(survey):
    invitation = invite(survey, 1)
    Survey.objects.filter(pk=survey.pk).update(closes_on=date(2020, 1, 1))
    invitation.refresh_from_db()
    with pytest.raises(Exception, match="closed"):
        services.answer_survey(invitation, {survey.statements.get().pk: 5})


def test_results_page_is_for_commissioners(client, survey):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    assert STATEMENT in client.get(reverse("outcomes:survey_results", args=[survey.pk])).content.decode()
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert client.get(reverse("outcomes:survey_results", args=[survey.pk])).status_code == 403


def test_results_too_few_to_show_say_why_on_the_page(client, survey):
    statement = survey.statements.get()
    for n, agreement in enumerate([5, 4]):
        services.answer_survey(invite(survey, n), {statement.pk: agreement})
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    page = client.get(reverse("outcomes:survey_results", args=[survey.pk])).content.decode()
    assert "withheld: it rests on fewer than 5" in page and "It is withheld so that no one" in page
    for n, agreement in enumerate([4, 2, 3], start=2):
        services.answer_survey(invite(survey, n), {statement.pk: agreement})
    page = client.get(reverse("outcomes:survey_results", args=[survey.pk])).content.decode()
    assert "60.0%" in page and "withheld" not in page
