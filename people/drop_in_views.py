"""Drop-ins: a team plans them and logs who came, on record or not yet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.forms import add_service_errors, error_summary
from directory.selectors import public_listings

from . import forms, selectors, services
from .selectors import PersonNotVisible
from .views import _form_page, _staff_only


@login_required
def drop_ins(request):
    """The drop-in sessions of the user's teams, the coming ones first."""
    _staff_only(request)
    today = timezone.localdate()
    sessions = selectors.drop_ins_visible_to(request.user).annotate(attended=Count("attendances"))
    return render(
        request,
        "people/drop_ins.html",
        {
            "coming": sessions.filter(on__gte=today).order_by("on", "starts_at"),
            "past": sessions.filter(on__lt=today)[:30],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_drop_in(request):
    _staff_only(request)
    teams = services.teams_for(request.user)
    data = request.POST if request.method == "POST" else None
    form = forms.DropInForm(
        data,
        teams=teams,
        members=selectors.members_of_teams(teams),
        venues=selectors.venues_for_drop_ins(request.user),
        initial={"team": teams[0].pk if len(teams) == 1 else None, "on": timezone.localdate()},
    )
    if data is not None and form.is_valid():
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            session = services.plan_drop_in(request.user, details)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{session.title} on {session.on:%-d %B} is planned.")
            return redirect("people:drop_in", session.pk)
    return _form_page(request, {"title": "Plan a drop-in", "form": form, "back": reverse("people:drop_ins")})


@login_required
@require_http_methods(["GET", "POST"])
def drop_in(request, pk):
    """A drop-in's attendance: add each person as they arrive, on record or not yet."""
    _staff_only(request)
    try:
        session = selectors.drop_in_for_viewer(request.user, pk, request=request)
    except PersonNotVisible:
        raise Http404 from None
    members = selectors.members_of_teams([session.team])
    data = request.POST if request.method == "POST" else None
    form = forms.AttendanceForm(
        data,
        people=selectors.people_visible_to(request.user).filter(team=session.team).order_by("full_name"),
        members=members,
        listings=public_listings(),
        offered=selectors.listings_near_drop_in(session),
    )
    if data is not None and form.is_valid():
        try:
            attendance = services.log_attendance(request.user, session, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{attendance.who} is down as here.")
            return redirect("people:drop_in", session.pk)
    attendances = selectors.attendance_for_viewer(request.user, session)
    return render(
        request,
        "people/drop_in.html",
        {
            "session": session,
            "hosts": session.hosts.all(),
            "attendances": attendances,
            "form": form,
            "errors": error_summary(form),
        },
    )
