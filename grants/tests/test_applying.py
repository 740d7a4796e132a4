"""Applying to a round: screening stops the wrong answers before anything is written; drafts save
partial answers, each checked for its kind; submitting checks everything (every problem named by
its question) and happens once, with one receipt; after the round closes nothing changes except
through a logged request for more information, which re-opens only the questions it names."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible
from directory.models import OrganizationIdentifier
from directory.tests.factories import ProviderFactory
from grants import services
from grants.models import Answer, Application, InformationRequest
from grants.services import Applicant, Budget
from grants.tests.factories import (
    close,
    complete_answers,
    eligible,
    make_round,
    question,
    start_group_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    found, _ = make_round()
    return found


def test_answering_a_screening_question_the_wrong_way_stops_with_the_reason_and_writes_nothing(round_):
    screening = round_.eligibility_questions.get()
    with pytest.raises(ValidationError) as refused:
        services.check_eligibility(round_, {screening.pk: False})
    assert refused.value.message_dict == {
        f"eligibility_{screening.pk}": ["This fund is for groups in East Cambridgeshire only."]
    }
    with pytest.raises(ValidationError):
        services.start_application(
            UserFactory(),
            round_,
            {screening.pk: False},
            Applicant(applies_as="group", group_name="G", postcode="M1 1AA", title="T", contact_name="C"),
        )
    assert not Application.objects.exists()


def test_an_unanswered_screening_question_is_named(round_):
    screening = round_.eligibility_questions.get()
    with pytest.raises(ValidationError) as refused:
        services.check_eligibility(round_, {})
    assert f"eligibility_{screening.pk}" in refused.value.message_dict


def test_a_resident_starts_a_draft_for_an_unconstituted_group_with_its_postcode(round_):
    application = start_group_application(round_)
    assert application.status == Application.Status.DRAFT
    assert application.group_name == "Soham Timebank Friends" and application.postcode.ward is not None
    assert application.eligibility_answers.count() == 1


def test_a_group_needs_its_postcode_and_a_real_one(round_):
    for typed, message in (("", "Enter the group's postcode."), ("ZZ9 9ZZ", "We do not know the postcode")):
        with pytest.raises(ValidationError) as refused:
            services.start_application(
                UserFactory(),
                round_,
                eligible(round_),
                Applicant(applies_as="group", group_name="G", postcode=typed, title="T", contact_name="C"),
            )
        assert message in refused.value.message_dict["postcode"][0]
    assert not Application.objects.exists()


def test_an_editor_applies_for_their_organisation_and_its_charity_number_is_kept(round_):
    editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    provider = ProviderFactory(owner=editor.organisation)
    OrganizationIdentifier.objects.create(
        organization=provider,
        identifier_scheme="GB-CHC",
        identifier_type="Charity number",
        identifier="1234567",
    )
    application = services.start_application(
        editor,
        round_,
        eligible(round_),
        Applicant(applies_as="organisation", organisation=provider, title="Timebank", contact_name="Pat"),
    )
    assert application.organisation == provider and application.charity_number == "1234567"


def test_no_one_applies_for_an_organisation_they_do_not_edit(round_):
    provider = ProviderFactory()
    with pytest.raises(ValidationError) as refused:
        services.start_application(
            UserFactory(role=Role.ORGANISATION_EDITOR),
            round_,
            eligible(round_),
            Applicant(applies_as="organisation", organisation=provider, title="T", contact_name="C"),
        )
    assert "organisation" in refused.value.message_dict
    assert not Application.objects.exists()


def test_a_draft_saves_partial_answers_and_changes_them(round_):
    application = start_group_application(round_)
    text = question(round_, "text")
    services.save_answers(application.applicant, application, {text.pk: "A first go."})
    services.save_answers(application.applicant, application, {text.pk: "A second go."})
    assert Answer.objects.get(application=application, question=text).text == "A second go."
    assert application.answers.count() == 1


@pytest.mark.parametrize(
    "kind,value,message",
    [
        ("text", "word " * 51, "use 50 words or fewer (you have 51)"),
        ("amount", 10_000, "ask for between £250 and £5,000"),
        ("amount", 600_000, "ask for between £250 and £5,000"),
        ("choice", "Blue", "choose one of the options"),
        ("budget", Budget((("", 1_000),)), "describe each item"),
    ],
)
def test_a_bad_answer_is_refused_naming_its_question_and_nothing_is_saved(round_, kind, value, message):
    application = start_group_application(round_)
    asked = question(round_, kind)
    text = question(round_, "text")
    with pytest.raises(ValidationError) as refused:
        services.save_answers(application.applicant, application, {text.pk: "Fine.", asked.pk: value})
    assert message in refused.value.message_dict[f"q{asked.pk}"][0]
    assert asked.text in refused.value.message_dict[f"q{asked.pk}"][0]
    assert not application.answers.exists()


def test_words_are_counted_on_the_server_however_they_are_spaced(round_):
    assert services.count_words("  one\ttwo\n\nthree   four ") == 4


def test_submitting_names_every_missing_answer_by_its_question(round_):
    application = start_group_application(round_)
    with pytest.raises(ValidationError) as refused:
        services.submit_application(application.applicant, application)
    problems = refused.value.message_dict
    assert len(problems) == 5 and all("answer this question" in p[0] for p in problems.values())
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT and mail.outbox == []


def test_a_budget_adding_up_to_more_than_the_amount_asked_is_refused_on_submit(round_):
    application = start_group_application(round_)
    answers = complete_answers(round_)
    answers[question(round_, "budget").pk] = Budget((("Broker", 90_000), ("Leaflets", 40_000)))
    services.save_answers(application.applicant, application, answers)
    with pytest.raises(ValidationError) as refused:
        services.submit_application(application.applicant, application)
    assert refused.value.message_dict[f"q{question(round_, 'budget').pk}"] == [
        "“What will you spend it on?”: the budget adds up to £1,300, more than the £1,000 you ask for."
    ]


def test_submitting_happens_once_with_one_receipt(round_, django_capture_on_commit_callbacks):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application.applicant, application)
    with (
        pytest.raises(ValidationError, match="sent already"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.submit_application(application.applicant, application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.submitted_at
    assert application.amount_requested_pence == 100_000
    assert len(mail.outbox) == 1 and "We have your application" in mail.outbox[0].subject
    assert "£1,000" in mail.outbox[0].body
    assert AuditEvent.objects.filter(note="application submitted").count() == 1


def test_a_submitted_application_cannot_be_changed(round_):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.save_answers(application.applicant, application, {question(round_, "text").pk: "Changed."})


def test_after_the_round_closes_a_draft_can_neither_change_nor_be_sent(round_):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    close(round_)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.save_answers(application.applicant, application, {question(round_, "text").pk: "Late."})
    with pytest.raises(ValidationError, match="round has closed"):
        services.submit_application(application.applicant, application)


def test_more_information_reopens_only_the_named_questions_until_answered(
    round_, django_capture_on_commit_callbacks
):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    close(round_)
    officer = round_.fund.officers.get().user
    text, amount = question(round_, "text"), question(round_, "amount")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_more_information(officer, application, message="Say more, please.", questions=[text])
    assert "Say more, please." in mail.outbox[-1].body and text.text in mail.outbox[-1].body
    application.refresh_from_db()
    assert application.status == Application.Status.MORE_INFORMATION
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.save_answers(application.applicant, application, {amount.pk: 200_000})
    services.save_answers(application.applicant, application, {text.pk: "More words about the timebank."})
    services.send_requested_information(application.applicant, application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert InformationRequest.objects.get().answered_at is not None
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.save_answers(application.applicant, application, {text.pk: "Again."})


def test_a_request_for_more_information_needs_a_message_and_questions(round_):
    application = start_group_application(round_)
    services.save_answers(application.applicant, application, complete_answers(round_))
    services.submit_application(application.applicant, application)
    officer = round_.fund.officers.get().user
    with pytest.raises(ValidationError) as refused:
        services.request_more_information(
            officer, application, message=" ", questions=[question(round_, "text")]
        )
    assert "message" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.request_more_information(officer, application, message="Why?", questions=[])
    assert "questions" in refused.value.message_dict
    assert not InformationRequest.objects.exists()


def test_only_the_applicant_saves_or_submits_and_only_the_funds_officer_asks_for_more(round_):
    application = start_group_application(round_)
    stranger = UserFactory()
    with pytest.raises(NotVisible):
        services.save_answers(stranger, application, {question(round_, "text").pk: "Mine now."})
    with pytest.raises(NotVisible):
        services.submit_application(stranger, application)
    other_round, other_officer = make_round(name="Other")
    with pytest.raises(NotPermitted):
        services.request_more_information(other_officer, application, message="?", questions=[])
    assert not application.answers.exists()
