"""How a group's questionnaire answers moved, worked out by hand for each kind of scoring: ONS4's
items, UCLA's total, the ONS loneliness question's answers and a licensed SWEMWBS's converted
score; who counts (answered first, then again later within the period) and suppression."""

from datetime import date
from decimal import Decimal

from outcomes import services
from outcomes.models import Instrument, Response
from outcomes.report import Period, evaluation_report
from outcomes.scoring import check_answers, score
from outcomes.wellbeing import wellbeing_change
from people.models import Person
from people.tests.factories import PersonFactory
from places.tests.factories import NeighbourhoodFactory, PostcodeFactory

from .test_scoring import LICENSED

SINCE, UNTIL = date(2026, 1, 1), date(2026, 12, 31)
BEFORE, DURING, LATER = date(2025, 11, 1), date(2026, 6, 1), date(2026, 10, 1)


def answer(person, code, on, answers):
    instrument = Instrument.objects.get(code=code)
    checked = check_answers(instrument, answers)
    return Response.objects.create(
        person=person, instrument=instrument, on=on, answers=checked, scores=score(instrument, checked)
    )


def ucla(person, on, total):
    """UCLA answers adding up to ``total`` (3 to 9)."""
    a = min(3, total - 2)
    b = min(3, total - a - 1)
    return answer(person, "ucla3", on, {"companionship": a, "left_out": b, "isolated": total - a - b})


def section(code, responses=None):
    found = wellbeing_change(responses or Response.objects.all(), SINCE, UNTIL)
    return next(s for s in found if s["instrument"].code == code)


def test_ucla_means_of_the_total_move_down_when_people_are_less_lonely(db):
    for first, latest in [(9, 5), (8, 5), (7, 6), (6, 4), (5, 3)]:
        person = PersonFactory()
        ucla(person, BEFORE, first)
        ucla(person, DURING, 8)  # not their latest: the later one is
        ucla(person, LATER, latest)
    found = section("ucla3")
    assert found["people"] == 5 and found["unit"] == "mean"
    (total,) = found["rows"]
    # First: (9+8+7+6+5)/5 = 7.0. Latest: (5+5+6+4+3)/5 = 4.6. Lower is better for UCLA.
    assert (total["first"], total["latest"], total["change"], total["better"]) == (
        Decimal("7.0"),
        Decimal("4.6"),
        Decimal("-2.4"),
        True,
    )


def test_only_people_answering_again_later_within_the_period_count(db):
    counted = [PersonFactory() for _ in range(5)]
    for person in counted:
        ucla(person, BEFORE, 6)
        ucla(person, DURING, 4)
    once = PersonFactory()
    ucla(once, DURING, 9)  # answered once: no change to show
    same_day = PersonFactory()
    ucla(same_day, DURING, 9)
    ucla(same_day, DURING, 3)  # twice, but on one day
    only_before = PersonFactory()
    ucla(only_before, date(2025, 1, 1), 9)
    ucla(only_before, BEFORE, 3)  # both answers before the period
    after = PersonFactory()
    ucla(after, BEFORE, 9)
    ucla(after, date(2027, 2, 1), 3)  # the second after the period ends
    assert section("ucla3")["people"] == 5
    assert section("ucla3")["rows"][0]["first"] == Decimal("6.0")


def test_fewer_than_five_people_withholds_every_figure(db):
    for _ in range(4):
        person = PersonFactory()
        ucla(person, BEFORE, 9)
        ucla(person, DURING, 3)
    found = section("ucla3")
    assert found["people"] is None
    assert found["rows"] == [
        {
            "label": "Total score",
            "first": None,
            "latest": None,
            "change": None,
            "better": None,
        }
    ]


def test_ons4_means_each_item_on_its_own(db):
    for n in range(6):
        person = PersonFactory()
        answer(person, "ons4", BEFORE, {"satisfied": 3, "worthwhile": 5, "happy": n, "anxious": 8})
        answer(person, "ons4", LATER, {"satisfied": 7, "worthwhile": 5, "happy": 9, "anxious": 6 - n % 2})
    rows = {r["label"]: r for r in section("ons4")["rows"]}
    assert (rows["Life satisfaction"]["first"], rows["Life satisfaction"]["latest"]) == (
        Decimal("3.0"),
        Decimal("7.0"),
    )
    assert rows["Worthwhile"]["change"] == 0 and rows["Worthwhile"]["better"] is None
    assert rows["Happiness"]["first"] == Decimal("2.5")  # (0+1+2+3+4+5)/6
    assert rows["Anxiety"]["latest"] == Decimal("5.5") and rows["Anxiety"]["better"]  # three 6s, three 5s


def test_the_loneliness_question_shows_the_share_giving_each_answer(db):
    for n in range(10):
        person = PersonFactory()
        answer(person, "ons_loneliness", BEFORE, {"lonely": 1})
        answer(person, "ons_loneliness", LATER, {"lonely": 2 if n < 5 else 5})
    found = section("ons_loneliness")
    assert found["people"] == 10 and found["unit"] == "per cent"
    rows = {r["label"]: r for r in found["rows"]}
    assert (rows["Often or always"]["first"], rows["Often or always"]["latest"]) == (Decimal("100.0"), None)
    assert rows["Some of the time"]["latest"] == Decimal("50.0") and rows["Never"]["latest"] == Decimal(
        "50.0"
    )
    # Nobody said "Occasionally": 0 is withheld like any count under 5, so it cannot be told from 3.
    assert rows["Occasionally"]["first"] is None and rows["Occasionally"]["change"] is None


def test_a_licensed_swemwbs_means_its_converted_scores_exactly(db):
    services.load_instrument(LICENSED)  # raw total t converts to round(t * 1.01, 2)
    for first_raw, latest_raw in [(7, 21), (14, 21), (21, 28), (10, 35), (20, 25)]:
        person = PersonFactory()
        for on, raw in [(BEFORE, first_raw), (LATER, latest_raw)]:
            answers = {f"q{n}": 1 for n in range(1, 8)}
            for n in range(1, raw - 7 + 1):  # add one point at a time, item by item
                answers[f"q{(n - 1) % 7 + 1}"] += 1
            answer(person, "swemwbs", on, answers)
    (total,) = section("swemwbs")["rows"]
    # First: 7.07 + 14.14 + 21.21 + 10.10 + 20.20 = 72.72, / 5 = 14.544 → 14.5.
    # Latest: 21.21 + 21.21 + 28.28 + 35.35 + 25.25 = 131.30, / 5 = 26.26 → 26.3.
    assert (total["first"], total["latest"], total["better"]) == (Decimal("14.5"), Decimal("26.3"), True)


def test_the_report_counts_only_people_in_its_area(db):
    home, elsewhere = PostcodeFactory(), PostcodeFactory()
    area = NeighbourhoodFactory()
    area.wards.add(home.ward)
    for postcode in [home] * 5 + [elsewhere] * 3:
        person = PersonFactory(postcode=postcode)
        ucla(person, BEFORE, 9)
        ucla(person, DURING, 3)
    whole = evaluation_report(Period(SINCE, UNTIL))["wellbeing"]
    narrowed = evaluation_report(Period(SINCE, UNTIL, area))["wellbeing"]
    assert [s["people"] for s in whole] == [8] and [s["people"] for s in narrowed] == [5]
    assert Person.objects.count() == 8


def test_a_questionnaire_nobody_answered_in_the_period_is_left_out(db):
    person = PersonFactory()
    ucla(person, BEFORE, 5)
    assert wellbeing_change(Response.objects.all(), SINCE, UNTIL) == []
