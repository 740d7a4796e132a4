"""A resident's own record, a team's request to link it to their sign-in, and what the law gives
a person over their record: a subject access copy and erasure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common.pdf import pdf_available, pdf_response

from . import forms, selectors, services
from .models import Person
from .selectors import PersonNotVisible
from .views import _form_page, _person, _staff_only


@login_required
def your_record(request):
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
def confirm_account_link(request, pk):
    """The resident says "Yes, this is me" to a team's pending link. Anyone else's: 404."""
    try:
        services.confirm_account_link(request.user, Person(pk=pk), request=request)
    except PersonNotVisible:
        raise Http404 from None
    messages.success(request, "Thank you. This is your record.")
    return redirect("people:your_record")


@login_required
@require_POST
def refuse_account_link(request, pk):
    """The resident says "No, this is not me": the pending link is removed. Anyone else's: 404."""
    try:
        services.refuse_account_link(request.user, Person(pk=pk), request=request)
    except PersonNotVisible:
        raise Http404 from None
    messages.success(request, "Thank you. That record is no longer linked to your sign-in.")
    return redirect("people:your_record")


@login_required
def subject_access(request, pk):
    """Everything held about a person, as a readable page (prints well) or as JSON."""
    _staff_only(request)
    try:
        found, data = selectors.subject_access_for(request.user, pk, request=request)
    except PersonNotVisible:
        raise Http404 from None
    except selectors.NotAllowed:
        raise PermissionDenied from None
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
def erase(request, pk):
    """Erase a person's personal data, after a confirmation. Team leads and administrators only."""
    found = _person(request, pk)
    if not selectors.may_erase(request.user, found):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = forms.EraseForm(data)
    if data is not None and form.is_valid():
        services.erase_person(request.user, found, request=request)
        messages.success(request, "The record is erased. Only anonymous counts remain.")
        return redirect("people:caseload")
    return _form_page(
        request,
        {
            "title": f"Erase {found.display_name}'s record",
            "form": form,
            "person": found,
            "warning": "This removes their name, contact details, notes and safeguarding concerns "
            "for good. Only anonymous counts stay, for reports. It cannot be undone.",
            "submit": "Erase the record",
        },
    )
