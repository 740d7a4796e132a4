"""A service's refusal answers through the API as the 400 the description promises."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound

from common.api_errors import handle_api_exception


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
