"""The evaluation report: figures worked out by hand on a small district, small numbers
suppressed, no personal data for commissioners, and the PDF and CSV."""

import csv
import io
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from outcomes.models import Instrument, OutcomeEvent, Response
from outcomes.report import Period, evaluation_report
from outcomes.scoring import check_answers, score
from people.models import Conversation, Introduction, IntroductionStep
from people.tests.factories import PersonFactory
from places.tests.factories import LSOAFactory, NeighbourhoodFactory, PostcodeFactory, WardFactory

PERIOD = Period(date(2026, 1, 1), date(2026, 12, 31))


def ons4(person, on, satisfied, anxious):
    instrument = Instrument.objects.get(code="ons4")
    answers = check_answers(
        instrument, {"satisfied": satisfied, "worthwhile": 5, "happy": 5, "anxious": anxious}
    )
    Response.objects.create(
        person=person, instrument=instrument, on=on, answers=answers, scores=score(instrument, answers)
    )


@pytest.fixture
def district(db):
    """8 people supported in 2026 in a decile-2 area, 2 in a decile-9 area, 3 not supported in 2026."""
    ward = WardFactory(name="Old Trafford")
    poor, rich = (
        PostcodeFactory(lsoa=LSOAFactory(imd_decile=2), ward=ward),
        PostcodeFactory(lsoa=LSOAFactory(imd_decile=9)),
    )
    supported = [PersonFactory(full_name=f"Quentin Marrowbone {n}", postcode=poor) for n in range(8)]
    supported += [PersonFactory(postcode=rich) for _ in range(2)]
    for person in supported:
        Conversation.objects.create(person=person, happened_on=date(2026, 3, 1), kind="visit", notes="x")
    for person in [PersonFactory(postcode=poor) for _ in range(3)]:
        Conversation.objects.create(person=person, happened_on=date(2025, 3, 1), kind="visit", notes="x")
    for n, person in enumerate(supported[:6]):
        ons4(person, date(2025, 12, 1), satisfied=4, anxious=7)
        ons4(person, date(2026, 9, 1), satisfied=6 + n % 2, anxious=5)
        intro = Introduction.objects.create(person=person, elsewhere="Choir", status="went_along")
        IntroductionStep.objects.create(introduction=intro, status="went_along", on=date(2026, 4, 10))
        OutcomeEvent.objects.create(person=person, kind="new_connections", on=date(2026, 5, 1), evidence="x")
    return ward


def test_figures_match_a_hand_count(district):
    report = evaluation_report(PERIOD)
    assert report["reach"]["people"] == 10
    assert report["reach"]["most_deprived_share"] == Decimal("80.0")  # 8 of 10 in decile 2
    assert {r["label"]: r["count"] for r in report["outcomes"]}["New connections made"] == 6
    (ons4,) = report["wellbeing"]
    assert ons4["instrument"].code == "ons4" and ons4["people"] == 6
    satisfied, _, _, anxiety = ons4["rows"]
    assert (satisfied["label"], satisfied["first"], satisfied["latest"]) == (
        "Life satisfaction",
        Decimal("4.0"),
        Decimal("6.5"),  # three 6s and three 7s
    )
    assert anxiety["change"] == Decimal("-2.0") and anxiety["better"]
    wards = {r["label"]: r["count"] for r in report["reach"]["wards"]}
    assert wards.pop("Old Trafford") == 8 and list(wards.values()) == [None]  # the other ward's 2
    assert report["connections"] == [{"label": "Apr 2026", "count": 6}]


def test_an_area_narrows_it_and_small_numbers_are_suppressed(district):
    area = NeighbourhoodFactory(name="North")
    area.wards.add(district)
    report = evaluation_report(Period(PERIOD.since, PERIOD.until, area))
    assert report["reach"]["people"] == 8
    deciles = {r["label"]: r["count"] for r in report["deciles"]}
    assert deciles["Decile 2"] == 8 and deciles["Decile 9"] is None
    assert {r["label"]: r["count"] for r in report["outcomes"]}["Crisis avoided"] is None


def test_commissioners_get_the_report_page_pdf_and_csv_without_personal_data(client, district):
    sign_in(client, UserFactory(role=Role.COMMISSIONER))
    url = reverse("outcomes:report")
    query = {"since": "2026-01-01", "until": "2026-12-31"}
    page = client.get(url, query).content.decode()
    assert "80.0%" in page and "Marrowbone" not in page
    rows = list(csv.reader(io.StringIO(client.get(url, query | {"format": "csv"}).content.decode())))
    assert ["Reach", "People supported", "10"] in rows
    assert ["Reach by ward", "Old Trafford", "8"] in rows
    assert ["Wellbeing: ONS4 personal wellbeing (mean)", "Life satisfaction: latest", "6.5"] in rows
    pdf = client.get(url, query | {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "Evaluation report" in text and "80.0%" in text and "Marrowbone" not in text
    for role in (Role.COORDINATOR, Role.RESIDENT, Role.ORGANISATION_EDITOR):
        sign_in(client, UserFactory(role=role))
        assert client.get(url).status_code == 403
