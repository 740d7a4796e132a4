"""Pages for walking alongside people. Thin: check who may, call a selector or service, render.

Someone whose role never reads person records gets 403; someone who may, but not this person
(another team's), gets 404, so a record's existence is not given away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from common.errors import refusals_as_http
from common.forms import add_service_errors, error_summary
from common.pages import act, bind, form_page
from directory.selectors import public_listings

from . import ecomap, forms, permissions, registries, selectors, services
from .models import NEXT_STEPS, Introduction, Person

FORM = "people/form.html"


def _staff_only(request: HttpRequest) -> None:
    if not permissions.may_work_with_people(request.user):
        raise PermissionDenied


def _person(request: HttpRequest, pk: UUID) -> Person:
    _staff_only(request)
    with refusals_as_http():
        return selectors.person_for_viewer(request.user, pk)


def _of_visible_person(request: HttpRequest, find: Callable[[Any, int], Any], pk: int) -> Any:
    """A record belonging to someone this user may see (``find`` is its selector), or 404."""
    _staff_only(request)
    with refusals_as_http():
        return find(request.user, pk)


def _form_page(request: HttpRequest, template_context: dict[str, Any]) -> HttpResponse:
    """``people/form.html`` drawn by hand, for a page with two forms (see ``add_person``)."""
    context = {"errors": error_summary(*template_context.get("forms", [template_context.get("form")]))}
    return render(request, FORM, template_context | context)


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """The people the user coordinates, or all their teams' people; searchable by name or postcode."""
    _staff_only(request)
    scope = "team" if request.GET.get("scope") == "team" else "mine"
    text = request.GET.get("q", "")[:100]
    people = selectors.caseload(request.user, scope=scope, text=text)
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    audit.shown(page.object_list, note="listed")  # the trail writes the VIEW events
    return render(
        request,
        "people/caseload.html",
        {
            "page": page,
            "scope": scope,
            "text": text,
            "query": urlencode({"scope": scope, "q": text}),
            "due": selectors.count_follow_ups_due(request.user, timezone.localdate()),
            "waiting_referrals": selectors.inbox(request.user).count(),
        },
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """What the user said they would follow up, due today or earlier."""
    _staff_only(request)
    today = timezone.localdate()
    return render(
        request,
        "people/follow_ups.html",
        {"due": selectors.follow_ups_due(request.user, today), "today": today},
    )


@login_required
@require_POST
def followed_up(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _of_visible_person(request, selectors.conversation_for_viewer, pk)
    to_person = request.POST.get("next") == "person"
    return act(
        request,
        lambda: services.mark_followed_up(request.user, conversation),
        next_url=_person_page(conversation.person) if to_person else reverse("people:follow_ups"),
        success=f"The follow-up with {conversation.person.display_name} is done.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    """Two forms on one page (the record and their agreement to it), so drawn by hand: both are
    checked, to show every error at once, before the service is called."""
    _staff_only(request)
    data = request.POST if request.method == "POST" else None
    form = forms.PersonForm(
        data,
        teams=selectors.teams_for(request.user),
        coordinators=selectors.coordinators_for(request.user),
        initial=_new_person_initial(request),
    )
    consent = forms.NewPersonConsentForm(data, prefix="consent")
    if data is not None and all([form.is_valid(), consent.is_valid()]):  # both, to show every error
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with refusals_as_http():
                person = services.create_person(
                    request.user,
                    details,
                    consent.cleaned_data["method"],
                    consent.cleaned_data["given_on"],
                    request=request,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.display_name}'s record is started.")
            return redirect("people:person", person.pk)
    return _form_page(
        request, {"title": "Add a person", "forms": [form, consent], "form": form, "consent": consent}
    )


def _new_person_initial(request: HttpRequest) -> dict[str, Any]:
    teams = list(selectors.teams_for(request.user)[:2])
    return {
        "team": teams[0].pk if len(teams) == 1 else None,
        "coordinator": request.user.pk,
        "full_name": request.GET.get("full_name", "")[:200],  # from a drop-in: someone not yet on record
    }


@login_required
def person(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A person's record. Every view of it is written to the audit log."""
    found = _person(request, pk)
    return render(
        request,
        "people/person.html",
        {
            "person": found,
            **selectors.person_details(found),
            "safeguarding": list(selectors.safeguarding_notes(request.user, found)),
            "sees_safeguarding": permissions.may_read_safeguarding(request.user, found),
            "may_erase": permissions.may_erase_person(request.user, found),
            "connections": ecomap.connections(found),
            "centre_label": ecomap.centre_label(found),
            "timeline": ecomap.bars(
                ecomap.active_connections_over_time(found, ecomap.month_ends(timezone.localdate()))
            ),
            "has_consent": selectors.has_consent_to_keep_record(found),
            "next_steps": NEXT_STEPS,
            "today": timezone.localdate(),
            "panels": registries.panels_for(request, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_person(request: HttpRequest, pk: UUID) -> HttpResponse:
    found = _person(request, pk)
    form = bind(
        request,
        forms.PersonForm,
        instance=found,
        teams=selectors.teams_for(request.user),
        coordinators=selectors.coordinators_for(request.user),
    )

    def save(data: dict[str, Any]) -> Person:
        details = {name: data[name] for name in forms.PersonForm.Meta.fields}
        # A fresh copy: the page draws ``found`` again if the service refuses the change.
        fresh = selectors.person_for_viewer(request.user, found.pk)
        return services.update_person(request.user, fresh, details, request=request)

    return form_page(
        request,
        form,
        action=save,
        template=FORM,
        next_url=_person_page(found),
        success=f"{found.display_name}'s record is saved.",
        context={"title": f"Change {found.display_name}'s record", "person": found},
    )


def _record(
    request: HttpRequest,
    pk: UUID,
    form_class: type[django_forms.BaseForm],
    save: Callable[[Any, Person, dict[str, Any]], object],
    *,
    title: str,
    done: str,
) -> HttpResponse:
    """A page adding one thing to a person's record through ``save(user, person, cleaned_data)``."""
    found = _person(request, pk)
    return form_page(
        request,
        bind(request, form_class),
        action=lambda data: save(request.user, found, data),
        template=FORM,
        next_url=_person_page(found),
        success=done,
        context={"title": title.format(name=found.display_name), "person": found},
    )


def _person_page(person: Person) -> str:
    return reverse("people:person", args=[person.pk])


@login_required
@require_http_methods(["GET", "POST"])
def add_conversation(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _record(
        request,
        pk,
        forms.ConversationForm,
        lambda user, person, data: services.record_conversation(user, person, dict(data)),
        title="Record a conversation with {name}",
        done="The conversation is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_introduction(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Introduce a person. Listings to choose from are found by a search on the same page (a plain
    GET form, so it works without JavaScript), or are those near where the person lives."""
    found = _person(request, pk)
    text = request.GET.get("listing_q", "")[:100]
    form = bind(
        request,
        forms.IntroductionForm,
        listings=public_listings(),
        offered=selectors.listings_to_offer(found, text, user=request.user),
        people=selectors.people_to_introduce(request.user, found),
    )
    search = {
        "name": "listing_q",
        "value": text,
        "label": "Find a listing to introduce them to",
        "hint": "For example: bowls, lunch club, carers. Without words, the list shows the listings "
        "suggested for them, best first (or those within a mile of where they live).",
    }
    return form_page(
        request,
        form,
        action=lambda data: services.make_introduction(request.user, found, dict(data)),
        template=FORM,
        next_url=_person_page(found),
        success="The introduction is recorded.",
        context={
            "title": f"Make an introduction for {found.display_name}",
            "person": found,
            "search": search,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = _of_visible_person(request, selectors.introduction_for_viewer, pk)
    choices = [
        (s, Introduction.Status(s).label) for s in NEXT_STEPS[Introduction.Status(introduction.status)]
    ]
    return form_page(
        request,
        bind(request, forms.IntroductionStepForm, choices=choices),
        action=lambda data: services.update_introduction(request.user, introduction, **data),
        template=FORM,
        next_url=_person_page(introduction.person),
        success=f"The introduction to {introduction.to_label} is updated.",
        context={
            "title": f"How is the introduction to {introduction.to_label} going?",
            "person": introduction.person,
            "ended": not choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_consent(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _record(
        request,
        pk,
        forms.ConsentForm,
        lambda user, person, data: services.record_consent(user, person, **data),
        title="Record what {name} agrees to",
        done="Their consent is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _of_visible_person(request, selectors.consent_for_viewer, pk)
    return form_page(
        request,
        bind(request, forms.WithdrawConsentForm, initial={"withdrawn_on": timezone.localdate()}),
        action=lambda data: services.withdraw_consent(request.user, consent, data["withdrawn_on"]),
        template=FORM,
        next_url=_person_page(consent.person),
        success=f"“{consent.get_purpose_display()}” is withdrawn.",
        context={"title": f"Withdraw consent: {consent.get_purpose_display()}", "person": consent.person},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_goal(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _record(
        request,
        pk,
        forms.GoalForm,
        lambda user, person, data: services.add_goal(user, person, data["description"]),
        title="Add a goal for {name}",
        done="The goal is added.",
    )


@login_required
@require_POST
def finish_goal(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _of_visible_person(request, selectors.goal_for_viewer, pk)
    return act(
        request,
        lambda: services.finish_goal(
            request.user, goal, request.POST.get("status", ""), timezone.localdate()
        ),
        next_url=_person_page(goal.person),
        success=lambda finished: f"The goal is marked “{finished.get_status_display()}”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_referral(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _record(
        request,
        pk,
        forms.ReferralForm,
        lambda user, person, data: services.record_referral(user, person, dict(data)),
        title="Record a referral for {name}",
        done="The referral is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_account(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _record(
        request,
        pk,
        forms.LinkAccountForm,
        lambda user, person, data: services.link_account(user, person, data["email"], request=request),
        title="Let {name} see their record",
        done="We have asked them: once they confirm it is them, they can see their record when they sign in.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_safeguarding_note(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _record(
        request,
        pk,
        forms.SafeguardingNoteForm,
        lambda user, person, data: services.add_safeguarding_note(user, person, data["note"]),
        title="Record a safeguarding concern about {name}",
        done="The concern is recorded. Their coordinator and the team's leads can read it.",
    )
