"""The one error vocabulary (common.errors) and the two page shapes built on it (common.pages)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from common.errors import NotPermitted, NotVisible, Refusal, message_of, refusals_as_http
from common.forms import add_service_errors
from common.pages import act, bind, form_page, form_refusal


class HoursForm(forms.Form):
    hours = forms.DecimalField(label="Hours", min_value=0)
    note = forms.CharField(label="Note", required=False)


def _request(method="get", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_a_refusal_names_its_field_like_a_validation_error():
    refusal = Refusal("Give hours above zero.", field="hours")
    assert isinstance(refusal, ValidationError)
    assert refusal.message_dict == {"hours": ["Give hours above zero."]}
    assert str(refusal) == "Give hours above zero."


def test_a_refusal_of_the_whole_action_names_no_field():
    refusal = Refusal("This exchange has already been confirmed.")
    assert not hasattr(refusal, "error_dict")
    assert refusal.messages == ["This exchange has already been confirmed."]


def test_message_of_joins_every_message_in_order():
    refusal = Refusal({"hours": "Give hours.", "note": "Say what was done."})
    assert message_of(refusal) == "Give hours. Say what was done."


def test_a_refusal_goes_on_the_field_it_names():
    form = HoursForm({"hours": "2"})
    assert form.is_valid()
    add_service_errors(form, Refusal("More than the limit allows.", field="hours"))
    assert form.errors == {"hours": ["More than the limit allows."]}


def test_not_permitted_and_not_visible_become_403_and_404_in_a_view():
    with pytest.raises(PermissionDenied), refusals_as_http():
        raise NotPermitted("Only brokers may do this.")
    with pytest.raises(Http404), refusals_as_http():
        raise NotVisible()
    with pytest.raises(Refusal), refusals_as_http():
        raise Refusal("An ordinary refusal passes through to the form.")


@pytest.mark.django_db
def test_a_form_page_draws_the_form_on_a_get_without_calling_the_service():
    called = []
    request = _request()
    answer = form_page(
        request,
        bind(request, HoursForm),
        action=called.append,
        template="form_page.html",
        next_url="/done/",
        context={"title": "Record hours"},
    )
    assert answer.status_code == 200
    assert called == []
    assert b"Record hours" in answer.content


@pytest.mark.django_db
def test_a_form_page_puts_the_refusal_on_the_named_field_and_draws_the_page_again():
    def refuse(data):
        raise Refusal("Ann has reached her limit of 10 hours.", field="hours")

    request = _request("post", {"hours": "12"})
    answer = form_page(
        request,
        bind(request, HoursForm),
        action=refuse,
        template="form_page.html",
        next_url="/done/",
        context={"title": "Record hours"},
    )
    assert answer.status_code == 200
    assert b"Ann has reached her limit of 10 hours." in answer.content
    assert b'href="#id_hours"' in answer.content  # the error summary links to the field
    assert _said(request) == []


@pytest.mark.django_db
def test_a_form_page_does_not_call_the_service_with_invalid_input():
    called = []
    request = _request("post", {"hours": "-1"})
    answer = form_page(
        request,
        bind(request, HoursForm),
        action=called.append,
        template="form_page.html",
        next_url="/done/",
        context={"title": "Record hours"},
    )
    assert answer.status_code == 200
    assert called == []


def test_a_form_page_says_so_and_redirects_after_success():
    request = _request("post", {"hours": "2.5", "note": "Gardening"})
    answer = form_page(
        request,
        bind(request, HoursForm),
        action=lambda data: data["hours"] * 2,
        template="form_page.html",
        next_url=lambda result: f"/exchanges/{result}/",
        success=lambda result: f"Recorded {result}.",
    )
    assert answer.status_code == 302
    assert answer.url == "/exchanges/5.0/"
    assert _said(request) == [("success", "Recorded 5.0.")]


def test_a_form_page_answers_not_permitted_with_403():
    def refuse(data):
        raise NotPermitted("Only brokers may record exchanges.")

    request = _request("post", {"hours": "1"})
    with pytest.raises(PermissionDenied):
        form_page(request, bind(request, HoursForm), action=refuse, template="form_page.html", next_url="/")


def test_a_button_says_what_was_done_and_redirects():
    request = _request("post")
    answer = act(request, lambda: "exchange 4", next_url="/board/", success=lambda r: f"Confirmed {r}.")
    assert (answer.status_code, answer.url) == (302, "/board/")
    assert _said(request) == [("success", "Confirmed exchange 4.")]


def test_a_button_says_why_not_and_returns_to_the_same_page():
    def refuse():
        raise Refusal({"hours": "Give hours.", "note": "Say what was done."})

    request = _request("post")
    answer = act(request, refuse, next_url="/board/", success="Never said.")
    assert (answer.status_code, answer.url) == (302, "/board/")
    assert _said(request) == [("error", "Give hours. Say what was done.")]


def test_a_button_hides_what_the_requester_may_not_see():
    def refuse():
        raise NotVisible()

    with pytest.raises(Http404):
        act(_request("post"), refuse, next_url="/")


def test_a_button_leaves_a_real_fault_alone():
    def fault():
        raise RuntimeError("a bug, not a refusal")

    with pytest.raises(RuntimeError):
        act(_request("post"), fault, next_url="/")


def test_a_button_s_small_form_is_refused_like_a_service():
    form = HoursForm({"hours": "lots"})
    assert not form.is_valid()

    def change():
        raise form_refusal(form)

    request = _request("post")
    act(request, change, next_url="/")
    assert _said(request) == [("error", "Enter a number.")]


@pytest.mark.django_db
@pytest.mark.urls("closeknit.tests.urls_refusals")
def test_a_refusal_escaping_a_view_is_a_403_or_404_never_a_500(client):
    assert client.get("/not-permitted/").status_code == 403
    hidden = client.get("/not-visible/")
    assert hidden.status_code == 404
    assert b"another team" not in hidden.content


def test_a_button_can_go_on_after_success_and_stay_after_a_refusal():
    request = _request("post")
    answer = act(request, lambda: 7, next_url=lambda shift: f"/mine/#shift-{shift}", refused_url="/shift/7/")
    assert answer.url == "/mine/#shift-7"

    def refuse():
        raise Refusal("That shift has started.")

    request = _request("post")
    assert act(request, refuse, next_url=lambda shift: "/mine/", refused_url="/shift/7/").url == "/shift/7/"
    assert _said(request) == [("error", "That shift has started.")]
