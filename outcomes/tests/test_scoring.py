"""Each shipped instrument's scoring, against examples worked by hand, and a licensed instrument
loaded from an organisation's own file."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from outcomes import services
from outcomes.models import Instrument, Response
from outcomes.scoring import ScoringError, check_answers, headline, score
from people.tests.factories import PersonFactory


def instrument(code):
    return Instrument.objects.get(code=code, version=1)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"satisfied": 4, "worthwhile": 6, "happy": 9, "anxious": 1},
            {"satisfied": "Low", "worthwhile": "Medium", "happy": "Very high", "anxious": "Very low"},
        ),
        (
            {"satisfied": 5, "worthwhile": 7, "happy": 8, "anxious": 6},
            {"satisfied": "Medium", "worthwhile": "High", "happy": "High", "anxious": "High"},
        ),
        (
            {"satisfied": 10, "worthwhile": 0, "happy": 0, "anxious": 3},
            {"satisfied": "Very high", "worthwhile": "Low", "happy": "Low", "anxious": "Low"},
        ),
        (
            {"satisfied": 0, "worthwhile": 9, "happy": 5, "anxious": 4},
            {"satisfied": "Low", "worthwhile": "Very high", "happy": "Medium", "anxious": "Medium"},
        ),
    ],
)
def test_ons4_bands_each_item_as_ons_reports_it(db, answers, expected):
    ons4 = instrument("ons4")
    scored = score(ons4, check_answers(ons4, answers))
    assert {code: item["band"] for code, item in scored["items"].items()} == expected
    assert headline(ons4, scored) is None  # four measures, not one


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ((1, 1, 1), 3, "Not lonely (3 to 5)"),
        ((2, 2, 1), 5, "Not lonely (3 to 5)"),
        ((1, 2, 3), 6, "Lonely (6 to 9)"),
        ((3, 3, 3), 9, "Lonely (6 to 9)"),
    ],
)
def test_ucla_three_item_adds_up_and_bands_the_total(db, answers, total, band):
    ucla = instrument("ucla3")
    given = dict(zip(["companionship", "left_out", "isolated"], answers, strict=True))
    assert score(ucla, check_answers(ucla, given)) == {"total": total, "band": band}


def test_ons_direct_loneliness_question_reports_the_answer(db):
    ons = instrument("ons_loneliness")
    assert score(ons, check_answers(ons, {"lonely": 1})) == {"value": 1, "band": "Often or always"}
    assert score(ons, check_answers(ons, {"lonely": "5"})) == {"value": 5, "band": "Never"}


@pytest.mark.parametrize(
    ("answers", "item", "message"),
    [
        ({"satisfied": 4, "worthwhile": 6, "happy": 9}, "anxious", "Answer “Overall, how anxious"),
        ({"satisfied": 11, "worthwhile": 6, "happy": 9, "anxious": 1}, "satisfied", "must be 0 to 10"),
        ({"satisfied": "7.5", "worthwhile": 6, "happy": 9, "anxious": 1}, "satisfied", "whole number"),
        (
            {"satisfied": 4, "worthwhile": 6, "happy": 9, "anxious": 1, "mood": 3},
            "mood",
            "no question “mood”",
        ),
    ],
)
def test_bad_answers_name_the_question(db, answers, item, message):
    with pytest.raises(ScoringError) as refused:
        check_answers(instrument("ons4"), answers)
    assert refused.value.item == item and message in str(refused.value)


# An invented conversion table standing in for a licensed organisation's own file: the real
# SWEMWBS table is the University of Warwick's and is not shipped.
LICENSED = {
    "code": "swemwbs",
    "version": 1,
    "name": "SWEMWBS (loaded under licence)",
    "scoring": "sum_converted",
    "bands": [{"min": 7, "max": 17.99, "label": "Low"}, {"min": 18, "max": 35, "label": "Not low"}],
    "conversion": {str(raw): round(raw * 1.01, 2) for raw in range(7, 36)},
    "items": [{"code": f"q{n}", "min_value": 1, "max_value": 5} for n in range(1, 8)],
}


def test_a_licensed_instrument_loads_from_its_own_file_with_its_conversion(db):
    swemwbs = services.load_instrument(LICENSED)
    assert swemwbs.items.count() == 7 and not swemwbs.items.filter(text__gt="").exists()
    scored = score(swemwbs, check_answers(swemwbs, {f"q{n}": 3 for n in range(1, 8)}))
    assert scored == {"raw": 21, "total": 21.21, "band": "Not low"}


def test_a_conversion_table_with_gaps_is_refused(db):
    broken = LICENSED | {"conversion": {"7": 7.0}}
    with pytest.raises(ValidationError, match="no entry for raw scores"):
        services.load_instrument(broken)
    assert not Instrument.objects.filter(code="swemwbs").exists()


def test_a_response_is_scored_when_recorded_and_bad_answers_save_nothing(db):
    person = PersonFactory()
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[person.team])
    ucla = instrument("ucla3")
    with pytest.raises(ValidationError) as refused:
        services.record_response(
            coordinator, person, ucla, date(2026, 11, 1), {"companionship": 4, "left_out": 1, "isolated": 1}
        )
    assert "companionship" in refused.value.message_dict
    assert not Response.objects.exists()
    response = services.record_response(
        coordinator, person, ucla, date(2026, 11, 1), {"companionship": 3, "left_out": 2, "isolated": 2}
    )
    assert response.scores == {"total": 7, "band": "Lonely (6 to 9)"}


def test_load_instrument_command_reads_a_licensed_file_and_refuses_a_broken_one(db, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    good = tmp_path / "swemwbs.json"
    good.write_text(json.dumps(LICENSED))
    call_command("load_instrument", str(good))
    assert Instrument.objects.get(code="swemwbs").items.count() == 7
    broken = tmp_path / "broken.json"
    broken.write_text('{"code": "x",')
    with pytest.raises(CommandError, match="line 1: not valid JSON"):
        call_command("load_instrument", str(broken))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_instrument", str(tmp_path / "missing.json"))


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"min_value": 1, "max_value": 5}], "Item 1 is missing 'code'"),
        (
            [{"code": "q1", "min_value": "one", "max_value": 5}],
            "Item 1: min_value and max_value must be whole",
        ),
        ([{"code": "q1", "min_value": 5, "max_value": 1}], "Item 1: min_value is more than max_value"),
        (["q1"], "Item 1 must be an object"),
        ([{"code": "q1", "min_value": 1, "max_value": 5}] * 2, "Item code “q1” is used more than once"),
        ("q1", "a list of at least one item"),
        ([{"code": "q__1", "min_value": 1, "max_value": 5}], "Item 1's code “q__1” must be 1 to 40 letters"),
        ([{"code": "how often", "min_value": 1, "max_value": 5}], "Item 1's code “how often” must be"),
    ],
)
def test_a_broken_item_is_refused_by_name_and_nothing_is_saved(db, tmp_path, items, message):
    import json

    from django.core.management import CommandError, call_command

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"code": "mine", "scoring": "sum", "items": items}))
    with pytest.raises(CommandError, match=message):
        call_command("load_instrument", str(broken))
    assert not Instrument.objects.filter(code="mine").exists()


def test_a_definition_that_is_not_an_object_is_refused(db, tmp_path):
    from django.core.management import CommandError, call_command

    broken = tmp_path / "list.json"
    broken.write_text("[1, 2]")
    with pytest.raises(CommandError, match="must be an object"):
        call_command("load_instrument", str(broken))


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"code": "my scale", "scoring": "sum"}, "The instrument's code “my scale” must be"),
        ({"code": "mine", "version": 0, "scoring": "sum"}, "The version must be a whole number from 1"),
        ({"code": "mine", "name": "x" * 201, "scoring": "sum"}, "200 characters or fewer"),
    ],
)
def test_a_bad_code_version_or_name_is_refused(db, definition, message):
    items = [{"code": "q1", "min_value": 1, "max_value": 5}]
    with pytest.raises(ValidationError, match=message):
        services.load_instrument(definition | {"items": items})
    assert not Instrument.objects.filter(code__in=["mine", "my scale"]).exists()


def test_a_scoring_error_is_a_refusal_naming_the_item_as_its_field(db):
    from common.errors import Refusal

    with pytest.raises(Refusal) as refused:
        check_answers(instrument("ons4"), {"satisfied": 11, "worthwhile": 6, "happy": 9, "anxious": 1})
    assert refused.value.message_dict == {"satisfied": [str(refused.value)]}
    assert "must be 0 to 10" in str(refused.value)


def test_an_instrument_without_a_name_is_named_by_its_code(db):
    loaded = services.load_instrument(LICENSED | {"code": "unnamed", "name": None})
    assert loaded.name == "unnamed"
