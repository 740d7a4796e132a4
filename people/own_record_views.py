"""A resident's own record, a team's request to link it to their sign-in, and what the law gives
a person over their record: a subject access copy and erasure."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import refusals_as_http
from common.pages import act, bind, form_page
from common.pdf import pdf_available, pdf_response

from . import forms, permissions, selectors, services
from .models import Person
from .views import FORM, _person, _staff_only


@login_required
def your_record(request: HttpRequest) -> HttpResponse:
    """A resident's own record, when their team has linked it to their sign-in and they have
    confirmed it is them; a pending link shows only the team's question."""
    found = selectors.own_record(request.user)
    if found is None:
        return render(request, "people/your_record.html", {"person": None})
    if found.account_link_pending:
        return render(request, "people/your_record.html", {"person": found, "pending": True})
    return render(
        request,
        "people/your_record.html",
        {"person": found, **selectors.person_details(found)},
    )


@login_required
@require_POST
def confirm_account_link(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The resident says "Yes, this is me" to a team's pending link. Anyone else's: 404."""
    return act(
        request,
        lambda: services.confirm_account_link(request.user, Person(pk=pk), request=request),
        next_url="people:your_record",
        success="Thank you. This is your record.",
    )


@login_required
@require_POST
def refuse_account_link(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The resident says "No, this is not me": the pending link is removed. Anyone else's: 404."""
    return act(
        request,
        lambda: services.refuse_account_link(request.user, Person(pk=pk), request=request),
        next_url="people:your_record",
        success="Thank you. That record is no longer linked to your sign-in.",
    )


@login_required
def subject_access(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Everything held about a person, as a readable page (prints well) or as JSON. Someone who
    may see the person but not read safeguarding notes gets 403; anyone else 404."""
    _staff_only(request)
    with refusals_as_http():
        found, data = selectors.subject_access_for(request.user, pk, request=request)
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="subject-access-{found.pk}.json"'
        return response
    context = {"person": found, "data": data, "pdf": pdf_available()}
    if request.GET.get("format") == "pdf" and pdf_available():
        return pdf_response(request, "people/subject_access.html", context, f"subject-access-{found.pk}.pdf")
    return render(request, "people/subject_access.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Erase a person's personal data, after a confirmation. Team leads and administrators only."""
    found = _person(request, pk)
    if not permissions.may_erase_person(request.user, found):
        raise PermissionDenied
    return form_page(
        request,
        bind(request, forms.EraseForm),
        action=lambda data: services.erase_person(request.user, found, request=request),
        template=FORM,
        next_url="people:caseload",
        success="The record is erased. Only anonymous counts remain.",
        context={
            "title": f"Erase {found.display_name}'s record",
            "person": found,
            "warning": "This removes their name, contact details, notes and safeguarding concerns "
            "for good. Only anonymous counts stay, for reports. It cannot be undone.",
            "submit": "Erase the record",
        },
    )
