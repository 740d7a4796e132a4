"""After the award: the offer, acceptance (once, by the applicant, the bank account then masked),
the monitoring schedule, payments in tranches that a second officer approves, and the returns. Each
attack is tried: the same officer approving (through the service and straight in the database), an
officer of another fund, the applicant, paying an unapproved tranche, a tranche before acceptance,
tranches passing the grant."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.errors import NotPermitted
from grants import award_services
from grants.award_selectors import monitoring_schedule
from grants.models import Payment
from grants.tests.award_factories import ACCOUNT, due, make_grant, second_officer
from grants.tests.factories import make_fund

pytestmark = pytest.mark.django_db


def _message(error) -> str:
    return " ".join(error.value.messages)


def test_sending_the_offer_emails_the_applicant_a_link(django_capture_on_commit_callbacks):
    grant, officer = make_grant(offer=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        award_services.send_offer(officer, grant, link="https://closeknit.example/grants/grants/1/offer/")
    grant.refresh_from_db()
    assert grant.offer_sent_at is not None
    assert len(mail.outbox) == 1 and "https://closeknit.example/grants/grants/1/offer/" in mail.outbox[0].body
    assert "£1,000" in mail.outbox[0].body


def test_only_the_applicant_accepts_only_once_the_offer_is_sent_and_only_once():
    grant, officer = make_grant(offer=False)
    applicant = grant.application.applicant
    with pytest.raises(ValidationError) as error:
        award_services.accept_grant(applicant, grant, conditions_agreed=True, account=ACCOUNT)
    assert "not been sent" in _message(error)
    award_services.send_offer(officer, grant)
    for someone in (officer, UserFactory(role=Role.RESIDENT)):
        with pytest.raises(NotPermitted):
            award_services.accept_grant(someone, grant, conditions_agreed=True, account=ACCOUNT)
    accepted = award_services.accept_grant(applicant, grant, conditions_agreed=True, account=ACCOUNT)
    assert accepted.bank_sort_code == "309457" and accepted.bank_account_number == "12345678"
    assert accepted.masked_account == "**-**-57 ******78"
    with pytest.raises(ValidationError) as error:
        award_services.accept_grant(applicant, grant, conditions_agreed=True, account=ACCOUNT)
    assert "accepted already" in _message(error)


def test_acceptance_names_every_problem_with_the_bank_account_and_saves_nothing():
    grant, _ = make_grant(accept=False)
    bad = award_services.BankAccount("", "30-94-5", "1234567x")
    with pytest.raises(ValidationError) as error:
        award_services.accept_grant(grant.application.applicant, grant, conditions_agreed=True, account=bad)
    assert set(error.value.message_dict) == {"account_name", "sort_code", "account_number"}
    with pytest.raises(ValidationError) as error:
        award_services.accept_grant(
            grant.application.applicant, grant, conditions_agreed=False, account=ACCOUNT
        )
    assert "conditions_agreed" in error.value.message_dict
    grant.refresh_from_db()
    assert grant.accepted_at is None and grant.bank_account_number == "" and not grant.returns.exists()


def test_accepting_schedules_a_return_every_six_months_and_a_final_one_a_month_after_the_end():
    start = due(42)
    end = start + relativedelta(years=1, days=-1)
    grant, _ = make_grant(start=start, end=end)
    assert [(r.due_on, r.is_final) for r in grant.returns.all()] == [
        (start + relativedelta(months=6), False),
        (end + relativedelta(months=1), True),
    ]


def test_a_grant_accepted_after_its_planned_start_owes_nothing_on_the_day_it_is_accepted():
    # Planned to start ten months ago and end in a month: accepted today, the first six-monthly
    # return would have been overdue, and the final one near.
    today = timezone.localdate()
    end = today + relativedelta(months=1)
    grant, _ = make_grant(start=today - relativedelta(months=10), end=end)
    returns = [(r.due_on, r.is_final) for r in grant.returns.all()]
    assert returns == [(end + relativedelta(months=1), True)]
    assert all(due_on > today for due_on, _ in returns)
    # Planned to have ended already: the final return is still a month away.
    grant, _ = make_grant(start=today - relativedelta(months=14), end=today - relativedelta(months=2))
    assert [(r.due_on, r.is_final) for r in grant.returns.all()] == [(today + relativedelta(months=1), True)]
    # The schedule itself, by the planned dates alone or from a late acceptance.
    assert monitoring_schedule(date(2027, 1, 1), date(2028, 12, 31), accepted_on=date(2027, 3, 1)) == [
        (date(2027, 9, 1), False),
        (date(2028, 3, 1), False),
        (date(2028, 9, 1), False),
        (date(2029, 1, 31), True),
    ]
    assert monitoring_schedule(date(2027, 1, 1), date(2027, 12, 31), accepted_on=date(2026, 12, 1)) == (
        monitoring_schedule(date(2027, 1, 1), date(2027, 12, 31))
    )


def test_a_short_project_owes_only_the_final_return():
    assert monitoring_schedule(date(2027, 1, 1), date(2027, 4, 30)) == [(date(2027, 5, 30), True)]
    # An interim return a few weeks before the final one is left out.
    assert monitoring_schedule(date(2027, 1, 1), date(2027, 7, 31)) == [(date(2027, 8, 31), True)]
    assert monitoring_schedule(date(2027, 1, 1), date(2028, 12, 31)) == [
        (date(2027, 7, 1), False),
        (date(2028, 1, 1), False),
        (date(2028, 7, 1), False),
        (date(2029, 1, 31), True),
    ]


def test_a_tranche_set_up_by_one_officer_is_approved_by_another_then_paid(django_capture_on_commit_callbacks):
    grant, first = make_grant()
    second = second_officer(grant.application.round.fund)
    payment = award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    approved = award_services.approve_payment(second, payment)
    assert approved.approved_by == second
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paid = award_services.record_payment(first, approved, paid_on=due(0), reference="AP-1001")
    assert paid.paid_on == due(0) and paid.reference == "AP-1001"
    assert "**-**-57 ******78" in mail.outbox[0].body and "12345678" not in mail.outbox[0].body


def test_the_officer_who_set_up_a_tranche_cannot_approve_it():
    grant, first = make_grant()
    payment = award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    with pytest.raises(ValidationError) as error:
        award_services.approve_payment(first, payment)
    assert "another of the fund's officers must approve it" in _message(error)
    payment.refresh_from_db()
    assert payment.approved_at is None


def test_the_database_refuses_a_tranche_approved_by_whoever_set_it_up():
    grant, first = make_grant()
    payment = award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(approved_by=first)


def test_the_database_refuses_a_tranche_paid_without_approval():
    grant, first = make_grant()
    payment = award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(paid_on=due(0))


def test_an_unapproved_tranche_cannot_be_recorded_paid():
    grant, first = make_grant()
    payment = award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    with pytest.raises(ValidationError) as error:
        award_services.record_payment(first, payment, paid_on=due(0), reference="AP-1")
    assert "only once a second officer has approved it" in _message(error)


def test_a_tranche_cannot_be_recorded_paid_before_it_was_approved():
    grant, first = make_grant()
    second = second_officer(grant.application.round.fund)
    payment = award_services.approve_payment(
        second, award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    )
    with pytest.raises(ValidationError) as error:
        award_services.record_payment(first, payment, paid_on=due(-1), reference="AP-1")
    assert error.value.message_dict["paid_on"] == [
        f"It was approved on {due(0):%-d %B %Y}: the date it was paid cannot be before that."
    ]
    payment.refresh_from_db()
    assert payment.paid_on is None and payment.reference == ""


def test_an_officer_of_another_fund_and_the_applicant_cannot_set_up_approve_or_pay():
    grant, first = make_grant()
    _, stranger = make_fund(name="Another fund")
    applicant = grant.application.applicant
    payment = award_services.set_up_payment(first, grant, amount_pence=60_000, due_on=due(7))
    for someone in (stranger, applicant):
        with pytest.raises(NotPermitted):
            award_services.set_up_payment(someone, grant, amount_pence=1_000, due_on=due(7))
        with pytest.raises(NotPermitted):
            award_services.approve_payment(someone, payment)
        with pytest.raises(NotPermitted):
            award_services.record_payment(someone, payment, paid_on=due(0), reference="X")


def test_no_tranche_before_acceptance():
    grant, officer = make_grant(accept=False)
    with pytest.raises(ValidationError) as error:
        award_services.set_up_payment(officer, grant, amount_pence=10_000, due_on=due(7))
    assert "once the applicant has accepted" in _message(error)


@pytest.mark.parametrize("amount", [0, -100, "100", 1.5, True, None])
def test_a_tranche_must_be_whole_pence_above_nothing(amount):
    grant, officer = make_grant()
    with pytest.raises(ValidationError) as error:
        award_services.set_up_payment(officer, grant, amount_pence=amount, due_on=due(7))
    assert "amount" in error.value.message_dict


def test_tranches_together_may_not_pass_the_grant():
    grant, officer = make_grant()
    award_services.set_up_payment(officer, grant, amount_pence=70_000, due_on=due(7))
    with pytest.raises(ValidationError) as error:
        award_services.set_up_payment(officer, grant, amount_pence=30_001, due_on=due(30))
    assert "£300 is left" in _message(error)
    award_services.set_up_payment(officer, grant, amount_pence=30_000, due_on=due(30))
    assert grant.payments.count() == 2


def test_a_return_is_saved_part_done_then_sent_complete_once():
    grant, officer = make_grant()
    applicant = grant.application.applicant
    first = grant.returns.first()
    award_services.save_return(
        applicant, first, award_services.ReturnAnswers(what_happened="We met."), send=False
    )
    with pytest.raises(ValidationError) as error:
        award_services.save_return(
            applicant, first, award_services.ReturnAnswers(what_happened="We met."), send=True
        )
    assert "people_reached" in error.value.message_dict
    with pytest.raises(NotPermitted):
        award_services.save_return(officer, first, award_services.ReturnAnswers(), send=False)
    sent = award_services.save_return(
        applicant,
        first,
        award_services.ReturnAnswers(what_happened="We met weekly.", people_reached=42, spend_pence=0),
        send=True,
    )
    assert sent.submitted_at is not None and sent.submitted_by == applicant and sent.people_reached == 42
    with pytest.raises(ValidationError) as error:
        award_services.save_return(applicant, first, award_services.ReturnAnswers(), send=False)
    assert "sent already" in _message(error)
