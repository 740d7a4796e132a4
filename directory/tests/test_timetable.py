"""Next sessions from a listing's schedule, against dates read off the calendar by hand."""

from datetime import UTC, date, datetime, time

import pytest

from directory.models import Schedule, weekday_mask
from directory.timetable import LONDON, ScheduleError, check_schedule, fit_the_session_form, next_sessions

MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)


def london(*wall_clock):
    """A time as read off a clock in the UK, which is how sessions are listed."""
    return datetime(*wall_clock, tzinfo=LONDON)


def schedule(**fields):
    defaults = {"freq": "WEEKLY", "interval": 1, "opens_at": time(10), "closes_at": time(12)}
    return Schedule(**(defaults | fields))


def starts(rule, after=MONDAY_MORNING, count=3):
    return [s.starts for s in next_sessions(rule, after, count)]


def test_every_tuesday():
    assert starts(schedule(byday="TU")) == [
        london(2026, 11, 24, 10),
        london(2026, 12, 1, 10),
        london(2026, 12, 8, 10),
    ]


def test_session_already_started_today_is_not_next():
    after = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)
    assert starts(schedule(byday="TU"), after, 1) == [london(2026, 12, 1, 10)]


def test_tuesdays_and_thursdays_in_order():
    assert starts(schedule(byday="TH,TU"), count=4) == [
        london(2026, 11, 24, 10),
        london(2026, 11, 26, 10),
        london(2026, 12, 1, 10),
        london(2026, 12, 3, 10),
    ]


def test_first_tuesday_of_the_month():
    assert starts(schedule(freq="MONTHLY", byday="1TU")) == [
        london(2026, 12, 1, 10),
        london(2027, 1, 5, 10),
        london(2027, 2, 2, 10),
    ]


def test_last_friday_of_the_month():
    assert starts(schedule(freq="MONTHLY", byday="-1FR")) == [
        london(2026, 11, 27, 10),
        london(2026, 12, 25, 10),
        london(2027, 1, 29, 10),
    ]


def test_fifteenth_of_each_month():
    assert starts(schedule(freq="MONTHLY", bymonthday="15")) == [
        london(2026, 12, 15, 10),
        london(2027, 1, 15, 10),
        london(2027, 2, 15, 10),
    ]


def test_every_other_week_counts_from_its_first_date():
    rule = schedule(byday="TU", interval=2, dtstart=date(2026, 11, 3))
    assert starts(rule) == [london(2026, 12, 1, 10), london(2026, 12, 15, 10), london(2026, 12, 29, 10)]


def test_term_time_only():
    rule = schedule(byday="WE", valid_from=date(2027, 1, 6), valid_to=date(2027, 1, 20))
    assert starts(rule, count=5) == [
        london(2027, 1, 6, 10),
        london(2027, 1, 13, 10),
        london(2027, 1, 20, 10),
    ]


def test_session_times_are_local_across_the_clocks_changing():
    rule = schedule(byday="SU")
    sessions = next_sessions(rule, datetime(2027, 3, 20, tzinfo=LONDON), 2)
    assert [s.starts.astimezone(UTC).hour for s in sessions] == [10, 9]  # GMT, then BST
    assert [s.starts.hour for s in sessions] == [10, 10]
    assert sessions[0].ends == datetime(2027, 3, 21, 12, tzinfo=LONDON)


def test_weekday_mask_reads_ordinal_days():
    assert weekday_mask("1TU,-1FR") == 0b0010010
    assert weekday_mask("MO,SU") == 0b1000001
    assert weekday_mask("") == 0


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"byday": "XX"}, "byday", "is not a day"),
        ({"byday": "1TU"}, "byday", "needs a monthly schedule"),
        ({"freq": "MONTHLY", "byday": "9TU"}, "byday", "week number must be 1 to 5"),
        ({"freq": "MONTHLY", "bymonthday": "32"}, "bymonthday", "must be 1 to 31"),
        ({"byday": ""}, "byday", "Say which day"),
        ({"byday": "TU", "opens_at": time(12), "closes_at": time(10)}, "closes_at", "after the start"),
        (
            {"byday": "TU", "valid_from": date(2027, 2, 1), "valid_to": date(2027, 1, 1)},
            "valid_to",
            "on or after",
        ),
    ],
)
def test_schedule_that_cannot_give_dates_says_which_field(fields, field, message):
    with pytest.raises(ScheduleError, match=message) as raised:
        check_schedule(schedule(**fields))
    assert raised.value.field == field


@pytest.mark.parametrize(
    "after", [datetime(2026, 11, 23, 9, tzinfo=LONDON), datetime(2031, 6, 2, 9, tzinfo=LONDON)]
)
def test_every_other_week_keeps_its_rhythm_years_after_it_started(after):
    rule = schedule(byday="TU", interval=2, dtstart=date(2026, 11, 3))
    got = [s.starts.date() for s in next_sessions(rule, after, 3)]
    assert all((day - date(2026, 11, 3)).days % 14 == 0 for day in got)
    assert got[0] >= after.date() and (got[0] - after.date()).days < 14


def test_every_third_month_keeps_its_rhythm_years_after_it_started():
    rule = schedule(freq="MONTHLY", byday="1MO", interval=3, dtstart=date(2026, 1, 5))
    got = [s.starts.date() for s in next_sessions(rule, datetime(2029, 2, 10, tzinfo=LONDON), 3)]
    assert got == [date(2029, 4, 2), date(2029, 7, 2), date(2029, 10, 1)]


def test_a_schedule_that_cannot_give_dates_does_not_hide_the_others():
    from directory.timetable import next_sessions_of

    broken = schedule(byday="XX")
    weekly = schedule(byday="TU")
    assert [s.starts.date() for s in next_sessions_of([broken, weekly], MONDAY_MORNING, 1)] == [
        date(2026, 11, 24)
    ]


@pytest.mark.parametrize(
    "rules, fits",
    [
        ([], True),
        ([{"byday": "TU,TH"}], True),
        ([{"freq": "MONTHLY", "byday": "1TU", "description": "Not in August"}], True),
        ([{"byday": "TU"}, {"byday": "TH"}], False),  # two sessions
        ([{"byday": "TU", "interval": 2}], False),  # every other week
        ([{"byday": "TU", "valid_to": date(2027, 7, 20)}], False),  # term dates
        ([{"freq": "MONTHLY", "bymonthday": "1"}], False),  # a day of the month
        ([{"byday": "TU", "notes": "Imported notes"}], False),
    ],
)
def test_what_the_one_session_form_can_show_whole(rules, fits):
    assert fit_the_session_form([schedule(**rule) for rule in rules]) is fits
