"""Social value in the evaluation report, for its period and area: on the page, in the CSV and in
the PDF, each with the method, and small counts withheld and left out of the total."""

import csv
import io
from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.pdf import pdf_available
from common.testing import sign_in
from outcomes.models import OutcomeEvent
from outcomes.report import Period, evaluation_report
from outcomes.selectors import METHOD
from people.tests.factories import PersonFactory

YEAR = {"since": "2026-01-01", "until": "2026-12-31"}


@pytest.fixture
def outcomes(db):
    """In 2026: 6 new connections (6 × £400) and 2 crises avoided (withheld); in 2025: 5 more new
    connections, outside the period."""
    call_command("import_unit_costs", "data/unit_costs/example_unit_costs.csv")
    people = PersonFactory.create_batch(6)
    for person in people:
        OutcomeEvent.objects.create(person=person, kind="new_connections", on=date(2026, 5, 1), evidence="x")
        OutcomeEvent.objects.create(person=person, kind="new_connections", on=date(2025, 5, 1), evidence="x")
    for person in people[:2]:
        OutcomeEvent.objects.create(person=person, kind="crisis_avoided", on=date(2026, 6, 1), evidence="x")


def test_the_report_estimates_social_value_for_its_period_only(outcomes):
    value = evaluation_report(Period(date(2026, 1, 1), date(2026, 12, 31)))["social_value"]
    rows = {row["outcome"]: row for row in value["rows"]}
    assert rows["New connections made"]["count"] == 6 and rows["New connections made"]["value"] == 2400
    assert rows["Crisis avoided"]["count"] is None and rows["Crisis avoided"]["value"] is None
    assert value["total"] == 2400 and value["method"] == METHOD


def test_social_value_and_its_method_are_on_the_report_page(client, outcomes):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    page = client.get(reverse("outcomes:report"), YEAR).content.decode()
    section = page[page.index("Estimated social value</h2>") :]
    assert "Estimated value: £2,400" in section and "It is not cash saved" in section
    assert "invented example unit costs" in section


def test_social_value_and_its_method_are_in_the_csv(client, outcomes):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    response = client.get(reverse("outcomes:report"), YEAR | {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Social value", "New connections made: recorded", "6"] in rows
    assert ["Social value", "New connections made: estimated value (£)", "2400.00"] in rows
    assert ["Social value", "Crisis avoided: recorded", "fewer than 5"] in rows
    assert ["Social value", "Crisis avoided: estimated value (£)", "not estimated"] in rows
    assert ["Social value", "Total estimated value (£)", "2400.00"] in rows
    assert ["Social value", "Method", METHOD] in rows
    assert ["About these figures", "From", "2026-01-01"] in rows


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint is not installed")
def test_social_value_and_its_method_are_in_the_pdf(client, outcomes):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    response = client.get(reverse("outcomes:report"), YEAR | {"format": "pdf"})
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.content)).pages)
    assert "Estimated social value" in text and "Estimated value: £2,400" in text
    assert "It is not cash saved by any budget" in text
