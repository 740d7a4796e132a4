"""The shared page helpers: a posted record id is a whole number or the record is not found."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from common.pages import posted_id


@pytest.mark.parametrize("value", ["1", "42", "007"])
def test_a_posted_id_is_the_number_posted(value):
    assert posted_id(RequestFactory().post("/", {"sign_up": value}), "sign_up") == int(value)


@pytest.mark.parametrize("value", [None, "", "x", "-1", "1.5", " 1", "1e3", "١٢", str(2**63), "9" * 40])
def test_anything_else_posted_is_not_found(value):
    request = RequestFactory().post("/", {} if value is None else {"errand": value})
    with pytest.raises(Http404):
        posted_id(request, "errand")
