from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import Refusal, message_of
from places.selectors import PostcodeError, find_postcode, normalise_postcode
from places.tests.factories import PostcodeFactory


@pytest.mark.parametrize("typed", ["M32 0TH", "m32 0th", "M320TH", " m32  0Th ", "M3 20TH", "m\t32 0th\n"])
def test_postcode_in_any_spacing_or_case_is_normalised(typed):
    assert normalise_postcode(typed) == "M32 0TH"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("wa145pl", "WA14 5PL"),
        ("M1 1AE", "M1 1AE"),
        ("ec1a1bb", "EC1A 1BB"),
        ("W1A0AX", "W1A 0AX"),
    ],
)
def test_every_outward_code_shape_is_accepted(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["M32", "123 456", "MM32 0THX", "M32 OTH", "hello", "M32-0TH"])
def test_text_that_is_not_a_postcode_is_refused_with_an_example(typed):
    with pytest.raises(PostcodeError, match="is not a UK postcode. Enter a postcode like M32 0TH"):
        normalise_postcode(typed)


def test_empty_postcode_asks_for_one():
    with pytest.raises(PostcodeError, match="Enter a postcode"):
        normalise_postcode("   ")


outward = st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?", fullmatch=True)
inward = st.from_regex(r"[0-9][A-Z]{2}", fullmatch=True)


@given(outward, inward, st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_normalising_ignores_spacing_and_case_and_is_stable(out, inn, gap, lower):
    typed = f"{out}{gap}{inn}"
    typed = typed.lower() if lower else typed
    normalised = normalise_postcode(typed)
    assert normalised == f"{out} {inn}"
    assert normalise_postcode(normalised) == normalised


@pytest.mark.django_db
def test_known_postcode_is_found_however_it_is_typed():
    PostcodeFactory(postcode="M32 0TH")
    assert find_postcode("m320th").postcode == "M32 0TH"


@pytest.mark.django_db
def test_unknown_postcode_says_so():
    with pytest.raises(PostcodeError, match="We do not know the postcode M32 9ZZ"):
        find_postcode("m32 9zz")


@pytest.mark.django_db
def test_terminated_postcode_says_when_it_stopped():
    PostcodeFactory(postcode="M32 0XX", terminated_on=date(2019, 6, 1))
    with pytest.raises(PostcodeError, match="stopped being used in June 2019"):
        find_postcode("M32 0XX")
    assert find_postcode("M32 0XX", allow_terminated=True).postcode == "M32 0XX"


@pytest.mark.django_db
def test_postcode_without_a_location_says_so():
    PostcodeFactory(postcode="M32 0YY", latitude=None, longitude=None)
    with pytest.raises(PostcodeError, match="has no known location"):
        find_postcode("M32 0YY")


def test_a_postcode_that_cannot_be_used_is_a_refusal_naming_no_field():
    with pytest.raises(Refusal) as refused:
        normalise_postcode("nowhere")
    assert isinstance(refused.value, PostcodeError)
    assert not hasattr(refused.value, "error_dict")  # each caller puts it on its own field
    assert message_of(refused.value) == "“nowhere” is not a UK postcode. Enter a postcode like M32 0TH."
