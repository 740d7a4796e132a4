"""A listing's sessions in words, and the free-text note about when checked against them."""

from datetime import date, time

import pytest

from directory.models import Schedule
from directory.schedule_words import describe_schedule, mentions_in, note_disagreements


def schedule(**fields):
    defaults = {"freq": "WEEKLY", "interval": 1, "opens_at": time(12), "closes_at": time(14)}
    return Schedule(**(defaults | fields))


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"byday": "TU"}, "Every Tuesday, 12:00 to 14:00."),
        ({"byday": "MO,WE,FR", "opens_at": None, "closes_at": None}, "Every Monday, Wednesday and Friday."),
        ({"byday": "TU,TH", "interval": 2}, "Every other week on Tuesday and Thursday, 12:00 to 14:00."),
        ({"freq": "MONTHLY", "byday": "1TU"}, "The first Tuesday of the month, 12:00 to 14:00."),
        (
            {"freq": "MONTHLY", "byday": "-1FR", "interval": 3},
            "The last Friday of every third month, 12:00 to 14:00.",
        ),
        ({"freq": "MONTHLY", "bymonthday": "1,15"}, "The 1st and 15th of the month, 12:00 to 14:00."),
        ({"byday": "SA", "closes_at": None}, "Every Saturday, from 12:00."),
        (
            {"byday": "WE", "valid_from": date(2026, 9, 1), "valid_to": date(2026, 12, 16)},
            "Every Wednesday, 12:00 to 14:00 (1 September 2026 to 16 December 2026).",
        ),
    ],
)
def test_a_session_in_words(fields, words):
    assert describe_schedule(schedule(**fields)) == words


def test_a_rule_nobody_can_follow_has_no_words():
    assert describe_schedule(schedule(byday="XX")) == ""
    assert describe_schedule(schedule(byday="")) == ""


@pytest.mark.parametrize(
    "note, days, times",
    [
        ("Tuesdays 12pm to 2pm", [1], [{time(12)}, {time(14)}]),
        ("tuesday and THURSDAY, 10:30-12:00", [1, 3], [{time(10, 30), time(22, 30)}, {time(12)}]),
        ("Weds and Fri. from noon", [2, 4], [{time(12)}]),
        ("2.30 to 4.30 p.m.", [], [{time(2, 30), time(14, 30)}, {time(16, 30)}]),
        ("Sat 9am", [5], [{time(9)}]),
    ],
)
def test_the_days_and_times_a_note_names(note, days, times):
    found = mentions_in(note)
    assert list(found.days) == days
    assert [set(t.could_be) for t in found.times] == times


@pytest.mark.parametrize(
    "note",
    [
        "We sat in the sun room",  # lower-case short forms are words, not days
        "Room 3, up to 10 people, £2.50 a session",  # bare numbers and prices are not times
        "Closed on 12.12.2026",  # nor are dates
    ],
)
def test_words_that_only_look_like_days_or_times_are_not_read_as_them(note):
    assert mentions_in(note).days == () and mentions_in(note).times == ()


def test_a_note_that_agrees_with_the_session_gives_no_warning():
    tuesday = schedule(byday="TU")
    assert note_disagreements("Tuesdays, 12 noon to 2pm, not in August", [tuesday]) == []
    assert note_disagreements("Tuesdays, 12.00 to 2.00", [tuesday]) == []  # 2.00 can be 14:00
    assert note_disagreements("The first Tuesday", [schedule(freq="MONTHLY", byday="1TU")]) == []


def test_a_note_naming_another_day_is_a_warning():
    moved = schedule(byday="WE")
    assert note_disagreements("Tuesdays 12pm to 2pm", [moved]) == [
        "The note says Tuesday, but no session is on a Tuesday."
    ]


def test_a_note_naming_another_time_is_a_warning():
    assert note_disagreements("Tuesdays 10am to 2pm", [schedule(byday="TU")]) == [
        "The note says 10am, but no session starts or ends then."
    ]


def test_a_note_may_speak_of_any_of_the_listings_sessions():
    sessions = [schedule(byday="TU"), schedule(byday="TH", opens_at=time(18), closes_at=time(20))]
    assert note_disagreements("Tuesday lunch, Thursday 6pm to 8pm", sessions) == []
    assert note_disagreements("Friday 6pm", sessions) == [
        "The note says Friday, but no session is on a Friday."
    ]
