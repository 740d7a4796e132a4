"""Volunteering pages. Public: opportunities and events. Volunteers: their shifts and calendar.
Organisers (their organisation's editors): rosters, attendance and their sign-ups from events."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from common.pages import act, bind, form_page, form_refusal, posted_id

from . import calendar, forms, permissions, selectors, services
from .models import Event, Shift, SignUp, Stall


def opportunities(request):
    return render(
        request,
        "volunteering/list.html",
        {
            "opportunities": selectors.open_opportunities(),
            "may_organise": permissions.may_organise_own_volunteering(request.user),
        },
    )


def _named(signup: SignUp, *, say_waiting: bool = True) -> str:
    """A sign-up's shift as a person reads it, saying when it is only a place on the waiting list."""
    when = timezone.localtime(signup.shift.starts_at)
    waiting = ", on the waiting list" if say_waiting and signup.status == SignUp.Status.WAITING else ""
    return f"{signup.shift.opportunity.title} ({when:%a %-d %b, %H:%M}{waiting})"


def _signed_up(signup: SignUp) -> str:
    if signup.is_repeat:
        return f"You were already signed up: {_named(signup)}. Nothing more was added."
    if signup.status == SignUp.Status.WAITING:
        return (
            f"That shift is full: you are on the waiting list for {_named(signup, say_waiting=False)}, "
            "and will be told if a place comes up."
        )
    return f"You are signed up: {_named(signup)}. Thank you."


@require_http_methods(["GET", "POST"])
def opportunity(request, pk):
    """An opportunity and its coming shifts. Someone signed in signs up with a button; anyone
    else gives their name and a way to reach them in the form on the page."""
    found = get_object_or_404(selectors.published_opportunities(), pk=pk)
    shifts = list(selectors.upcoming_shifts(found))
    here = reverse("volunteering:opportunity", args=[pk])
    shift = None
    if request.method == "POST":
        shift = next((s for s in shifts if str(s.pk) == request.POST.get("shift")), None)
        if shift is None:
            messages.error(request, "Choose one of the shifts shown.")
            return redirect(here)
    page = {
        "opportunity": found,
        "shifts": shifts,
        "organiser": permissions.may_run_volunteering(request.user, found.organisation),
    }
    if request.user.is_authenticated:
        if shift is not None:
            return _sign_up_signed_in(request, shift, here)
        return render(request, "volunteering/opportunity.html", page | {"contact": None, "errors": []})
    contact = bind(request, forms.ContactForm)
    return form_page(
        request,
        contact,
        action=lambda details: services.sign_up(shift, **details),
        template="volunteering/opportunity.html",
        next_url=here,
        success=_signed_up,
        context=page | {"contact": contact},
    )


def _sign_up_signed_in(request, shift: Shift, here: str) -> HttpResponse:
    """A refusal returns to the opportunity; success goes on to the volunteer's own shifts."""
    return act(
        request,
        lambda: services.sign_up(shift, user=request.user),
        success=_signed_up,
        next_url=lambda signup: reverse("volunteering:mine"),
        refused_url=here,
    )


@login_required
def mine(request):
    return render(
        request,
        "volunteering/mine.html",
        {
            "sign_ups": selectors.shifts_of(request.user),
            "calendar_url": request.build_absolute_uri(
                reverse("volunteering:calendar", args=[calendar.token_for(request.user)])
            ),
        },
    )


@login_required
@require_POST
def cancel(request, pk):
    signup = get_object_or_404(SignUp, pk=pk)
    return act(
        request,
        lambda: services.cancel(request.user, signup),
        next_url=reverse("volunteering:mine"),
        success="Cancelled. Thank you for letting them know.",
    )


