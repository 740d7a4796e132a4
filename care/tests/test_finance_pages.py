"""The finance officers' pages: a council's finance officer finds a person by the record reference
on their page, sets up their budget, adds and changes its lines (never rewriting the ledger), and
records payments in and contributions. Bad input is answered beside the field and writes nothing;
everyone else is refused (each denial below)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from care import budget_services
from care.models import BudgetLine, LedgerEntry, PersonalBudget
from care.tests.budget_factories import (
    editor_of,
    make_budget,
    make_council,
    make_finance_officer,
    make_provider,
)
from common.errors import Refusal
from common.testing import sign_in
from people.models import Goal
from people.tests.factories import PersonFactory

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.fixture
def council(db):
    return make_council("Trafford Council")


@pytest.fixture
def officer(council):
    return make_finance_officer(council)


@pytest.fixture
def person(council):
    return PersonFactory(team=TeamFactory(organisation=council))


@pytest.fixture
def provider(db):
    return make_provider("Stretford Neighbours")[0]


@pytest.fixture
def representative(db):
    return UserFactory(role=Role.RESIDENT, email="daughter@example.com")


@pytest.fixture
def budget(council, officer, person, representative):
    return make_budget(
        council=council, officer=officer, person=person, representative=representative, paid_in=80_000
    )


def _set_up_data(holder, **changes):
    data = {
        "kind": "isf",
        "provider": holder.pk,
        "annual_pence": "10400",
        "weekly_contribution_pence": "25",
        "outcomes": "To get out to the lunch club twice a week.",
        "representative_email": "",
        "starts_on": "2026-04-01",
        "ends_on": "",
    }
    data.update(changes)
    return data


def test_the_person_page_shows_the_record_reference(client, person):
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[person.team])
    sign_in(client, coordinator)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert f'Record reference: <span class="ck-code">{person.pk}</span>' in page


def test_a_finance_officer_sets_up_a_budget_for_a_person_found_by_reference(
    client, officer, person, provider, representative
):
    goal = Goal.objects.create(person=person, description="Get to the lunch club")
    sign_in(client, officer, two_factor=True)
    found = client.get(reverse("care:finance_find_person"), {"reference": str(person.pk).upper()})
    assert found.status_code == 302
    url = reverse("care:finance_set_up_budget", args=[person.pk])
    assert found["Location"] == url
    form = client.get(url).content.decode()
    assert person.full_name in form and "Get to the lunch club" in form and "Stretford Neighbours" in form
    response = client.post(
        url, _set_up_data(provider, goals=[goal.pk], representative_email="DAUGHTER@example.com")
    )
    assert response.status_code == 302
    budget = PersonalBudget.objects.get()
    assert (budget.kind, budget.provider, budget.council, budget.person) == (
        "isf",
        provider,
        officer.organisation,
        person,
    )
    assert (budget.annual_pence, budget.weekly_pence, budget.weekly_contribution_pence) == (
        1_040_000,
        20_000,
        2_500,
    )
    assert budget.representative == representative and list(budget.goals.all()) == [goal]
    assert (
        AuditEvent.objects.filter(actor=officer, action="create", note="personal budget set up").count() == 1
    )
    page = client.get(response["Location"]).content.decode()
    assert "The budget is set up: £10,400 a year, £200 a week." in page


def test_the_weekly_figure_is_shown_when_the_form_is_drawn_again(client, officer, person, provider):
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_set_up_budget", args=[person.pk]), _set_up_data(provider, starts_on="")
    )
    text = " ".join(response.content.decode().split())
    assert "£10,400 a year is <strong>£200 a week</strong>" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"annual_pence": ""}, "annual_pence", "Enter the annual amount"),
        ({"annual_pence": "lots"}, "annual_pence", "Enter the annual amount in pounds and pence"),
        ({"annual_pence": "-5"}, "annual_pence", "The annual amount must be at least 0.01"),
        ({"annual_pence": "10.005"}, "annual_pence", "Enter the annual amount in pounds and pence"),
        ({"annual_pence": "20000000"}, "annual_pence", "at most 10,000,000"),
        ({"weekly_contribution_pence": "-1"}, "weekly_contribution_pence", "must be at least 0"),
        ({"kind": ""}, "kind", "Choose the kind of budget"),
        ({"kind": "cash"}, "kind", "Choose the kind of budget"),
        ({"provider": ""}, "provider", "Choose the provider holding the Individual Service Fund"),
        ({"provider": "999999"}, "provider", "Choose a provider from the list"),
        (
            {"representative_email": "nobody@example.com"},
            "representative_email",
            "Nobody signs in with this email",
        ),
        (
            {"representative_email": "not an email"},
            "representative_email",
            "Enter the representative's email",
        ),
        ({"starts_on": ""}, "starts_on", "Enter the start date"),
        ({"starts_on": "31/02/2026"}, "starts_on", "start date must be a real date"),
        ({"ends_on": "2026-03-01"}, "ends_on", "The end date must be on or after the start date"),
        ({"outcomes": "x" * 2001}, "outcomes", "at most 2000 characters"),
    ],
)
def test_bad_set_up_is_answered_beside_the_field_and_sets_up_nothing(
    client, officer, person, provider, representative, changes, field, message
):
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_set_up_budget", args=[person.pk]), _set_up_data(provider, **changes)
    )
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert response.context["errors"]
    assert not PersonalBudget.objects.exists()


def test_a_goal_of_another_person_cannot_be_chosen(client, officer, person, provider):
    Goal.objects.create(person=person, description="Mine")
    elsewhere = Goal.objects.create(person=PersonFactory(team=person.team), description="Theirs")
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_set_up_budget", args=[person.pk]), _set_up_data(provider, goals=[elsewhere.pk])
    )
    assert response.status_code == 200 and response.context["form"].errors["goals"]
    assert not PersonalBudget.objects.exists()


def test_a_provider_with_nobody_to_hold_the_isf_is_refused(client, officer, person):
    nobody_there = OrganisationFactory(kind="vcse")
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_set_up_budget", args=[person.pk]), _set_up_data(nobody_there)
    )
    assert "Choose a provider from the list" in " ".join(response.context["form"].errors["provider"])
    with pytest.raises(Refusal) as refused:
        budget_services.set_up_budget_for_person(
            officer, person, kind="isf", provider=nobody_there, annual_pence=100, starts_on=date(2026, 4, 1)
        )
    assert "provider" in refused.value.message_dict
    assert not PersonalBudget.objects.exists()


@pytest.mark.parametrize("reference", ["not-a-reference", "1234"])
def test_a_malformed_reference_is_answered_on_the_page(client, officer, reference):
    sign_in(client, officer, two_factor=True)
    response = client.get(reverse("care:finance_find_person"), {"reference": reference})
    assert response.status_code == 200
    assert "Enter the record reference as shown" in " ".join(response.context["form"].errors["reference"])


def test_a_person_of_another_council_is_not_found(client, officer):
    elsewhere = PersonFactory(team=TeamFactory(organisation=make_council()))
    sign_in(client, officer, two_factor=True)
    response = client.get(reverse("care:finance_find_person"), {"reference": str(elsewhere.pk)})
    assert response.status_code == 200
    assert "No record of your council's people" in " ".join(response.context["form"].errors["reference"])
    assert client.get(reverse("care:finance_set_up_budget", args=[elsewhere.pk])).status_code == 404
    assert (
        client.post(
            reverse("care:finance_set_up_budget", args=[elsewhere.pk]), _set_up_data(make_provider()[0])
        ).status_code
        == 404
    )
    assert not PersonalBudget.objects.exists()


def test_an_erased_person_is_not_found(client, officer, person):
    person.erased_at = timezone.now()
    person.save()
    sign_in(client, officer, two_factor=True)
    assert client.get(reverse("care:finance_set_up_budget", args=[person.pk])).status_code == 404


def test_the_finance_officer_adds_a_line(client, budget, officer):
    sign_in(client, officer, two_factor=True)
    url = reverse("care:finance_add_line", args=[budget.pk])
    assert "£1,400 of the year's budget is not yet given to a line" in client.get(url).content.decode()
    response = client.post(
        url, {"kind": "equipment", "description": "a riser chair", "allocated_pence": "1400"}
    )
    assert response.status_code == 302
    line = budget.lines.get(description="a riser chair")
    assert (line.kind, line.allocated_pence) == ("equipment", 140_000)
    assert "Line added: £1,400 for the year." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"allocated_pence": "1400.01"}, "allocated_pence", "£1,400 is left to give"),
        ({"allocated_pence": ""}, "allocated_pence", "Enter the allowance for the year"),
        ({"allocated_pence": "0"}, "allocated_pence", "must be at least 0.01"),
        ({"kind": "holiday"}, "kind", "Choose what the line is for"),
        ({"description": ""}, "description", "Enter the words for the line"),
        ({"description": "x" * 121}, "description", "at most 120 characters"),
    ],
)
def test_a_bad_line_is_answered_beside_the_field(client, budget, officer, data, field, message):
    sign_in(client, officer, two_factor=True)
    posted = {"kind": "equipment", "description": "a riser chair", "allocated_pence": "100"} | data
    response = client.post(reverse("care:finance_add_line", args=[budget.pk]), posted)
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert budget.lines.count() == 2


def test_changing_a_line_keeps_the_ledger_as_it_was(client, budget, officer):
    pa = budget.lines.get(description="Ann (PA)")
    spent = budget_services.record_spending(
        officer, budget, line=pa, amount_pence=63_000, evidence="TS-1"
    ).entry
    before = list(
        LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount_pence", "line_id", "evidence")
    )
    sign_in(client, officer, two_factor=True)
    url = reverse("care:finance_change_line", args=[pa.pk])
    form = client.get(url).content.decode()
    assert 'value="8000.00"' in form and "£630 has been spent on this line so far" in form
    response = client.post(
        url, {"kind": "pa_hours", "description": "Ann and Bea (PAs)", "allocated_pence": "8100"}
    )
    assert response.status_code == 302
    pa.refresh_from_db()
    assert (pa.description, pa.allocated_pence, pa.spent_pence) == ("Ann and Bea (PAs)", 810_000, 63_000)
    after = list(
        LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount_pence", "line_id", "evidence")
    )
    assert after == before and spent.pk in [row[0] for row in after]
    assert AuditEvent.objects.filter(
        actor=officer, action="update", note=f"budget line {pa.pk} changed: allowance £8,000 to £8,100"
    ).exists()


@pytest.mark.parametrize(
    ("allocated", "message"),
    [
        ("629.99", "£630 has already been spent on this line: give it at least that much"),
        ("9400.01", "at most £9,400 can go to this line"),  # £10,400 less the lunch club's £1,000
    ],
)
def test_a_lines_allowance_cannot_go_below_its_spending_or_past_the_budget(
    client, budget, officer, allocated, message
):
    pa = budget.lines.get(description="Ann (PA)")
    budget_services.record_spending(officer, budget, line=pa, amount_pence=63_000, evidence="TS-1")
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_change_line", args=[pa.pk]),
        {"kind": "pa_hours", "description": "Ann (PA)", "allocated_pence": allocated},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["allocated_pence"])
    pa.refresh_from_db()
    assert pa.allocated_pence == 800_000


def test_the_finance_officer_records_a_payment_in_with_its_reference(client, budget, officer):
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_pay_in", args=[budget.pk]),
        {"amount": "800.00", "evidence": "BACS-2026-11", "occurred_on": "2026-11-01", "reason": ""},
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.filter(kind="payment_in").latest("pk")
    assert (entry.amount_pence, entry.evidence, entry.occurred_on, entry.recorded_by) == (
        80_000,
        "BACS-2026-11",
        date(2026, 11, 1),
        officer,
    )
    budget.refresh_from_db()
    assert budget.balance_pence == 160_000
    assert "Payment in of £800 recorded." in client.get(response["Location"]).content.decode()


def test_the_finance_officer_records_a_contribution_received(client, budget, officer):
    sign_in(client, officer, two_factor=True)
    response = client.post(
        reverse("care:finance_contribution", args=[budget.pk]),
        {"amount": "25", "evidence": "Standing order 14", "occurred_on": "2026-11-03"},
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="contribution")
    assert (entry.amount_pence, entry.evidence) == (2_500, "Standing order 14")


@pytest.mark.parametrize(
    ("page", "data", "field", "message"),
    [
        ("care:finance_pay_in", {"amount": ""}, "amount", "Enter the amount paid in"),
        ("care:finance_pay_in", {"amount": "0"}, "amount", "must be at least 0.01"),
        ("care:finance_pay_in", {"evidence": ""}, "evidence", "Enter the payment reference"),
        ("care:finance_pay_in", {"occurred_on": TOMORROW}, "occurred_on", "cannot be in the future"),
        ("care:finance_pay_in", {"occurred_on": "yesterday"}, "occurred_on", "must be a real date"),
        (
            "care:finance_contribution",
            {"amount": "a lot"},
            "amount",
            "Enter the contribution received in pounds",
        ),
        ("care:finance_contribution", {"evidence": ""}, "evidence", "Enter the evidence reference"),
        ("care:finance_contribution", {"evidence": "x" * 101}, "evidence", "at most 100 characters"),
    ],
)
def test_bad_money_in_is_answered_beside_the_field_and_writes_nothing(
    client, budget, officer, page, data, field, message
):
    sign_in(client, officer, two_factor=True)
    posted = {"amount": "10", "evidence": "REF", "occurred_on": "2026-11-01", "reason": ""} | data
    response = client.post(reverse(page, args=[budget.pk]), posted)
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert LedgerEntry.objects.count() == 1


def test_the_council_budgets_list_shows_those_over_the_surplus_ceiling_first(
    client, budget, officer, council
):
    under = make_budget(council=council, officer=officer, paid_in=10_000)
    budget_services.pay_in(officer, budget, amount_pence=5_000)  # £850 held, ceiling £800
    sign_in(client, officer, two_factor=True)
    response = client.get(reverse("care:finance_budgets"))
    assert [b.pk for b, _ in response.context["over"]] == [budget.pk]
    text = " ".join(response.content.decode().split())
    assert "£850 held, £50 over the ceiling of £800 (4 weeks' budget)" in text
    assert reverse("care:budget", args=[under.pk]) in text
    budget_page = client.get(reverse("care:budget", args=[budget.pk])).content.decode()
    for name in ("care:finance_pay_in", "care:finance_contribution", "care:finance_add_line"):
        assert reverse(name, args=[budget.pk]) in budget_page
    assert reverse("care:finance_change_line", args=[budget.lines.first().pk]) in budget_page
    assert reverse("care:finance_budgets") in client.get(reverse("home")).content.decode()


# Denials: nobody but the council's own finance officers, after their second factor.


def _pages(budget, person):
    line = budget.lines.first()
    return [
        (reverse("care:finance_budgets"), None),
        (reverse("care:finance_find_person"), None),
        (reverse("care:finance_set_up_budget", args=[person.pk]), _set_up_data(make_provider()[0])),
        (
            reverse("care:finance_add_line", args=[budget.pk]),
            {"kind": "other", "description": "x", "allocated_pence": "1"},
        ),
        (
            reverse("care:finance_change_line", args=[line.pk]),
            {"kind": "other", "description": "x", "allocated_pence": "1"},
        ),
        (
            reverse("care:finance_pay_in", args=[budget.pk]),
            {"amount": "5", "evidence": "R", "occurred_on": "2026-11-01"},
        ),
        (
            reverse("care:finance_contribution", args=[budget.pk]),
            {"amount": "5", "evidence": "R", "occurred_on": "2026-11-01"},
        ),
    ]


def _unchanged(budget):
    budget.refresh_from_db()
    return (
        PersonalBudget.objects.count() == 1
        and LedgerEntry.objects.count() == 1
        and budget.lines.count() == 2
        and set(BudgetLine.objects.values_list("allocated_pence", flat=True)) == {800_000, 100_000}
    )


@pytest.mark.parametrize(
    "who",
    [
        lambda budget: editor_of(budget),  # the ISF's holder
        lambda budget: budget.representative,
        lambda budget: UserFactory(role=Role.COMMISSIONER, organisation=budget.council),  # not named
        lambda budget: UserFactory(role=Role.COORDINATOR, teams=[budget.person.team]),
        lambda budget: UserFactory(role=Role.ADMINISTRATOR),
    ],
    ids=["ISF holder", "representative", "council staff without the role", "coordinator", "administrator"],
)
def test_anyone_but_a_finance_officer_is_refused_every_finance_page(client, budget, person, who):
    sign_in(client, who(budget), two_factor=True)
    for url, data in _pages(budget, person):
        assert client.get(url).status_code == 403, url
        if data is not None:
            assert client.post(url, data).status_code == 403, url
    assert _unchanged(budget)


def test_another_councils_finance_officer_finds_nothing_of_this_council(client, budget, person):
    other = make_finance_officer(make_council())
    sign_in(client, other, two_factor=True)
    assert client.get(reverse("care:finance_budgets")).context["budgets"] == []
    for url, data in _pages(budget, person)[2:]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    assert _unchanged(budget)


def test_anonymous_is_sent_to_sign_in(client, budget, person):
    for url, data in _pages(budget, person):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"], url
        if data is not None:
            assert client.post(url, data).status_code == 302
    assert _unchanged(budget)


def test_a_finance_officer_without_a_verified_second_factor_is_sent_to_prove_one(
    client, budget, person, officer
):
    sign_in(client, officer, two_factor=False)
    for url, data in _pages(budget, person):
        response = client.get(url)
        assert response.status_code == 302 and "two-factor" in response.url, url
        if data is not None:
            assert "two-factor" in client.post(url, data).url
    assert _unchanged(budget)
