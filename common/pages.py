"""The two shapes of a page that changes something, written once.

- :func:`form_page`: a form. GET draws it; a valid POST calls the service; the service's refusal goes
  on the form beside the field it names (and in the error summary); success says so and redirects.
- :func:`act`: a button. POST calls the service; success or the refusal is said in a message on the
  page it redirects to.

Both answer a :class:`~common.errors.NotPermitted` with 403 and a
:class:`~common.errors.NotVisible` with 404, and neither catches anything else, so a real fault is
still a fault. A view keeps what is its own (finding the thing, who may see it, the template's other
context) and hands the rest to these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .errors import TooOften, message_of, refusals_as_http
from .forms import add_service_errors, error_summary

Result = TypeVar("Result")
FormT = TypeVar("FormT", bound=forms.BaseForm)

# Where to go after success: what ``redirect`` takes (a URL, or a model with get_absolute_url), or a
# function of the service's result that gives one.
NextUrl = Any
# What to say after success: a sentence, a function of the service's result, or None for nothing.
Said = str | Callable[[Any], str] | None


def bind(request: HttpRequest, form_class: type[FormT], **kwargs: Any) -> FormT:
    """The form, bound to what was posted (with any files) on a POST, unbound on a GET."""
    if request.method == "POST":
        return form_class(request.POST, request.FILES or None, **kwargs)
    return form_class(**kwargs)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    action: Callable[[dict[str, Any]], Result],
    template: str,
    next_url: NextUrl,
    success: Said = None,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
) -> HttpResponse:
    """Draw ``form`` with ``template``; on a valid POST call ``action(form.cleaned_data)``.

    A refusal from ``action`` is put on the form and the page drawn again with the error summary;
    success flashes ``success`` and redirects to ``next_url``. The template gets ``form``,
    ``errors`` (for the GOV.UK error summary) and ``context``: a mapping, or a function giving one,
    called only when the page is drawn (so a successful POST does not read, or audit the reading
    of, what only the page shows). A :class:`~common.errors.TooOften` draws the page with its
    message and status 429."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                result = action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 429 if isinstance(error, TooOften) else 200
        else:
            return _done(request, result, success, next_url)
    extra = context() if callable(context) else context
    page = {**(extra or {}), "form": form, "errors": error_summary(form)}
    return render(request, template, page, status=status)


def act(
    request: HttpRequest,
    action: Callable[[], Result],
    *,
    next_url: NextUrl,
    success: Said = None,
    refused_url: Any = None,
) -> HttpResponse:
    """Call ``action()`` for a button's POST; say what happened, or why not, and redirect.

    Success goes to ``next_url`` (what ``redirect`` takes, or a function of the action's result);
    a refusal to ``refused_url``, by default the same place (``next_url`` must then not be a
    function)."""
    try:
        with refusals_as_http():
            result = action()
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect(refused_url if refused_url is not None else next_url)
    return _done(request, result, success, next_url)


LARGEST_ID = 2**63 - 1  # a BigAutoField's largest value, on every database


def posted_id(request: HttpRequest, name: str) -> int:
    """The record id posted as ``name`` (a button's hidden field), for finding the record. Anything
    that is not a whole number (missing, text, negative) is answered 404, as a record not found."""
    value = request.POST.get(name, "")
    # Past the largest id a database holds, a lookup would fail in the database, not find nothing.
    if not value.isdecimal() or not value.isascii() or int(value) > LARGEST_ID:
        raise Http404(f"No such {name.replace('_', ' ')}.")
    return int(value)


def form_refusal(form: forms.BaseForm) -> ValidationError:
    """A form's own errors as one refusal, for a button whose small form (a number, a choice) is
    checked before the service is called: ``act`` then says them like any other refusal."""
    return ValidationError([message for problems in form.errors.values() for message in problems])


def _done(request: HttpRequest, result: Any, success: Said, next_url: NextUrl) -> HttpResponse:
    said = success(result) if callable(success) else success
    if said:
        messages.success(request, said)
    return redirect(next_url(result) if callable(next_url) else next_url)
