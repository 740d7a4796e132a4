from datetime import time

import pytest

from common.free_times import CHOICES, FreeTimesField, as_weekly_times, invalid_codes


def test_codes_become_weekly_times_in_week_order():
    assert as_weekly_times(["sat_am", "wed_pm", "wed_am", "nonsense"]) == [
        (2, time(9), time(12)),
        (2, time(12), time(17)),
        (5, time(9), time(12)),
    ]


def test_every_day_has_three_parts():
    assert len(CHOICES) == 21
    assert CHOICES[0] == ("mon_am", "Monday morning")
    assert CHOICES[-1] == ("sun_eve", "Sunday evening")


def test_unknown_codes_are_named():
    assert invalid_codes(["mon_am", "xmas_am", "tue_noon"]) == ["tue_noon", "xmas_am"]


def test_the_field_refuses_a_time_not_in_the_list():
    field = FreeTimesField()
    assert field.clean(["mon_am", "fri_eve"]) == ["mon_am", "fri_eve"]
    with pytest.raises(Exception) as refused:
        field.clean(["mon_am", "<script>"])
    assert "<script> is not one of them" in str(refused.value)
