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


def test_subject_access_shows_the_grant_with_the_account_masked_and_the_returns_they_wrote():
    from grants import award_services
    from grants.tests.award_factories import make_grant

    grant, _ = make_grant()
    applicant = grant.application.applicant
    award_services.save_return(
        applicant,
        grant.returns.first(),
        award_services.ReturnAnswers(what_happened="Twelve swaps.", people_reached=9, spend_pence=100),
        send=True,
    )
    record = {s["key"]: s for s in account_sections(applicant)}["grant_applications"]["records"][0]
    assert record["grant"]["bank_account"] == "**-**-57 ******78"
    assert record["grant"]["monitoring_returns"][0]["what_happened"] == "Twelve swaps."
    assert "12345678" not in str(record) and "309457" not in str(record)


def test_erasure_keeps_the_grant_but_takes_the_person_and_a_groups_account_off_it():
    from grants import award_services
    from grants.models import Grant, MonitoringReturn
    from grants.tests.award_factories import make_grant

    grant, _ = make_grant()
    applicant = grant.application.applicant
    first = grant.returns.first()
    award_services.save_return(
        applicant,
        first,
        award_services.ReturnAnswers(what_happened="Swaps.", people_reached=9, spend_pence=0),
        send=True,
    )
    erase_account(applicant)
    kept = Grant.objects.get(pk=grant.pk)
    assert kept.amount_pence == 100_000 and kept.accepted_at is not None
    assert kept.accepted_by is None and kept.accepted_by_name == ERASED_NAME
    assert kept.bank_account_name == ERASED_NAME and kept.masked_account == "**-**-57 ******78"
    assert "12345678" not in kept.bank_account_number
    sent = MonitoringReturn.objects.get(pk=first.pk)
    assert sent.submitted_by is None and sent.what_happened == "Swaps."


def test_erasure_takes_the_persons_name_out_of_the_grants_published_words_while_it_is_known():
    """The 360Giving files take the contact's name out of the title and description as they are
    read; after erasure the name is gone from the application, so it is taken out of the words
    themselves first, or the next download would publish it."""
    from grants import award_services, threesixty
    from grants.tests.award_factories import make_grant

    grant, officer = make_grant(offer=False, accept=False)
    application = grant.application
    name = application.contact_name
    Application.objects.filter(pk=application.pk).update(title=f"{name}'s lunch club")
    text = question(application.round, "text")
    Answer.objects.filter(application=application, question=text).update(
        text=f"Run by {name} (ring 07700 900123)."
    )
    award_services.send_offer(officer, grant)
    fund = application.round.fund
    type(fund).objects.filter(pk=fund.pk).update(prefix="360G-test", org_identifier="GB-LAE-TST")
    before = threesixty.package_json(threesixty.fund_package(type(fund).objects.get(pk=fund.pk)))
    assert name not in before and name.split()[-1] not in before

    erase_account(application.applicant)
    application.refresh_from_db()
    assert application.contact_name == ERASED_NAME
    assert application.title == "[removed]'s lunch club"
    kept = Answer.objects.get(application=application, question=text).text
    assert name not in kept and "07700" not in kept
    after = threesixty.package_json(threesixty.fund_package(type(fund).objects.get(pk=fund.pk)))
    assert name not in after and name.split()[-1] not in after
