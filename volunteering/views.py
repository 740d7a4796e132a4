"""Volunteering pages. Public: opportunities and events. Volunteers: their shifts and calendar.
Organisers (their organisation's editors): rosters, attendance and their sign-ups from events."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation, User
from common.forms import add_service_errors, error_summary
from directory.models import Location
from timebank.models import CreditScheme

from . import calendar, forms, selectors, services
from .models import Event, Opportunity, Shift, SignUp


def opportunities(request):
    return render(request, "volunteering/list.html", {"opportunities": selectors.open_opportunities()})


@require_http_methods(["GET", "POST"])
def opportunity(request, pk):
    found = get_object_or_404(
        Opportunity.objects.select_related("organisation", "venue"), pk=pk, is_published=True
    )
    shifts = list(selectors.upcoming_shifts(found))
    contact = (
        forms.ContactForm(request.POST if request.method == "POST" else None)
        if not request.user.is_authenticated
        else None
    )
    if request.method == "POST":
        shift = next((s for s in shifts if str(s.pk) == request.POST.get("shift")), None)
        if shift is None:
            messages.error(request, "Choose one of the shifts shown.")
            return redirect("volunteering:opportunity", pk)
        if contact is None or contact.is_valid():
            try:
                signup = services.sign_up(
                    shift, user=None if contact else request.user, **(contact.cleaned_data if contact else {})
                )
            except ValidationError as error:
                if contact is None:
                    messages.error(request, " ".join(error.messages))
                    return redirect("volunteering:opportunity", pk)
                add_service_errors(contact, error)
            else:
                messages.success(
                    request,
                    "That shift is full: you are on the waiting list, and will be told if a place comes up."
                    if signup.status == SignUp.Status.WAITING
                    else f"You are signed up: {shift}. Thank you.",
                )
                return (
                    redirect("volunteering:mine")
                    if contact is None
                    else redirect("volunteering:opportunity", pk)
                )
    return render(
        request,
        "volunteering/opportunity.html",
        {
            "opportunity": found,
            "shifts": shifts,
            "contact": contact,
            "errors": error_summary(contact) if contact else [],
            "organiser": services.runs(request.user, found.organisation),
        },
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
    try:
        services.cancel(request.user, signup)
    except ValidationError as error:
        if signup.user_id != request.user.pk:
            raise PermissionDenied from None
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Cancelled. Thank you for letting them know.")
    return redirect("volunteering:mine")


def calendar_feed(request, token):
    user_id = calendar.user_id_from(token)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
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
    if not services.runs(request.user, shift.opportunity.organisation):
        raise PermissionDenied
    if request.method == "POST" and "places" in request.POST:
        form = forms.PlacesForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(" ".join(e for errors in form.errors.values() for e in errors))
            services.change_places(request.user, shift, form.cleaned_data["places"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Places changed.")
        return redirect("volunteering:roster", pk)
    if request.method == "POST":
        signup = get_object_or_404(SignUp, pk=request.POST.get("sign_up"), shift=shift)
        try:
            services.mark_attendance(request.user, signup, request.POST.get("attended") == "yes")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{signup.name}: attendance recorded.")
        return redirect("volunteering:roster", pk)
    return render(request, "volunteering/roster.html", {"shift": shift, "sign_ups": selectors.roster(shift)})


@require_http_methods(["GET", "POST"])
def event(request, pk):
    """An event's stalls, where people sign up to several shifts at once (made for phones)."""
    found = get_object_or_404(Event.objects.select_related("organisation", "venue"), pk=pk)
    stalls = selectors.event_shifts(found)
    shift_ids = [s.pk for stall in stalls for o in stall["opportunities"] for s in o["shifts"]]
    signed_in = request.user.is_authenticated
    form = forms.EventSignUpForm(
        request.POST if request.method == "POST" else None,
        shifts=Shift.objects.filter(pk__in=shift_ids),
        signed_in=signed_in,
    )
    if request.method == "POST" and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k in ("name", "email", "phone")}
        try:
            made = services.sign_up_at_event(
                found, list(form.cleaned_data["shifts"]), user=request.user if signed_in else None, **details
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            waiting = sum(1 for s in made if s.status == SignUp.Status.WAITING)
            note = f" ({waiting} on a waiting list)" if waiting else ""
            messages.success(
                request,
                f"Thank you: you are signed up to {len(made)}{note}. The organisers will be in touch.",
            )
            return redirect("volunteering:event", pk)
    chosen = {str(v) for v in form["shifts"].value() or []}
    return render(
        request,
        "volunteering/event.html",
        {"event": found, "stalls": stalls, "form": form, "errors": error_summary(form), "chosen": chosen},
    )


@login_required
def event_sign_ups(request, pk):
    """After the event: each organisation sees its own sign-ups; the organising one sees the summary."""
    found = get_object_or_404(Event, pk=pk)
    mine = [
        stall
        for stall in found.stalls.select_related("organisation")
        if services.runs(request.user, stall.organisation)
    ]
    organising = services.runs(request.user, found.organisation)
    if not mine and not organising:
        raise PermissionDenied
    organisations = [stall.organisation for stall in mine]
    sign_ups = (
        SignUp.objects.filter(event=found, shift__opportunity__organisation__in=organisations)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("shift__opportunity")
        .order_by("shift__opportunity__title", "created_at")
    )
    return render(
        request,
        "volunteering/event_sign_ups.html",
        {
            "event": found,
            "sign_ups": sign_ups,
            "summary": selectors.event_summary(found) if organising else None,
        },
    )


def _organisation(request) -> Organisation:
    organisation = request.user.organisation if request.user.is_authenticated else None
    if organisation is None or not services.runs(request.user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def organise(request):
    """An organisation's opportunities, with their coming shifts and how full they are."""
    organisation = _organisation(request)
    found = Opportunity.objects.filter(organisation=organisation).order_by("-is_published", "title")
    return render(
        request,
        "volunteering/organise.html",
        {"organisation": organisation, "opportunities": [(o, selectors.upcoming_shifts(o)) for o in found]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_opportunity(request, pk=None):
    organisation = _organisation(request)
    found = get_object_or_404(Opportunity, pk=pk, organisation=organisation) if pk else None
    form = forms.OpportunityForm(
        request.POST if request.method == "POST" else None,
        instance=found,
        venues=Location.objects.filter(services__owner=organisation).distinct().order_by("name"),
        schemes=CreditScheme.objects.filter(awarding_organisations=organisation),
    )
    if request.method == "POST" and form.is_valid():
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.save_opportunity(request.user, organisation, found, details)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.title} is saved.")
            return redirect("volunteering:organise")
    return render(
        request,
        "volunteering/form.html",
        {
            "form": form,
            "errors": error_summary(form),
            "title": f"Change {found}" if found else "Add an opportunity",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_shifts(request, pk):
    organisation = _organisation(request)
    found = get_object_or_404(Opportunity, pk=pk, organisation=organisation)
    form = forms.ShiftsForm(request.POST if request.method == "POST" else None, initial={"weeks": 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        starts = datetime.combine(data["on"], data["starts_at"], tzinfo=tz)
        ends = datetime.combine(data["on"], data["ends_at"], tzinfo=tz)
        try:
            made = services.add_shifts(
                request.user,
                found,
                starts_at=starts,
                ends_at=ends,
                places=data["places"],
                weeks=data["weeks"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{len(made)} shift{'s' if len(made) > 1 else ''} added to {found}.")
            return redirect("volunteering:organise")
    return render(
        request,
        "volunteering/form.html",
        {"form": form, "errors": error_summary(form), "title": f"Add shifts: {found}"},
    )
