"""Personal budget pages: the person, their representative, the ISF provider and the council's
finance officers see a budget; nobody else does (each denial below); every read is audited; the
provider records spending; the statement says the month in plain words; bad input is answered on
the page, never with a 500, and writes nothing."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from care import budget_services
from care.models import LedgerEntry, PersonalBudget
from care.tests.budget_factories import (
    editor_of,
    make_budget,
    make_council,
    make_finance_officer,
    make_provider,
    officer_of,
)
from common.testing import sign_in
from people.tests.factories import PersonFactory


@pytest.fixture
def resident(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def representative(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def budget(db, resident, representative):
    person = PersonFactory(account=resident, account_confirmed_at=timezone.now())
    return make_budget(person=person, representative=representative, paid_in=80_000)


def _pages(budget):
    entry = budget.entries.first()
    return [
        reverse("care:budget", args=[budget.pk]),
        reverse("care:budget_statement", args=[budget.pk]),
        reverse("care:record_spending", args=[budget.pk]),
        reverse("care:correct_budget_entry", args=[entry.pk]),
    ]


def _viewed(budget):
    return AuditEvent.objects.filter(
        action="view",
        target_type=ContentType.objects.get_for_model(PersonalBudget),
        target_id=str(budget.pk),
    )


@pytest.mark.parametrize("who", ["resident", "representative", "provider", "finance"])
def test_each_allowed_role_sees_the_budget_and_the_read_is_audited(
    client, budget, who, resident, representative
):
    user = {
        "resident": resident,
        "representative": representative,
        "provider": editor_of(budget),
        "finance": officer_of(budget),
    }[who]
    sign_in(client, user, two_factor=who in ("provider", "finance"))
    response = client.get(reverse("care:budget", args=[budget.pk]))
    assert response.status_code == 200
    assert "£800" in response.content.decode()  # the balance
    assert _viewed(budget).filter(actor=user).count() == 1
    listed = client.get(reverse("care:budgets"))
    assert reverse("care:budget", args=[budget.pk]) in listed.content.decode()


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
    officer.organisation = make_council()  # moved to another council: no longer its staff
    officer.save()
    return officer


@pytest.mark.parametrize(
    "stranger",
    [
        _other_provider_editor,
        _other_council_officer,
        _coordinator_of_the_person,
        _other_resident,
        _administrator,
        _council_staff_not_named,
        _former_finance_officer,
    ],
)
def test_nobody_else_sees_the_budget_or_knows_it_exists(client, budget, stranger):
    sign_in(client, stranger(budget), two_factor=True)
    for url in _pages(budget):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("care:record_spending", args=[budget.pk]),
            {"line": budget.lines.first().pk, "amount": "10", "evidence": "X", "occurred_on": "2026-11-02"},
        ).status_code
        == 404
    )
    assert client.post(reverse("care:reclaim_surplus", args=[budget.pk])).status_code == 404
    assert budget.pk not in [b.pk for b in client.get(reverse("care:budgets")).context["budgets"]]
    assert LedgerEntry.objects.count() == 1 and not _viewed(budget).exists()


def test_anonymous_is_sent_to_sign_in(client, budget):
    for url in _pages(budget):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_an_unconfirmed_account_link_reaches_nothing(client, db):
    resident = UserFactory(role=Role.RESIDENT)
    budget = make_budget(person=PersonFactory(account=resident))  # the team asked; not yet confirmed
    sign_in(client, resident)
    assert client.get(reverse("care:budget", args=[budget.pk])).status_code == 404


def test_a_provider_sees_only_the_isf_budgets_it_holds(client, budget):
    direct = make_budget(
        kind=PersonalBudget.Kind.DIRECT_PAYMENT, council=budget.council, officer=officer_of(budget)
    )
    sign_in(client, editor_of(budget), two_factor=True)
    assert client.get(reverse("care:budget", args=[direct.pk])).status_code == 404


@pytest.mark.parametrize("who", ["resident", "representative"])
def test_the_person_and_representative_read_but_do_not_record_spending(
    client, budget, who, resident, representative
):
    sign_in(client, resident if who == "resident" else representative)
    url = reverse("care:record_spending", args=[budget.pk])
    assert client.get(url).status_code == 404
    data = {"line": budget.lines.first().pk, "amount": "10", "evidence": "X", "occurred_on": "2026-11-02"}
    assert client.post(url, data).status_code == 404
    assert client.post(reverse("care:reclaim_surplus", args=[budget.pk])).status_code == 403
    assert LedgerEntry.objects.count() == 1


def test_the_provider_records_spending_and_it_is_audited_as_a_change(client, budget):
    editor = editor_of(budget)
    sign_in(client, editor, two_factor=True)
    line = budget.lines.get(description="Ann (PA)")
    response = client.post(
        reverse("care:record_spending", args=[budget.pk]),
        {
            "line": line.pk,
            "amount": "630.00",
            "evidence": "TS-42",
            "occurred_on": "2026-11-02",
            "hours": "42",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="spend")
    assert (entry.amount_pence, entry.evidence, entry.hours, entry.recorded_by) == (
        -63_000,
        "TS-42",
        42,
        editor,
    )
    assert AuditEvent.objects.filter(actor=editor, action="update", note="spending recorded").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Spending of £630 recorded." in page and "£170" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "lots"}, "Enter the amount in pounds and pence"),
        ({"amount": "-3"}, "at least 0.01"),
        ({"amount": "1.234"}, "Enter the amount in pounds and pence"),
        ({"amount": "800.01"}, "more than the budget holds (£800 left)"),
        ({"evidence": ""}, "Enter the invoice or timesheet reference"),
        ({"line": "999999"}, "Choose a line of the budget"),
        ({"line": "abc"}, "Choose a line of the budget"),
        ({"occurred_on": "31/02/2026"}, "Date of the support or invoice"),
        ({"hours": "0.1"}, "quarter hours"),
        ({"hours": "many"}, "Enter the hours as a number"),
    ],
)
def test_bad_spending_is_answered_on_the_form_and_writes_nothing(client, budget, data, message):
    sign_in(client, editor_of(budget), two_factor=True)
    posted = {"line": budget.lines.first().pk, "amount": "10", "evidence": "INV", "occurred_on": "2026-11-02"}
    posted.update(data)
    response = client.post(reverse("care:record_spending", args=[budget.pk]), posted)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert LedgerEntry.objects.count() == 1


def test_a_line_of_another_budget_cannot_be_chosen(client, budget):
    other = make_budget(council=budget.council, officer=officer_of(budget))
    sign_in(client, officer_of(budget), two_factor=True)
    response = client.post(
        reverse("care:record_spending", args=[budget.pk]),
        {"line": other.lines.first().pk, "amount": "10", "evidence": "INV", "occurred_on": "2026-11-02"},
    )
    assert response.status_code == 200 and "Choose a line of the budget" in response.content.decode()
    assert LedgerEntry.objects.filter(kind="spend").count() == 0


def test_the_statement_says_the_month_in_plain_words(client, budget, representative):
    editor = editor_of(budget)
    pa = budget.lines.get(description="Ann (PA)")
    club = budget.lines.get(description="the lunch club")
    november = date(2026, 11, 10)
    budget_services.pay_in(officer_of(budget), budget, amount_pence=80_000, occurred_on=date(2026, 10, 1))
    budget_services.record_spending(
        editor, budget, line=pa, amount_pence=63_000, evidence="TS", hours="42", occurred_on=november
    )
    budget_services.record_spending(
        editor, budget, line=club, amount_pence=2_400, evidence="C1", occurred_on=november
    )
    wrong = budget_services.record_spending(
        editor, budget, line=club, amount_pence=1_000, evidence="C2", occurred_on=november
    ).entry
    budget_services.correct_entry(editor, wrong, reason="Charged twice")
    budget_services.record_spending(
        editor, budget, line=club, amount_pence=500, evidence="D1", occurred_on=date(2026, 10, 31)
    )
    sign_in(client, representative)
    page = client.get(
        reverse("care:budget_statement", args=[budget.pk]), {"month": "2026-11"}
    ).content.decode()
    text = " ".join(page.split())
    assert "42 hours with Ann (PA), £630" in text and "the lunch club, £24" in text
    assert "£654 spent in all" in text and "1 mistake corrected" in text
    assert (
        "the budget had <strong>£141</strong> left" in text
    )  # £800 paid in on 1 October - £5 (October) - £654; December's payment is after
    october = client.get(reverse("care:budget_statement", args=[budget.pk]), {"month": "2026-10"})
    assert "the lunch club, £5" in " ".join(october.content.decode().split())


@pytest.mark.parametrize("month", ["2026-13", "November", "1999-01", "2026-1"])
def test_a_bad_month_is_answered_on_the_statement_page(client, budget, resident, month):
    sign_in(client, resident)
    response = client.get(reverse("care:budget_statement", args=[budget.pk]), {"month": month})
    assert response.status_code == 200
    assert "Enter" in response.context["errors"][0][1] and "month" in response.context["errors"][0][1]


def test_the_finance_officer_reclaims_a_surplus_from_the_page(client, budget):
    officer = officer_of(budget)
    budget_services.pay_in(officer, budget, amount_pence=5_000)
    sign_in(client, officer, two_factor=True)
    page = client.get(reverse("care:budget", args=[budget.pk])).content.decode()
    assert "Reclaim £50 of surplus" in page
    response = client.post(reverse("care:reclaim_surplus", args=[budget.pk]))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.balance_pence == 80_000 and budget.entries.filter(kind="surplus_reclaim").count() == 1


def test_the_provider_corrects_its_spending_but_not_a_payment_in(client, budget):
    editor = editor_of(budget)
    spent = budget_services.record_spending(
        editor, budget, line=budget.lines.first(), amount_pence=1_000, evidence="INV"
    ).entry
    sign_in(client, editor, two_factor=True)
    payment = budget.entries.get(kind="payment_in")
    assert client.get(reverse("care:correct_budget_entry", args=[payment.pk])).status_code == 404
    url = reverse("care:correct_budget_entry", args=[spent.pk])
    assert "Enter why this entry was wrong" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Wrong invoice"}).status_code == 302
    budget.refresh_from_db()
    assert budget.balance_pence == 80_000


def test_the_navigation_offers_budgets_only_to_those_who_can_see_one(client, budget, representative):
    sign_in(client, representative)
    assert reverse("care:budgets") in client.get(reverse("home")).content.decode()
    sign_in(client, UserFactory(role=Role.RESIDENT))
    assert reverse("care:budgets") not in client.get(reverse("home")).content.decode()


def test_a_finance_officer_must_be_of_the_councils_staff(db):
    from django.core.exceptions import ValidationError

    from care.models import FinanceOfficer

    council, elsewhere = make_council(), make_council()
    outsider = UserFactory(role=Role.COMMISSIONER, organisation=elsewhere)
    with pytest.raises(ValidationError) as refused:
        FinanceOfficer(council=council, user=outsider).full_clean()
    assert "user" in refused.value.message_dict
    provider, _ = make_provider()
    with pytest.raises(ValidationError) as refused:
        FinanceOfficer(council=provider, user=UserFactory(organisation=provider)).full_clean()
    assert "council" in refused.value.message_dict


@pytest.mark.parametrize("who", ["provider", "finance"])
@pytest.mark.parametrize("has_app", [False, True])
def test_anyone_but_the_person_proves_a_second_factor_before_a_budget_page(client, budget, who, has_app):
    """A finance officer or the ISF's holder signed in with a password only (their role does not
    otherwise ask for two factors, or they skipped the code) is sent to prove one first: no budget
    page, no name, no read on the audit trail, nothing written."""
    from common.testing import totp_device

    user = {"provider": editor_of(budget), "finance": officer_of(budget)}[who]
    if has_app:
        totp_device(user)  # set up, but the code was never typed in this session
    sign_in(client, user, two_factor=False)
    asked = reverse("accounts:two_factor_verify" if has_app else "accounts:two_factor_setup")
    for url in [reverse("care:budgets"), *_pages(budget)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(asked) and "next=" in response.url, url
    posted = client.post(
        reverse("care:record_spending", args=[budget.pk]),
        {"line": budget.lines.first().pk, "amount": "10", "evidence": "X", "occurred_on": "2026-11-02"},
    )
    assert posted.status_code == 302 and posted.url.startswith(asked)
    assert client.post(reverse("care:reclaim_surplus", args=[budget.pk])).status_code == 302
    assert LedgerEntry.objects.count() == 1 and not _viewed(budget).exists()

    # After the code, the same pages open.
    sign_in(client, user, two_factor=True)
    assert client.get(reverse("care:budget", args=[budget.pk])).status_code == 200


def test_the_person_and_their_representative_need_no_second_factor(client, budget, resident, representative):
    for user in (resident, representative):
        sign_in(client, user)
        assert not user.needs_two_factor
        assert client.get(reverse("care:budget_statement", args=[budget.pk])).status_code == 200
        client.logout()
