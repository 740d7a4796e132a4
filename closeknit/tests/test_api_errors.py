"""A service's refusal answers through the API as the 400 the description promises."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound

from common.api_errors import handle_api_exception
from common.errors import NotPermitted, NotVisible, Refusal, TooOften


def test_a_refusal_naming_a_field_is_a_400_under_that_field():
    answer = handle_api_exception(ValidationError({"hours": "Give hours above zero."}), {})
    assert answer.status_code == 400
    assert answer.data == {"hours": ["Give hours above zero."]}


def test_a_refusal_naming_no_field_is_a_400_under_non_field_errors():
    answer = handle_api_exception(ValidationError("This exchange has already been confirmed."), {})
    assert answer.status_code == 400
    assert answer.data == {"non_field_errors": ["This exchange has already been confirmed."]}


def test_other_answers_are_drf_s_own():
    assert handle_api_exception(NotFound("No such exchange."), {}).status_code == 404
    assert handle_api_exception(RuntimeError("a fault"), {}) is None  # a real fault stays a 500


def test_a_refusal_made_with_a_field_name_is_a_400_under_that_field():
    answer = handle_api_exception(Refusal("Give hours above zero.", field="hours"), {})
    assert answer.status_code == 400
    assert answer.data == {"hours": ["Give hours above zero."]}


def test_not_permitted_is_a_403_saying_what_may_not_be_done():
    answer = handle_api_exception(NotPermitted("Only the timebank's brokers may confirm exchanges."), {})
    assert answer.status_code == 403
    assert answer.data == {"detail": "Only the timebank's brokers may confirm exchanges."}


def test_not_visible_is_the_same_404_as_something_missing():
    refused = handle_api_exception(NotVisible("Person 12 is on another team."), {})
    missing = handle_api_exception(NotFound(), {})
    assert refused.status_code == missing.status_code == 404
    assert refused.data == missing.data  # nothing of why: the person's existence is not revealed


def test_too_often_is_a_429_saying_what_to_do():
    answer = handle_api_exception(TooOften("Try again later, or phone the team.", field="full_name"), {})
    assert answer.status_code == 429
    assert answer.data == {"detail": "Try again later, or phone the team."}
