"""The commissioner's story in Chromium, on a desk and on a 390 px phone: from the home page to who
was reached in an area, the evaluation report for the same period and area (the same count, and
social value with its method), and its CSV and PDF. Every page axe-clean, none wider than the
screen."""

import csv

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.pdf import pdf_available
from common.testing import sign_in_on_page
from outcomes.models import OutcomeEvent
from people.models import Conversation
from people.tests.factories import PersonFactory
from places.tests.factories import LSOAFactory, NeighbourhoodFactory, PostcodeFactory, WardFactory

pytestmark = pytest.mark.browser

SHOTS = "docs/images"  # where the user guides take their pictures from


def _district():
    """North: 7 people seen this year, 6 with a new connection, and 1 on record never seen;
    elsewhere, 5 more seen."""
    call_command("import_unit_costs", "data/unit_costs/example_unit_costs.csv", verbosity=0)
    today = timezone.localdate()
    north_ward = WardFactory(name="Gorse Hill")
    NeighbourhoodFactory(name="North").wards.add(north_ward)
    here = PostcodeFactory(lsoa=LSOAFactory(imd_decile=2), ward=north_ward)
    there = PostcodeFactory(lsoa=LSOAFactory(imd_decile=8), ward=WardFactory(name="Bowdon"))
    north = PersonFactory.create_batch(7, postcode=here)
    for person in north + PersonFactory.create_batch(5, postcode=there):
        Conversation.objects.create(person=person, happened_on=today, kind="visit", notes="x")
    for person in north[:6]:
        OutcomeEvent.objects.create(person=person, kind="new_connections", on=today, evidence="x")
    PersonFactory(postcode=here)  # on record, never seen: counted by neither page


def _fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def _walk(page, axe, width, shots=None):
    _district()
    sign_in_on_page(
        page,
        UserFactory(role=Role.COMMISSIONER, full_name="Leonard Ashworth", email="commissioner@example.org"),
    )
    page.goto("/")
    page.get_by_role("link", name="Who we reach").first.click()
    assert page.locator("h1").inner_text() == "Who we reach"
    assert "the whole district" in page.locator(".govuk-caption-l").inner_text()
    assert page.locator(".govuk-heading-l").first.inner_text() == "12"
    axe(page)
    _fits(page, width)

    page.select_option("#id_neighbourhood", label="North")
    page.get_by_role("button", name="Show").click()
    caption = page.locator(".govuk-caption-l").inner_text()
    assert caption.endswith(", North") and " to " in caption
    assert page.locator(".govuk-heading-l").first.inner_text() == "7"
    assert "fewer than 5" in page.locator("table").first.inner_text()
    assert (
        "withheld so that no one can be picked out" in page.locator(".ck-suppression-note").first.inner_text()
    )
    axe(page)
    _fits(page, width)
    if shots:
        page.screenshot(path=f"{SHOTS}/{shots}-reach.png", full_page=True)

    page.get_by_role("link", name="Evaluation report for this period and area").click()
    assert page.locator("h1").inner_text() == "Evaluation report"
    assert page.locator(".govuk-caption-l").inner_text() == caption
    assert page.locator(".govuk-body-l").first.inner_text().startswith("7 people supported")
    value = page.locator("h2:has-text('Estimated social value') ~ .ck-table-scroll table").first
    assert "£2,400" in value.inner_text()
    assert "It is not cash saved by any budget" in page.locator(".govuk-inset-text").first.inner_text()
    axe(page)
    _fits(page, width)
    if shots:
        top = page.locator("h2:has-text('Estimated social value')").bounding_box()
        bottom = value.bounding_box()
        clip = {
            "x": 0,
            "y": top["y"] - 16,
            "width": width,
            "height": bottom["y"] + bottom["height"] - top["y"] + 110,
        }
        page.screenshot(path=f"{SHOTS}/{shots}-report-social-value.png", full_page=True, clip=clip)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        rows = list(csv.reader(downloaded))
    assert ["Reach", "People supported", "7"] in rows
    assert ["Social value", "Total estimated value (£)", "2400.00"] in rows
    assert ["About these figures", "Area", "North"] in rows
    if pdf_available():
        with page.expect_download() as download:
            page.get_by_role("link", name="Download as PDF").click()
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(download.value.path()).pages)
        assert "7 people supported" in text and "Estimated value: £2,400" in text


def test_a_commissioner_reads_reach_and_the_report_on_a_desk(page, axe):
    _walk(page, axe, 1024, shots="outcomes")


def test_a_commissioner_reads_reach_and_the_report_on_a_phone(phone_page, axe):
    phone_page.set_viewport_size({"width": 390, "height": 844})
    _walk(phone_page, axe, 390)
