"""Quarterly returns of personal budgets, by their rules: a return for each ended quarter of a
direct payment or an ISF (none for a council-managed budget), submitted by whoever holds the money
with the ledger's figures beside the bank statement's, queried and answered, closed by the
council's finance officer; each illegal step refused; a double press does it once; reminders sent
once each; a long overdue return suspends payments in until it is closed; subject access and
erasure reach the returns."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from care import budget_services, return_selectors, return_services
from care.models import PersonalBudget, QuarterlyReturn, ReturnMessage, ReturnReminder
from care.return_reminders import send_return_reminders
from care.tests.budget_factories import (
    editor_of,
    make_budget,
    make_council,
    make_finance_officer,
    officer_of,
)
from common.errors import NotPermitted, Refusal
from people.signals import person_erased
from people.subject_access import subject_access_data
from people.tests.factories import PersonFactory

SUMMER = date(2026, 7, 15)  # April to June 2026 has ended; its return is due on 28 July
Q1 = date(2026, 4, 1)


@pytest.fixture
def resident(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def representative(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def direct(db, resident, representative):
    """A direct payment (from 1 April 2026) with £800 paid in and £250 spent in May."""
    person = PersonFactory(account=resident, account_confirmed_at=timezone.now())
    budget = make_budget(
        kind=PersonalBudget.Kind.DIRECT_PAYMENT, person=person, representative=representative
    )
    officer = officer_of(budget)
    budget_services.pay_in(officer, budget, amount_pence=80_000, occurred_on=date(2026, 5, 1))
    budget_services.record_spending(
        officer,
        budget,
        line=budget.lines.first(),
        amount_pence=25_000,
        evidence="INV-1",
        occurred_on=date(2026, 5, 10),
    )
    # Later spending is not the quarter's.
    budget_services.record_spending(
        officer, budget, line=budget.lines.first(), amount_pence=1_000, evidence="INV-2"
    )
    return budget


def _opened(budget, today=SUMMER):
    return_services.open_returns(today)
    return QuarterlyReturn.objects.get(budget=budget, quarter_start=Q1)


def _submit(user, budget_return, balance=55_000, evidence="Statement 30/06/2026\nINV-1", **more):
    return return_services.submit_return(
        user, budget_return, statement_balance_pence=balance, evidence=evidence, **more
    )


def _events(target, note):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk), note=note
    )


# Quarters and opening returns


@pytest.mark.parametrize(
    "day, quarter",
    [
        (date(2026, 4, 1), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2027, 2, 14), (date(2027, 1, 1), date(2027, 3, 31))),
    ],
)
def test_quarters_are_the_uk_financial_quarters(day, quarter):
    assert return_selectors.quarter_of(day) == quarter


def test_a_return_is_opened_for_each_ended_quarter_of_a_direct_payment_and_an_isf_only(db):
    council = make_council(return_due_days=14)
    officer = make_finance_officer(council)
    isf = make_budget(council=council, officer=officer)
    direct = make_budget(kind=PersonalBudget.Kind.DIRECT_PAYMENT, council=council, officer=officer)
    managed = make_budget(kind=PersonalBudget.Kind.COUNCIL_MANAGED, council=council, officer=officer)
    opened = return_services.open_returns(date(2026, 10, 2))
    assert len(opened) == 4  # April to June and July to September, for each of two
    assert not managed.returns.exists()
    first = isf.returns.get(quarter_start=Q1)
    assert (first.quarter_end, first.due_on, first.state) == (date(2026, 6, 30), date(2026, 7, 14), "due")
    assert first.quarter_label == "April to June 2026"
    assert direct.returns.count() == 2
    assert return_services.open_returns(date(2026, 10, 3)) == []  # nothing opened twice
    assert QuarterlyReturn.objects.count() == 4


def test_a_budget_that_ended_has_no_return_for_the_quarters_after(db):
    budget = make_budget(kind=PersonalBudget.Kind.DIRECT_PAYMENT, ends_on=date(2026, 5, 31))
    return_services.open_returns(date(2027, 1, 5))
    assert list(budget.returns.values_list("quarter_start", flat=True)) == [Q1]


# Submitting


def test_the_return_states_the_quarters_spending_from_the_ledger_beside_the_statement(direct, resident):
    budget_return = _submit(resident, _opened(direct), balance=54_000, note="One cheque not cleared.")
    assert budget_return.state == "submitted"
    assert budget_return.spent_pence == 25_000  # May's spending, not today's
    assert budget_return.paid_in_pence == 80_000
    assert budget_return.ledger_balance_pence == 55_000
    assert budget_return.statement_balance_pence == 54_000
    assert budget_return.difference_pence == -1_000
    assert budget_return.evidence == "Statement 30/06/2026\nINV-1"
    assert budget_return.submitted_by == resident and budget_return.submitted_at is not None
    assert _events(budget_return, "quarterly return submitted").filter(actor=resident).count() == 1


def test_the_representative_submits_a_direct_payments_return(direct, representative):
    assert _submit(representative, _opened(direct)).submitted_by == representative


def test_the_isf_provider_submits_the_isfs_return(db):
    budget = make_budget()
    assert _submit(editor_of(budget), _opened(budget), balance=0).state == "submitted"


def _finance(budget):
    return officer_of(budget)


def _other_resident(budget):
    return UserFactory(role=Role.RESIDENT)


def _coordinator(budget):
    return UserFactory(role=Role.COORDINATOR, teams=[budget.person.team])


def _other_provider(budget):
    from care.tests.budget_factories import make_provider

    return make_provider()[1]


@pytest.mark.parametrize("who", [_finance, _other_resident, _coordinator, _other_provider])
def test_nobody_but_whoever_holds_the_money_submits(direct, who):
    budget_return = _opened(direct)
    with pytest.raises(NotPermitted):
        _submit(who(direct), budget_return)
    budget_return.refresh_from_db()
    assert budget_return.state == "due" and budget_return.submitted_at is None


def test_the_isfs_person_does_not_submit_the_providers_return(db, resident):
    budget = make_budget(person=PersonFactory(account=resident, account_confirmed_at=timezone.now()))
    with pytest.raises(NotPermitted):
        _submit(resident, _opened(budget))


def test_submitting_twice_submits_once(direct, resident):
    budget_return = _opened(direct)
    _submit(resident, budget_return)
    first = QuarterlyReturn.objects.get(pk=budget_return.pk).submitted_at
    again = _submit(resident, budget_return, balance=1)  # the button pressed twice
    assert again.submitted_at == first and again.statement_balance_pence == 55_000
    assert _events(budget_return, "quarterly return submitted").count() == 1


def test_a_return_submitted_by_one_is_not_submitted_again_by_the_other(direct, resident, representative):
    budget_return = _opened(direct)
    _submit(resident, budget_return)
    with pytest.raises(Refusal, match="This return was submitted on"):
        _submit(representative, budget_return)


def test_a_quarter_not_yet_over_cannot_be_returned(direct, resident):
    start, end = return_selectors.quarter_of(timezone.localdate())
    budget_return = QuarterlyReturn.objects.create(
        budget=direct, quarter_start=start, quarter_end=end, due_on=end + timedelta(days=28)
    )
    with pytest.raises(Refusal, match="The quarter runs until"):
        _submit(resident, budget_return)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"evidence": "  \n "}, "evidence", "at least one bank statement or invoice"),
        ({"evidence": "\n".join(f"INV-{n}" for n in range(21))}, "evidence", "at most 20 references"),
        ({"evidence": "x" * 101}, "evidence", "at most 100 characters"),
        ({"balance": "550.00"}, "statement_balance_pence", "in pounds and pence"),
        ({"balance": 10**12}, "statement_balance_pence", "must be between"),
        ({"note": "x" * 2001}, "note", "at most 2,000 characters"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_saves_nothing(direct, resident, fields, field, message):
    budget_return = _opened(direct)
    with pytest.raises(Refusal) as refused:
        _submit(resident, budget_return, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    budget_return.refresh_from_db()
    assert budget_return.state == "due" and budget_return.evidence == "" and budget_return.note == ""


# Query, answer, close


def test_the_whole_conversation_ends_closed_by_the_officer(
    direct, resident, mailoutbox, django_capture_on_commit_callbacks
):
    officer = officer_of(direct)
    budget_return = _submit(resident, _opened(direct))
    with django_capture_on_commit_callbacks(execute=True):
        return_services.query_return(officer, budget_return, question="Which invoice is the £10?")
    assert budget_return.state == "queried"
    assert [m.to for m in mailoutbox] == [[resident.email], [direct.representative.email]]
    assert "Which invoice" not in mailoutbox[0].body and direct.person.full_name not in mailoutbox[0].body
    return_services.answer_query(resident, budget_return, answer="INV-1, paid on 10 May.")
    assert budget_return.state == "responded"
    return_services.query_return(officer, budget_return, question="And the statement?")
    return_services.answer_query(resident, budget_return, answer="Attached reference ST-06.")
    closed = return_services.close_return(officer, budget_return)
    assert closed.state == "closed" and closed.closed_by == officer and closed.closed_at is not None
    thread = list(budget_return.messages.values_list("from_council", "text"))
    assert thread == [
        (True, "Which invoice is the £10?"),
        (False, "INV-1, paid on 10 May."),
        (True, "And the statement?"),
        (False, "Attached reference ST-06."),
    ]
    assert _events(budget_return, "quarterly return closed").filter(actor=officer).exists()


def test_the_officer_closes_a_submitted_return_without_a_question(direct, resident):
    budget_return = _submit(resident, _opened(direct))
    assert return_services.close_return(officer_of(direct), budget_return).state == "closed"


@pytest.mark.parametrize(
    "state, action, message",
    [
        ("due", "query", "has not been submitted yet"),
        ("due", "close", "has not been submitted yet"),
        ("due", "answer", "no question waiting"),
        ("submitted", "answer", "no question waiting"),
        ("queried", "query", "waiting for an answer"),
        ("queried", "close", "waiting for an answer"),
        ("responded", "answer", "no question waiting"),
        ("closed", "query", "is closed"),
        ("closed", "answer", "no question waiting"),
        ("closed", "submit", "was submitted on"),
        ("queried", "submit", "was submitted on"),
    ],
)
def test_each_step_out_of_turn_is_refused(direct, resident, state, action, message):
    officer = officer_of(direct)
    budget_return = _opened(direct)
    if state != "due":
        _submit(resident, budget_return)
    if state in ("queried", "responded", "closed"):
        return_services.query_return(officer, budget_return, question="Why?")
    if state in ("responded", "closed"):
        return_services.answer_query(resident, budget_return, answer="Because.")
    if state == "closed":
        return_services.close_return(officer, budget_return)
    assert budget_return.state == state
    messages = ReturnMessage.objects.count()
    act = {
        "query": lambda: return_services.query_return(officer, budget_return, question="Another?"),
        "answer": lambda: return_services.answer_query(resident, budget_return, answer="Another."),
        "close": lambda: return_services.close_return(officer, budget_return),
        "submit": lambda: _submit(direct.representative, budget_return),
    }[action]
    with pytest.raises(Refusal, match=message):
        act()
    budget_return.refresh_from_db()
    assert budget_return.state == state and ReturnMessage.objects.count() == messages


def test_only_the_councils_finance_officers_query_and_close(direct, resident, representative):
    budget_return = _submit(resident, _opened(direct))
    another_council = make_finance_officer(make_council())
    for user in (resident, representative, another_council):
        with pytest.raises(NotPermitted):
            return_services.query_return(user, budget_return, question="?")
        with pytest.raises(NotPermitted):
            return_services.close_return(user, budget_return)
    return_services.query_return(officer_of(direct), budget_return, question="Why?")
    with pytest.raises(NotPermitted):
        return_services.answer_query(another_council, budget_return, answer="Because.")
    assert budget_return.state == "queried"


def test_sending_the_same_message_twice_sends_it_once_and_closing_twice_closes_once(direct, resident):
    officer = officer_of(direct)
    budget_return = _submit(resident, _opened(direct))
    return_services.query_return(officer, budget_return, question="Why?")
    return_services.query_return(officer, budget_return, question="Why?")
    return_services.answer_query(resident, budget_return, answer="Because.")
    return_services.answer_query(resident, budget_return, answer="Because.")
    assert budget_return.messages.count() == 2
    first = return_services.close_return(officer, budget_return).closed_at
    assert return_services.close_return(officer, budget_return).closed_at == first
    assert _events(budget_return, "quarterly return closed").count() == 1


def test_an_empty_question_is_refused_naming_it(direct, resident):
    budget_return = _submit(resident, _opened(direct))
    with pytest.raises(Refusal) as refused:
        return_services.query_return(officer_of(direct), budget_return, question="  ")
    assert refused.value.message_dict == {"question": ["Enter your question."]}


# Suspension


def test_a_long_overdue_return_suspends_payments_in_until_it_is_closed(direct, resident):
    officer = officer_of(direct)
    budget_return = _opened(direct)  # due 28 July; suspended after 28 days overdue
    assert return_services.suspend_overdue(date(2026, 8, 25)) == []  # 28 days: not more than 28
    assert [r.pk for r in return_services.suspend_overdue(date(2026, 8, 26))] == [budget_return.pk]
    assert return_selectors.is_suspended(direct)
    assert _events(direct, "budget suspended: quarterly return overdue").count() == 1
    with pytest.raises(ValidationError, match="Payments in are stopped while this budget is suspended"):
        budget_services.pay_in(officer, direct, amount_pence=10_000)
    _submit(resident, budget_return)
    assert return_selectors.is_suspended(direct)  # submitting is not enough: the officer closes it
    closed = return_services.close_return(officer, budget_return)
    assert closed.suspension_lifted_at is not None and not return_selectors.is_suspended(direct)
    assert _events(direct, "budget suspension lifted: return closed").filter(actor=officer).count() == 1
    budget_services.pay_in(officer, direct, amount_pence=10_000)
    assert return_services.suspend_overdue(date(2026, 12, 1)) == []  # closed: never again


def test_the_councils_setting_says_how_long_overdue_suspends(db):
    council = make_council(suspend_after_days=3)
    budget = make_budget(kind=PersonalBudget.Kind.DIRECT_PAYMENT, council=council)
    _opened(budget)
    assert return_services.suspend_overdue(date(2026, 7, 31)) == []  # due 28 July: 3 days late
    assert len(return_services.suspend_overdue(date(2026, 8, 1))) == 1  # 4 days late


# Reminders


def test_reminders_a_week_before_on_the_day_and_overdue_each_once(
    direct, resident, representative, mailoutbox
):
    officer = officer_of(direct)
    _opened(direct)  # due 28 July
    assert send_return_reminders(date(2026, 7, 20)) == 0
    assert send_return_reminders(date(2026, 7, 21)) == 2  # the person and the representative
    assert send_return_reminders(date(2026, 7, 22)) == 0
    assert send_return_reminders(date(2026, 7, 28)) == 2
    assert send_return_reminders(date(2026, 7, 29)) == 3  # and the finance officer, now
    assert send_return_reminders(date(2026, 8, 5)) == 0
    assert sorted(ReturnReminder.objects.values_list("kind", flat=True)) == [
        "due_today",
        "overdue",
        "week_before",
    ]
    subjects = [m.subject for m in mailoutbox]
    assert subjects[:2] == ["A quarterly return is due in a week"] * 2
    assert subjects[-1] == "A quarterly return is overdue"
    assert {m.to[0] for m in mailoutbox[-3:]} == {resident.email, representative.email, officer.email}
    assert all(direct.person.full_name not in m.body for m in mailoutbox)
    assert f"/care/budgets/returns/{direct.returns.get().pk}/" in mailoutbox[0].body


def test_an_isfs_reminder_goes_to_the_providers_editors_and_a_submitted_return_is_not_reminded(
    db, mailoutbox
):
    isf = make_budget()
    direct = make_budget(kind=PersonalBudget.Kind.DIRECT_PAYMENT, representative=UserFactory())
    _submit(direct.representative, _opened(direct))
    assert send_return_reminders(date(2026, 7, 21)) == 1
    assert mailoutbox[0].to == [editor_of(isf).email]


def test_the_daily_run_opens_returns_and_suspends(direct):
    send_return_reminders(date(2026, 9, 1))
    assert direct.returns.get().suspended_at is not None


# Privacy


def test_subject_access_shows_the_returns_and_erasure_clears_their_words(direct, resident):
    officer = officer_of(direct)
    budget_return = _submit(resident, _opened(direct), note="Mum was in hospital.")
    return_services.query_return(officer, budget_return, question="How is she?")
    sections = {s["key"]: s for s in subject_access_data(direct.person)["sections"]}
    (record,) = sections["care_budget_returns"]["records"]
    assert record["quarter"] == "April to June 2026" and record["note"] == "Mum was in hospital."
    assert record["bank_statement_balance"] == "£550" and record["messages"][0]["text"] == "How is she?"
    person_erased.send(sender=None, person=direct.person)
    budget_return.refresh_from_db()
    assert budget_return.note == "" and budget_return.evidence == ""
    assert list(budget_return.messages.values_list("text", flat=True)) == ["(erased)"]
    assert budget_return.statement_balance_pence == 55_000  # the money is still accounted for


def test_the_daily_command_sends_now_or_queues_a_task(direct):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("send_budget_return_reminders", "--now", stdout=out)
    assert "reminder email(s)" in out.getvalue() and direct.returns.exists()  # opened today
    call_command("send_budget_return_reminders", "--site-url", "https://closeknit.example", stdout=out)
    assert DBTaskResult.objects.filter(task_path="care.return_reminders.send_return_reminders_task").exists()
