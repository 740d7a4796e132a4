"""Drop-ins: a team plans them and logs who came, on record or not yet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.errors import refusals_as_http
from common.pages import bind, form_page
from directory.selectors import public_listings

from . import forms, selectors, services
from .views import FORM, _staff_only


@login_required
def drop_ins(request: HttpRequest) -> HttpResponse:
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
def add_drop_in(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    teams = selectors.teams_for(request.user)
    form = bind(
        request,
        forms.DropInForm,
        teams=teams,
        members=selectors.members_of_teams(teams),
        venues=selectors.venues_for_drop_ins(request.user),
        initial={"team": teams[0].pk if len(teams) == 1 else None, "on": timezone.localdate()},
    )
    return form_page(
        request,
        form,
        action=lambda data: services.plan_drop_in(
            request.user, {name: data[name] for name in forms.DropInForm.Meta.fields}
        ),
        template=FORM,
        next_url=lambda session: reverse("people:drop_in", args=[session.pk]),
        success=lambda session: f"{session.title} on {session.on:%-d %B} is planned.",
        context={"title": "Plan a drop-in", "back": reverse("people:drop_ins")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def drop_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A drop-in's attendance: add each person as they arrive, on record or not yet."""
    _staff_only(request)
    with refusals_as_http():
        session = selectors.drop_in_for_viewer(request.user, pk, request=request)
    form = bind(
        request,
        forms.AttendanceForm,
        people=selectors.people_at_drop_in(request.user, session),
        members=selectors.members_of_teams([session.team]),
        listings=public_listings(),
        offered=selectors.listings_near_drop_in(session),
    )
    return form_page(
        request,
        form,
        action=lambda data: services.log_attendance(request.user, session, data),
        template="people/drop_in.html",
        next_url=reverse("people:drop_in", args=[session.pk]),
        success=lambda attendance: f"{attendance.who} is down as here.",
        context={
            "session": session,
            "hosts": session.hosts.all(),
            "attendances": selectors.attendance_for_viewer(request.user, session),
        },
    )
