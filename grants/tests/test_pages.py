"""Grants pages: an applicant is screened, starts, saves a draft, previews and sends once; bad
input is answered on the page naming the field, never a 500, and saves nothing; every denial
(another applicant's application by id, a fund officer of another fund, signed out, a fund
officer without their second factor) is refused."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import assert_denied, sign_in
from grants import services
from grants.models import Application, Round
from grants.tests.factories import complete_answers, make_round, question, start_group_application
from places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    found, _ = make_round()
    return found


def _officer(round_):
    return round_.fund.officers.get().user


def test_a_resident_is_screened_starts_saves_a_draft_previews_and_sends(client, round_):
    resident = UserFactory(role=Role.RESIDENT)
    sign_in(client, resident)
    screening = round_.eligibility_questions.get()
    page = client.get(reverse("grants:round", args=[round_.pk]))
    assert "Start an application" in page.content.decode()
    refused = client.post(
        reverse("grants:eligibility", args=[round_.pk]), {f"eligibility_{screening.pk}": "no"}
    )
    assert "This fund is for groups in East Cambridgeshire only." in refused.content.decode()
    assert client.get(reverse("grants:start", args=[round_.pk])).status_code == 302  # not screened yet
    passed = client.post(
        reverse("grants:eligibility", args=[round_.pk]), {f"eligibility_{screening.pk}": "yes"}
    )
    assert passed.status_code == 302
    postcode = PostcodeFactory()
    started = client.post(
        reverse("grants:start", args=[round_.pk]),
        {
            "applies_as": "group",
            "group_name": "Knit and Natter",
            "postcode": postcode.postcode,
            "title": "A knitting group",
            "contact_name": "Ann",
        },
    )
    application = Application.objects.get()
    assert started.status_code == 302 and application.applicant == resident
    again = client.get(reverse("grants:start", args=[round_.pk]))  # another application screens again
    assert again.headers["Location"] == reverse("grants:eligibility", args=[round_.pk])
    section = round_.sections.get(title="About your project")
    text = question(round_, "text")
    saved = client.post(
        reverse("grants:answer_section", args=[application.pk, section.pk]), {f"q{text.pk}": "Knit."}
    )
    assert saved.status_code == 302 and application.answers.get(question=text).text == "Knit."
    money = round_.sections.get(title="Money")
    amount, budget = question(round_, "amount"), question(round_, "budget")
    too_little = client.post(
        reverse("grants:answer_section", args=[application.pk, money.pk]), {f"q{amount.pk}": "1"}
    )
    body = too_little.content.decode()
    assert (
        too_little.status_code == 200
        and "ask for between £250 and £5,000" in body
        and "<title>Error:" in body
    )
    no_amount = client.post(
        reverse("grants:answer_section", args=[application.pk, money.pk]), {f"q{budget.pk}_item_0": "Wool"}
    )
    assert "Give an amount for item 1" in no_amount.content.decode()
    assert not application.answers.filter(question__in=[amount, budget]).exists()  # nothing of it saved
    refused = client.post(reverse("grants:preview", args=[application.pk]))
    assert (
        "cannot be sent yet" in refused.content.decode()
        and "“When will it start?”: answer this question." in refused.content.decode()
    )
    services.save_answers(resident, application, complete_answers(round_))
    sent = client.post(reverse("grants:preview", args=[application.pk]))
    assert sent.status_code == 302
    again = client.post(reverse("grants:preview", args=[application.pk]))
    assert again.status_code == 200 and "sent already" in again.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_start_page_names_each_field_at_fault_and_saves_nothing(client, round_):
    sign_in(client, UserFactory(role=Role.RESIDENT))
    screening = round_.eligibility_questions.get()
    client.post(reverse("grants:eligibility", args=[round_.pk]), {f"eligibility_{screening.pk}": "yes"})
    typed = {"applies_as": "group", "group_name": "G", "postcode": "M1 1AA", "title": "", "contact_name": "C"}
    response = client.post(reverse("grants:start", args=[round_.pk]), typed)
    assert response.status_code == 200 and "Enter your project&#x27;s title" in response.content.decode()
    typed.update(title="T", postcode="XX")
    response = client.post(reverse("grants:start", args=[round_.pk]), typed)
    assert response.status_code == 200 and "is not a UK postcode" in response.content.decode()
    assert not Application.objects.exists()


def test_another_applicants_application_is_not_found_by_id(client, round_):
    application = start_group_application(round_)
    section = round_.sections.first()
    sign_in(client, UserFactory(role=Role.RESIDENT))
    for url in (
        reverse("grants:application", args=[application.pk]),
        reverse("grants:answer_section", args=[application.pk, section.pk]),
        reverse("grants:preview", args=[application.pk]),
    ):
        assert_denied(client.get(url))
    for url in (
        reverse("grants:answer_section", args=[application.pk, section.pk]),
        reverse("grants:preview", args=[application.pk]),
        reverse("grants:send_information", args=[application.pk]),
    ):
        assert_denied(client.post(url, {}))
    assert_denied(client.post(reverse("grants:send_information", args=[application.pk])))
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_signed_out_visitors_see_open_rounds_but_nothing_else(client, round_):
    application = start_group_application(round_)
    assert client.get(reverse("grants:home")).status_code == 200
    assert client.get(reverse("grants:round", args=[round_.pk])).status_code == 200
    for url in (
        reverse("grants:eligibility", args=[round_.pk]),
        reverse("grants:application", args=[application.pk]),
        reverse("grants:funds"),
        reverse("grants:manage_round", args=[round_.pk]),
        reverse("grants:request_information", args=[application.pk]),
    ):
        assert_denied(client.get(url))


def test_an_unpublished_round_is_hidden_from_all_but_its_officers(client):
    round_, officer = make_round(publish=False)
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert_denied(client.get(reverse("grants:round", args=[round_.pk])))
    sign_in(client, officer)
    assert client.get(reverse("grants:round", args=[round_.pk])).status_code == 200


def test_a_fund_officer_of_another_fund_sees_none_of_this_funds_rounds_or_applications(client, round_):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    _, other = make_round(name="Elsewhere")
    sign_in(client, other)
    for url in (
        reverse("grants:manage_round", args=[round_.pk]),
        reverse("grants:edit_round", args=[round_.pk]),
        reverse("grants:preview_round", args=[round_.pk]),
        reverse("grants:add_section", args=[round_.pk]),
        reverse("grants:application", args=[application.pk]),
        reverse("grants:request_information", args=[application.pk]),
    ):
        assert_denied(client.get(url))
    assert_denied(client.post(reverse("grants:publish_round", args=[round_.pk])))
    assert_denied(client.post(reverse("grants:request_information", args=[application.pk]), {"message": "x"}))
    assert not application.information_requests.exists()


def test_a_fund_officer_proves_a_second_factor_before_any_application_or_round(client, round_):
    application = start_group_application(round_)
    sign_in(client, _officer(round_), two_factor=False)
    for url in (
        reverse("grants:funds"),
        reverse("grants:manage_round", args=[round_.pk]),
        reverse("grants:application", args=[application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/account/two-factor/" in response.headers["Location"]


def test_the_officer_sets_up_previews_and_publishes_a_round(client):
    round_, officer = make_round(publish=False)
    sign_in(client, officer)
    manage = client.get(reverse("grants:manage_round", args=[round_.pk]))
    assert manage.status_code == 200 and "What will you spend it on?" in manage.content.decode()
    preview = client.get(reverse("grants:preview_round", args=[round_.pk]))
    body = preview.content.decode()
    assert "Are you based in East Cambridgeshire?" in body and "Nothing typed here is saved" in body
    bad = client.post(
        reverse("grants:add_question", args=[round_.pk, round_.sections.first().pk]),
        {"kind": "text", "text": "Tell us more"},
    )
    assert "Give a word limit from 1 to 5,000." in bad.content.decode()
    client.post(reverse("grants:publish_round", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.is_published


def test_a_round_with_applications_cannot_change_its_questions(client, round_):
    start_group_application(round_)
    officer = _officer(round_)
    sign_in(client, officer)
    text = question(round_, "text")
    response = client.post(reverse("grants:remove_question", args=[round_.pk, text.pk]), follow=True)
    assert "questions cannot change" in response.content.decode()
    assert round_.sections.first().questions.filter(pk=text.pk).exists()


def test_the_officer_asks_for_more_information_naming_the_questions(client, round_):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    sign_in(client, _officer(round_))
    url = reverse("grants:request_information", args=[application.pk])
    bad = client.post(url, {"message": ""})
    assert "Enter what you need to know" in bad.content.decode()
    assert "Choose the questions the applicant may answer again" in bad.content.decode()
    client.post(url, {"message": "More, please.", "questions": [question(round_, "text").pk]})
    application.refresh_from_db()
    assert application.status == Application.Status.MORE_INFORMATION


def test_round_limits_are_checked_with_the_field_named(client):
    round_, officer = make_round(publish=False)
    sign_in(client, officer)
    response = client.post(
        reverse("grants:new_round", args=[round_.fund.pk]),
        {
            "name": "Winter",
            "opens_on": "2027-01-10",
            "closes_on": "2027-01-01",
            "budget": "1000",
            "minimum_award": "500",
            "maximum_award": "200",
        },
    )
    assert "The closing date must be on or after the opening date." in response.content.decode()
    assert Round.objects.count() == 1


def test_a_fund_officer_does_not_see_a_draft_until_it_is_sent(client, round_):
    application = start_group_application(round_)
    sign_in(client, _officer(round_))
    assert_denied(client.get(reverse("grants:application", args=[application.pk])))
    page = client.get(reverse("grants:manage_round", args=[round_.pk])).content.decode()
    assert "1 draft not sent yet" in page and application.title not in page
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    assert client.get(reverse("grants:application", args=[application.pk])).status_code == 200