def calendar_feed(request, token):
    user = selectors.calendar_owner(calendar.user_id_from(token))
    if user is None:
        raise Http404
    body = calendar.shifts_calendar(
        selectors.shifts_of(user),
        lambda opportunity: request.build_absolute_uri(
            reverse("volunteering:opportunity", args=[opportunity.pk])
        ),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def roster(request, pk):
    """A shift's roster for its organisers, who mark who came once it has started."""
    shift = get_object_or_404(Shift.objects.select_related("opportunity__organisation"), pk=pk)
    if not permissions.may_run_shift(request.user, shift):
        raise PermissionDenied
    here = reverse("volunteering:roster", args=[pk])
    if request.method == "POST" and "places" in request.POST:
        form = forms.PlacesForm(request.POST)

        def change_places() -> Shift:
            if not form.is_valid():
                raise form_refusal(form)
            return services.change_places(request.user, shift, form.cleaned_data["places"])

        return act(request, change_places, next_url=here, success="Places changed.")
    if request.method == "POST":
        signup = get_object_or_404(shift.sign_ups, pk=posted_id(request, "sign_up"))
        came = request.POST.get("attended") == "yes"
        given = forms.AttendanceForm(request.POST)

        def mark() -> SignUp:
            if came and not given.is_valid():
                raise form_refusal(given)
            hours = given.cleaned_data.get("hours") if came else None
            return services.mark_attendance(request.user, signup, came, hours)

        return act(request, mark, next_url=here, success=_attendance_said)
    return render(
        request,
        "volunteering/roster.html",
        {
            "shift": shift,
            "sign_ups": selectors.roster(shift),
            "scheduled": selectors.scheduled_hours(shift),
            "started": shift.starts_at <= timezone.now(),
        },
    )


def _attendance_said(signup: SignUp) -> str:
    if signup.status == SignUp.Status.ATTENDED:
        return f"{signup.name} came: {signup.hours_shown} hours recorded."
    return f"{signup.name}: recorded as not coming."


def _in_a_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _thanked(made: list[SignUp]) -> str:
    """The confirmation after an event's sign-up: each shift by name, which are on a waiting list,
    and which the person had already signed up to (so nothing more was added for those)."""
    new = [_named(s) for s in made if not s.is_repeat]
    repeated = [_named(s) for s in made if s.is_repeat]
    said = []
    if new:
        shifts = f"{len(new)} shift{'s' if len(new) > 1 else ''}"
        said.append(f"Thank you: you are signed up to {shifts}: {_in_a_list(new)}.")
    if repeated:
        said.append(f"You were already signed up to {_in_a_list(repeated)}: nothing more was added.")
    if new:
        said.append("The organisers will be in touch.")
    return " ".join(said)


@require_http_methods(["GET", "POST"])
def event(request, pk):
    """An event's stalls, where people sign up to several shifts at once (made for phones)."""
    found = get_object_or_404(Event.objects.select_related("organisation", "venue"), pk=pk)
    signed_in = request.user.is_authenticated
    form = bind(
        request, forms.EventSignUpForm, shifts=selectors.shifts_choosable_at(found), signed_in=signed_in
    )

    def sign_up(data: dict) -> list[SignUp]:
        details = {k: v for k, v in data.items() if k in ("name", "email", "phone")}
        user = request.user if signed_in else None
        return services.sign_up_at_event(found, list(data["shifts"]), user=user, **details)

    return form_page(
        request,
        form,
        action=sign_up,
        template="volunteering/event.html",
        next_url=reverse("volunteering:event", args=[pk]),
        success=_thanked,
        context={
            "event": found,
            "stalls": selectors.event_shifts(found),
            "chosen": {str(v) for v in form["shifts"].value() or []},
            "organiser": permissions.may_see_event_sign_ups(request.user, found),
        },
    )


@login_required
def event_sign_ups(request, pk):
    """The organisers' page of an event: each organisation with a stall sees its own sign-ups (and
    its stall); the organising one sees the summary, the stalls, and changes the event."""
    found = get_object_or_404(Event.objects.select_related("organisation", "venue"), pk=pk)
    if not permissions.may_see_event_sign_ups(request.user, found):
        raise PermissionDenied
    runs_event = permissions.may_run_event(request.user, found)
    stalls = list(selectors.stalls_at(found))
    return render(
        request,
        "volunteering/event_sign_ups.html",
        {
            "event": found,
            "sign_ups": selectors.event_sign_ups_seen_by(request.user, found),
            "summary": (
                selectors.event_summary(found)
                if permissions.may_see_event_summary(request.user, found)
                else None
            ),
            "runs_event": runs_event,
            "stalls": stalls if runs_event else [],
            "own_stalls": [s for s in stalls if permissions.may_run_stall(request.user, s)],
        },
    )


def _event_run_by(request, pk) -> Event:
    found = get_object_or_404(Event.objects.select_related("organisation"), pk=pk)
    if not permissions.may_run_event(request.user, found):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
def edit_event(request, pk=None):
    """An organiser adds an event for their organisation, or changes one it holds."""
    found = _event_run_by(request, pk) if pk else None
    organisation = found.organisation if found else _organisation(request)
    form = bind(request, forms.EventForm, venues=selectors.venues_choosable_for(organisation), event=found)
    return form_page(
        request,
        form,
        action=lambda data: services.save_event(request.user, organisation, found, form.details()),
        template="volunteering/event_form.html",
        next_url=lambda saved: reverse("volunteering:event_sign_ups", args=[saved.pk]),
        success=lambda saved: f"{saved.title} is saved.",
        context={"title": f"Change {found}" if found else "Add an event", "event": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_stall(request, pk):
    """The event's organiser gives an organisation a stall at it."""
    found = _event_run_by(request, pk)

    def after(stall: Stall) -> str:
        if permissions.may_run_stall(request.user, stall):  # their own: choose what it offers next
            return reverse("volunteering:stall", args=[stall.pk])
        return reverse("volunteering:event_sign_ups", args=[found.pk])

    return form_page(
        request,
        bind(request, forms.StallForm, organisations=selectors.organisations_choosable_for_stall(found)),
        action=lambda data: services.add_stall(request.user, found, data["organisation"]),
        template="volunteering/event_form.html",
        next_url=after,
        success=lambda stall: f"{stall.organisation} has a stall at {found}.",
        context={"title": f"Add a stall: {found}", "event": found, "submit": "Add the stall"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def stall(request, pk):
    """A stall for its organisation's organisers: what it offers, and the sign-ups it gathered."""
    found = get_object_or_404(Stall.objects.select_related("organisation", "event"), pk=pk)
    if not permissions.may_run_stall(request.user, found):
        raise PermissionDenied
    form = bind(
        request,
        forms.StallOpportunitiesForm,
        opportunities=selectors.opportunities_choosable_for(found),
        initial={"opportunities": list(found.opportunities.all())},
    )
    return form_page(
        request,
        form,
        action=lambda data: services.choose_stall_opportunities(
            request.user, found, list(data["opportunities"])
        ),
        template="volunteering/stall.html",
        next_url=reverse("volunteering:stall", args=[pk]),
        success="What the stall offers is saved.",
        context={
            "title": f"Your stall at {found.event}",
            "stall": found,
            "event": found.event,
            "sign_ups": selectors.stall_sign_ups(found),
            "submit": "Save what the stall offers",
        },
    )


def _organisation(request) -> Organisation:
    organisation = selectors.organisation_organised_by(request.user)
    if organisation is None:
        raise PermissionDenied
    return organisation


@login_required
def organise(request):
    """An organisation's opportunities, with their coming shifts and how full they are."""
    organisation = _organisation(request)
    found = selectors.opportunities_of(organisation)
    return render(
        request,
        "volunteering/organise.html",
        {
            "organisation": organisation,
            "opportunities": [(o, selectors.upcoming_shifts(o)) for o in found],
            "events": selectors.events_held_by(organisation),
            "stalls": selectors.stalls_of(organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_opportunity(request, pk=None):
    organisation = _organisation(request)
    found = get_object_or_404(selectors.opportunities_of(organisation), pk=pk) if pk else None
    form = bind(
        request,
        forms.OpportunityForm,
        instance=found,
        venues=selectors.venues_choosable_for(organisation),
        schemes=selectors.credit_schemes_choosable_for(organisation),
    )
    return form_page(
        request,
        form,
        action=lambda data: services.save_opportunity(
            request.user,
            organisation,
            found,
            {name: data[name] for name in forms.OpportunityForm.Meta.fields},
        ),
        template="volunteering/form.html",
        next_url=reverse("volunteering:organise"),
        success=lambda saved: f"{saved.title} is saved.",
        context={"title": f"Change {found}" if found else "Add an opportunity"},
    )


def _shift_times(data: dict) -> dict:
    """The form's day and times as the service's start and end, in the local time zone."""
    tz = timezone.get_current_timezone()
    return {
        "starts_at": datetime.combine(data["on"], data["starts_at"], tzinfo=tz),
        "ends_at": datetime.combine(data["on"], data["ends_at"], tzinfo=tz),
        "places": data["places"],
        "weeks": data["weeks"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def add_shifts(request, pk):
    organisation = _organisation(request)
    found = get_object_or_404(selectors.opportunities_of(organisation), pk=pk)
    return form_page(
        request,
        bind(request, forms.ShiftsForm, initial={"weeks": 1}),
        action=lambda data: services.add_shifts(request.user, found, **_shift_times(data)),
        template="volunteering/form.html",
        next_url=reverse("volunteering:organise"),
        success=lambda made: f"{len(made)} shift{'s' if len(made) > 1 else ''} added to {found}.",
        context={"title": f"Add shifts: {found}"},
    )
