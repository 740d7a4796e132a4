"""The evaluation report's PDF, read back: a long table runs on across pages with its header row
on each, rather than being pushed whole onto a page of its own."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.pdf import pdf_available
from common.testing import sign_in
from people.models import Conversation
from people.tests.factories import PersonFactory
from places.tests.factories import PostcodeFactory, WardFactory

pytestmark = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint is not installed")

WARDS = 60


@pytest.fixture
def many_wards(db):
    """One person supported in 2026 in each of 60 wards: a ward table much longer than a page."""
    for n in range(WARDS):
        person = PersonFactory(postcode=PostcodeFactory(ward=WardFactory(name=f"Ward number {n:02}")))
        Conversation.objects.create(person=person, happened_on=date(2026, 3, 1), kind="visit", notes="x")


def _pages(client) -> list[str]:
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    response = client.get(
        reverse("outcomes:report"), {"since": "2026-01-01", "until": "2026-12-31", "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    # Words as read, each page's lines joined (a long cell wraps onto two).
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.content)).pages]


def test_a_long_table_breaks_across_pages_repeating_its_header(client, many_wards):
    pages = _pages(client)
    with_rows = [n for n, text in enumerate(pages) if "Ward number" in text]
    assert len(with_rows) >= 2, f"{WARDS} rows fit on no single page"
    for n in with_rows:
        assert "Ward People" in pages[n], f"page {n + 1} has rows but not the header row"
    every_row = " ".join(pages[n] for n in with_rows)
    assert all(f"Ward number {n:02}" in every_row for n in range(WARDS))


def test_a_long_table_follows_the_table_before_it_rather_than_leaving_a_half_empty_page(client, many_wards):
    pages = _pages(client)
    first = next(n for n, text in enumerate(pages) if "Ward number 00" in text)
    # Kept whole, the ward table would be pushed past the decile table onto a page of its own,
    # leaving the rest of the decile table's page empty; running on, it starts on that page.
    assert "Not known" in pages[first] and "Decile 10" in pages[first]
