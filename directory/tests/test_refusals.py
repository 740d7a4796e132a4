"""The directory's own errors are refusals (common.errors.Refusal), each naming what it is about,
and the Open Referral UK API still answers a bad parameter in the profile's own shape."""

from datetime import time

import pytest

from common.errors import Refusal, message_of
from common.forms import add_service_errors
from directory.forms import SessionForm
from directory.models import Schedule
from directory.oruk.importer import FeedError, records_from_file
from directory.oruk.params import BadParameter, whole_number
from directory.timetable import ScheduleError, check_schedule


def test_a_schedule_that_cannot_give_dates_is_a_refusal_naming_the_field():
    with pytest.raises(Refusal) as refused:
        check_schedule(Schedule(freq="WEEKLY", byday="TU", opens_at=time(12), closes_at=time(10)))
    assert isinstance(refused.value, ScheduleError)
    assert refused.value.message_dict == {"closes_at": ["The end time must be after the start time"]}
    assert str(refused.value) == "The end time must be after the start time"


def test_a_schedule_refusal_goes_on_the_form_field_it_names():
    form = SessionForm({})
    assert form.is_valid()
    add_service_errors(form, ScheduleError("closes_at", "The end time must be after the start time"))
    assert form.errors == {"closes_at": ["The end time must be after the start time"]}


def test_a_bad_parameter_is_a_refusal_naming_the_parameter():
    with pytest.raises(Refusal) as refused:
        whole_number({"page": "two"}, "page", 1, minimum=1, maximum=10)
    assert isinstance(refused.value, BadParameter) and refused.value.name == "page"
    assert refused.value.message_dict == {"page": ["page: “two” is not a whole number"]}


def test_the_oruk_api_answers_a_bad_parameter_in_its_own_shape(client, db):
    response = client.get("/oruk/services", {"page": "two"})
    assert response.status_code == 400
    assert response.json() == {"detail": "page: “two” is not a whole number", "parameter": "page"}


def test_a_feed_that_cannot_be_read_is_a_refusal_of_the_whole_import(tmp_path):
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(Refusal) as refused:
        records_from_file(tmp_path / "broken.json")
    assert isinstance(refused.value, FeedError)
    assert not hasattr(refused.value, "error_dict")
    assert message_of(refused.value).startswith("broken.json is not valid JSON")
