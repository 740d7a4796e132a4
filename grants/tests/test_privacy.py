"""Subject access reaches the applications a sign-in wrote, with their answers and any request for
more information; erasure deletes their drafts and takes them off the applications they sent,
which stay (the fund accounts for what it was asked) without their name, email or phone."""

import pytest

from accounts.privacy import ERASED_NAME, account_sections, erase_account
from grants import services
from grants.models import Answer, Application
from grants.tests.factories import complete_answers, make_round, question, start_group_application

pytestmark = pytest.mark.django_db


def test_subject_access_lists_the_applications_and_their_answers():
    round_, officer = make_round()
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    services.request_more_information(
        officer, application, message="Who runs it?", questions=[question(round_, "text")]
    )
    sections = {s["key"]: s for s in account_sections(application.applicant)}
    record = sections["grant_applications"]["records"][0]
    assert record["project"] == "Start a timebank" and record["contact_name"] == "Sam Ng"
    assert record["answers"]["How much do you ask for?"] == "£1,000"
    assert record["answers"]["What will you spend it on?"][0] == {"item": "Broker", "amount": "£600"}
    assert record["requests_for_more_information"][0]["message"] == "Who runs it?"


def test_erasure_deletes_drafts_and_takes_the_person_off_what_they_sent():
    round_, _ = make_round()
    sent = start_group_application(round_)
    applicant = sent.applicant
    services.save_answers(applicant, sent, complete_answers(round_))
    services.submit_application(applicant, sent)
    draft = start_group_application(round_, applicant=applicant)
    services.save_answers(applicant, draft, {question(round_, "text").pk: "A draft."})
    erase_account(applicant)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not Answer.objects.filter(application_id=draft.pk).exists()
    sent.refresh_from_db()
    assert sent.applicant is None and sent.contact_name == ERASED_NAME and sent.contact_email == ""
    assert sent.status == Application.Status.SUBMITTED and sent.answers.count() == 5
