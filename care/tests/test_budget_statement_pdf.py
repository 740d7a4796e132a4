"""The monthly statement as a PDF: the same words and figures as the page, read back from the
file; the same people may have it (and nobody else), and having it is audited as reading the page."""

from datetime import date
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from care import budget_services
from care.models import PersonalBudget
from care.tests.budget_factories import editor_of, make_budget, make_council, make_finance_officer, officer_of
from common.pdf import pdf_available
from common.testing import sign_in
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint is not installed")


@pytest.fixture
def resident(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def budget(db, resident):
    person = PersonFactory(account=resident, account_confirmed_at=timezone.now())
    found = make_budget(person=person)
    editor = editor_of(found)
    budget_services.pay_in(officer_of(found), found, amount_pence=80_000, occurred_on=date(2026, 10, 1))
    budget_services.record_spending(
        editor,
        found,
        line=found.lines.get(description="Ann (PA)"),
        amount_pence=63_000,
        evidence="TS",
        hours="42",
        occurred_on=date(2026, 11, 10),
    )
    budget_services.record_spending(
        editor,
        found,
        line=found.lines.get(description="the lunch club"),
        amount_pence=2_400,
        evidence="C1",
        occurred_on=date(2026, 11, 12),
    )
    return found


def _url(budget):
    return reverse("care:budget_statement", args=[budget.pk])


def _text(response) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.content)).pages
    )


def _viewed(budget, user):
    return AuditEvent.objects.filter(
        action="view",
        actor=user,
        target_type=ContentType.objects.get_for_model(PersonalBudget),
        target_id=str(budget.pk),
    )


def test_the_statement_pdf_holds_the_months_lines_and_the_balance(client, budget, resident):
    sign_in(client, resident)
    response = client.get(_url(budget), {"month": "2026-11", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="budget-statement-2026-11.pdf"' in response["Content-Disposition"]
    text = _text(response)
    assert "November 2026" in text
    assert "42 hours with Ann (PA), £630" in text and "the lunch club, £24" in text
    assert "£654 spent in all" in text
    assert "you had £146 left" in text  # £800 paid in on 1 October, £654 spent in November
    assert "Show the month" not in text and "Download as PDF" not in text  # the page's controls
    assert _viewed(budget, resident).count() == 1


def test_the_statement_page_offers_the_pdf_of_its_month(client, budget, resident):
    sign_in(client, resident)
    page = client.get(_url(budget), {"month": "2026-11"}).content.decode()
    assert "?month=2026-11&amp;format=pdf" in page and "Download as PDF" in page


def test_the_finance_officer_has_the_pdf_after_a_second_factor(client, budget):
    officer = officer_of(budget)
    sign_in(client, officer, two_factor=False)
    response = client.get(_url(budget), {"month": "2026-11", "format": "pdf"})
    assert response.status_code == 302 and "two-factor" in response.url
    assert not _viewed(budget, officer).exists()
    sign_in(client, officer, two_factor=True)
    response = client.get(_url(budget), {"month": "2026-11", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert "the budget had £146 left" in _text(response)


def test_a_bad_month_is_answered_on_the_page_not_as_a_pdf(client, budget, resident):
    sign_in(client, resident)
    response = client.get(_url(budget), {"month": "2026-13", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["errors"]


@pytest.mark.parametrize(
    "stranger",
    [
        lambda budget: UserFactory(role=Role.RESIDENT),
        lambda budget: make_finance_officer(make_council()),
        lambda budget: UserFactory(role=Role.COORDINATOR, teams=[budget.person.team]),
        lambda budget: UserFactory(role=Role.ADMINISTRATOR),
    ],
    ids=["another resident", "another council's finance officer", "the person's coordinator", "admin"],
)
def test_nobody_else_has_the_pdf(client, budget, stranger):
    user = stranger(budget)
    sign_in(client, user, two_factor=True)
    response = client.get(_url(budget), {"month": "2026-11", "format": "pdf"})
    assert response.status_code == 404
    assert not _viewed(budget, user).exists()


def test_anonymous_is_sent_to_sign_in_for_the_pdf(client, budget):
    response = client.get(_url(budget), {"month": "2026-11", "format": "pdf"})
    assert response.status_code == 302 and "sign-in" in response["Location"]
