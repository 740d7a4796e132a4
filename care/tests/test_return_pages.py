"""Quarterly return pages: whoever holds the money (a direct payment's person and representative,
an ISF's provider) and the council's finance officers see a return; nobody else does (each denial
below); every read is audited; each page takes only its own action; bad input is answered on the
page, never with a 500, and writes nothing; the budget's pages say when it is suspended."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from care import budget_services, return_services
from care.models import PersonalBudget, QuarterlyReturn, ReturnMessage
from care.tests.budget_factories import (
    editor_of,
    make_budget,
    make_council,
    make_finance_officer,
    make_provider,
    officer_of,
)
from common.testing import sign_in, totp_device
from people.tests.factories import PersonFactory


@pytest.fixture
def resident(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def representative(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def direct(db, resident, representative):
    person = PersonFactory(account=resident, account_confirmed_at=timezone.now())
    budget = make_budget(
        kind=PersonalBudget.Kind.DIRECT_PAYMENT, person=person, representative=representative
    )
    budget_services.pay_in(officer_of(budget), budget, amount_pence=80_000, occurred_on=date(2026, 5, 1))
    return budget


@pytest.fixture
def budget_return(direct):
    return_services.open_returns(date(2026, 7, 15))  # April to June 2026, due 28 July
    return QuarterlyReturn.objects.get(budget=direct)


@pytest.fixture
def submitted(budget_return, resident):
    return return_services.submit_return(
        resident, budget_return, statement_balance_pence=79_000, evidence="Statement 30/06/2026"
    )


def _url(name, budget_return):
    return reverse(f"care:{name}", args=[budget_return.pk])


def _viewed(budget_return):
    return AuditEvent.objects.filter(
        action="view",
        target_type=ContentType.objects.get_for_model(QuarterlyReturn),
        target_id=str(budget_return.pk),
    )


SUBMISSION = {"statement_balance": "790.00", "evidence": "Statement 30/06/2026\nINV-1", "note": ""}


# Who sees a return


@pytest.mark.parametrize("who", ["resident", "representative", "finance"])
def test_whoever_returns_it_and_the_finance_officer_see_the_return_and_the_read_is_audited(
    client, budget_return, who, resident, representative
):
    user = {
        "resident": resident,
        "representative": representative,
        "finance": officer_of(budget_return.budget),
    }[who]
    sign_in(client, user, two_factor=who == "finance")
    response = client.get(_url("budget_return", budget_return))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quarterly return: April to June 2026" in page and "£800" in page  # the ledger's balance
    assert _viewed(budget_return).filter(actor=user).count() == 1
    listed = client.get(reverse("care:budget_returns")).content.decode()
    assert _url("budget_return", budget_return) in listed


def test_the_isf_provider_sees_the_isfs_returns(client, db):
    budget = make_budget()
    return_services.open_returns(date(2026, 7, 15))
    sign_in(client, editor_of(budget), two_factor=True)
    found = QuarterlyReturn.objects.get(budget=budget)
    assert client.get(_url("budget_return", found)).status_code == 200
    assert client.get(_url("submit_budget_return", found)).status_code == 200


def _other_provider_editor(budget):
    return make_provider()[1]


def _other_council_officer(budget):
    return make_finance_officer(make_council())


def _coordinator_of_the_person(budget):
    return UserFactory(role=Role.COORDINATOR, teams=[budget.person.team])


def _other_resident(budget):
    return UserFactory(role=Role.RESIDENT)


def _administrator(budget):
    return UserFactory(role=Role.ADMINISTRATOR)


def _council_staff_not_named(budget):
    return UserFactory(role=Role.COMMISSIONER, organisation=budget.council)


def _former_finance_officer(budget):
    officer = make_finance_officer(budget.council)
    officer.organisation = make_council()
    officer.save()
    return officer


STRANGERS = [
    _other_provider_editor,
    _other_council_officer,
    _coordinator_of_the_person,
    _other_resident,
    _administrator,
    _council_staff_not_named,
    _former_finance_officer,
]


@pytest.mark.parametrize("stranger", STRANGERS)
def test_nobody_else_sees_a_return_or_knows_it_exists(client, submitted, stranger):
    sign_in(client, stranger(submitted.budget), two_factor=True)
    for name in ("budget_return", "submit_budget_return", "query_budget_return", "answer_budget_return"):
        assert client.get(_url(name, submitted)).status_code == 404, name
    assert client.post(_url("query_budget_return", submitted), {"question": "?"}).status_code == 404
    assert client.post(_url("close_budget_return", submitted)).status_code == 404
    assert client.get(reverse("care:budget_returns")).context["returns"] == []
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and not ReturnMessage.objects.exists()
    assert not _viewed(submitted).exists()


def test_the_isfs_person_and_representative_do_not_see_the_providers_return(client, resident, representative):
    budget = make_budget(
        person=PersonFactory(account=resident, account_confirmed_at=timezone.now()),
        representative=representative,
    )
    return_services.open_returns(date(2026, 7, 15))
    found = QuarterlyReturn.objects.get(budget=budget)
    for user in (resident, representative):
        sign_in(client, user)
        assert client.get(reverse("care:budget", args=[budget.pk])).status_code == 200  # the budget: yes
        assert client.get(_url("budget_return", found)).status_code == 404  # its return: no
        client.logout()


def test_anonymous_is_sent_to_sign_in(client, budget_return):
    for name in ("budget_return", "submit_budget_return", "query_budget_return", "answer_budget_return"):
        response = client.get(_url(name, budget_return))
        assert response.status_code == 302 and "sign-in" in response["Location"]
    response = client.get(reverse("care:budget_returns"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.mark.parametrize("has_app", [False, True])
def test_the_finance_officer_proves_a_second_factor_before_any_return_page(client, submitted, has_app):
    officer = officer_of(submitted.budget)
    if has_app:
        totp_device(officer)
    sign_in(client, officer, two_factor=False)
    asked = reverse("accounts:two_factor_verify" if has_app else "accounts:two_factor_setup")
    for url in [
        reverse("care:budget_returns"),
        _url("budget_return", submitted),
        _url("query_budget_return", submitted),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(asked), url
    assert client.post(_url("close_budget_return", submitted)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and not _viewed(submitted).exists()


def test_the_isf_provider_proves_a_second_factor_too(client, db):
    budget = make_budget()
    return_services.open_returns(date(2026, 7, 15))
    sign_in(client, editor_of(budget), two_factor=False)
    response = client.get(_url("budget_return", QuarterlyReturn.objects.get(budget=budget)))
    assert response.status_code == 302 and "two-factor" in response.url


# Each page takes only its own action


def test_whoever_returns_it_cannot_query_or_close_it(client, submitted, resident):
    sign_in(client, resident)
    assert client.get(_url("query_budget_return", submitted)).status_code == 404
    assert client.post(_url("query_budget_return", submitted), {"question": "?"}).status_code == 404
    assert client.post(_url("close_budget_return", submitted)).status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_the_finance_officer_cannot_submit_or_answer_for_them(client, budget_return):
    sign_in(client, officer_of(budget_return.budget), two_factor=True)
    assert client.post(_url("submit_budget_return", budget_return), SUBMISSION).status_code == 404
    assert client.get(_url("answer_budget_return", budget_return)).status_code == 404
    budget_return.refresh_from_db()
    assert budget_return.state == "due"


# The flow through the pages


def test_the_person_submits_the_officer_queries_they_answer_and_the_officer_closes(
    client, budget_return, resident
):
    sign_in(client, resident)
    page = client.get(_url("budget_return", budget_return)).content.decode()
    assert "Submit the return" in page
    response = client.post(_url("submit_budget_return", budget_return), SUBMISSION, follow=True)
    assert "The return is submitted" in response.content.decode()
    budget_return.refresh_from_db()
    assert budget_return.state == "submitted" and budget_return.statement_balance_pence == 79_000
    assert "The statement shows £10 less than the ledger" in response.content.decode()
    # Pressed again (the back button, a double click): submitted once.
    assert client.post(_url("submit_budget_return", budget_return), SUBMISSION).status_code == 302
    client.logout()

    officer = officer_of(budget_return.budget)
    sign_in(client, officer, two_factor=True)
    listed = client.get(reverse("care:budget_returns"), {"state": "submitted"})
    assert listed.context["returns"] == [budget_return]
    response = client.post(
        _url("query_budget_return", budget_return), {"question": "Where is the £10?"}, follow=True
    )
    assert "Your question is sent" in response.content.decode()
    assert "Where is the £10?" in response.content.decode()
    client.logout()

    sign_in(client, resident)
    assert "Answer the question" in client.get(_url("budget_return", budget_return)).content.decode()
    response = client.post(
        _url("answer_budget_return", budget_return), {"answer": "Bank charges."}, follow=True
    )
    assert "Your answer is sent" in response.content.decode()
    client.logout()

    sign_in(client, officer, two_factor=True)
    response = client.post(_url("close_budget_return", budget_return), follow=True)
    assert "The return is closed." in response.content.decode()
    budget_return.refresh_from_db()
    assert budget_return.state == "closed" and budget_return.closed_by == officer
    assert client.get(reverse("care:budget_returns"), {"state": "closed"}).context["returns"] == [
        budget_return
    ]


def test_closing_a_return_not_submitted_says_why_on_the_page(client, budget_return):
    sign_in(client, officer_of(budget_return.budget), two_factor=True)
    response = client.post(_url("close_budget_return", budget_return), follow=True)
    assert "has not been submitted yet" in response.content.decode()
    budget_return.refresh_from_db()
    assert budget_return.state == "due"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({**SUBMISSION, "statement_balance": ""}, "statement_balance", "Enter the closing balance"),
        ({**SUBMISSION, "statement_balance": "ten"}, "statement_balance", "in pounds and pence"),
        ({**SUBMISSION, "statement_balance": "1.234"}, "statement_balance", "in pounds and pence"),
        ({**SUBMISSION, "evidence": ""}, "evidence", "at least one bank statement"),
        ({**SUBMISSION, "evidence": "\n".join(["INV"] * 21)}, "evidence", "at most 20 references"),
        ({**SUBMISSION, "note": "x" * 2001}, "note", "at most 2,000 characters"),
    ],
)
def test_bad_input_is_answered_on_the_form_and_writes_nothing(
    client, budget_return, resident, data, field, message
):
    sign_in(client, resident)
    response = client.post(_url("submit_budget_return", budget_return), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "govuk-error-summary" in response.content.decode()
    budget_return.refresh_from_db()
    assert budget_return.state == "due" and budget_return.evidence == ""


def test_an_empty_question_is_answered_on_the_form(client, submitted):
    sign_in(client, officer_of(submitted.budget), two_factor=True)
    response = client.post(_url("query_budget_return", submitted), {"question": ""})
    assert response.status_code == 200 and "Enter your question" in response.content.decode()
    assert not ReturnMessage.objects.exists()


def test_a_missing_return_and_a_strange_filter_are_handled(client, budget_return, resident):
    sign_in(client, resident)
    assert client.get(reverse("care:budget_return", args=[999_999])).status_code == 404
    for query in ({"state": "nonsense"}, {"budget": "x"}, {"budget": "9" * 30}):
        assert client.get(reverse("care:budget_returns"), query).status_code == 200


def test_the_filters_show_due_and_overdue_apart(client, budget_return, resident):
    sign_in(client, officer_of(budget_return.budget), two_factor=True)
    overdue = client.get(reverse("care:budget_returns"), {"state": "overdue"}).context["returns"]
    due = client.get(reverse("care:budget_returns"), {"state": "due"}).context["returns"]
    assert (overdue, due) == ([budget_return], [])  # due on 28 July 2026: long past


# Suspension on the budget's pages


def test_a_suspended_budget_says_so_on_its_page_and_the_officers_list(client, budget_return):
    return_services.suspend_overdue(date(2026, 9, 1))
    officer = officer_of(budget_return.budget)
    sign_in(client, officer, two_factor=True)
    page = client.get(reverse("care:budget", args=[budget_return.budget_id])).content.decode()
    assert "The budget is suspended since" in page and "April to June 2026 is overdue" in page
    assert "Quarterly returns" in page
    assert "Suspended: return overdue" in client.get(reverse("care:budgets")).content.decode()
    assert "Budget suspended" in client.get(reverse("care:budget_returns")).content.decode()


def test_a_form_asked_for_out_of_turn_goes_back_to_the_return_saying_why(client, submitted, resident):
    sign_in(client, resident)
    response = client.get(_url("submit_budget_return", submitted), follow=True)
    assert response.redirect_chain[-1][0] == _url("budget_return", submitted)
    assert "This return has been submitted." in response.content.decode()
    response = client.get(_url("answer_budget_return", submitted), follow=True)
    assert "There is no question waiting for an answer." in response.content.decode()
    client.logout()
    sign_in(client, officer_of(submitted.budget), two_factor=True)
    return_services.close_return(officer_of(submitted.budget), submitted)
    response = client.get(_url("query_budget_return", submitted), follow=True)
    assert "A question can be asked once the return is submitted or answered." in response.content.decode()
