"""Pages of suggestions for coordinators. Thin: who may, one selector or service, render.

A person's suggestions follow their record: a role that reads no records gets 403, another team's
person 404, exactly as on the person's page (``people.selectors.person_for_viewer``), and each page
read is on the audit trail as a read of the person."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.models import User
from common.errors import refusals_as_http
from common.pages import act, bind, form_page
from people.models import Person
from people.permissions import may_work_with_people
from people.selectors import person_for_viewer

from . import forms, permissions, selectors, services
from .ranking import DEFAULT_WEIGHTS, Suggestion, Weights
from .sources.people import KIND as PERSON

ALL = 30  # suggestions on the page of all of them
KIND_LABELS = {
    "listing": "Listing",
    "opportunity": "Volunteering",
    "shift": "Volunteering shift",
    "offer": "Timebank offer",
    "member": "Timebank member",
    PERSON: "Someone the team knows",
}
ON_THE_RECORD = 3  # on the person's page


def _staff(request: HttpRequest) -> User:
    """The user, when their role reads person records; else 403."""
    user = request.user
    if not may_work_with_people(user):
        raise PermissionDenied
    return user


def _person(user: User, pk: UUID) -> Person:
    with refusals_as_http():
        return person_for_viewer(user, pk)


def _shown(suggestions: list[Suggestion]) -> None:
    """People suggested are read as values (not on the trail): those shown are marked here."""
    people = [s for s in suggestions if s.candidate.kind == PERSON]
    audit.shown([Person(pk=UUID(s.candidate.key.partition(":")[2])) for s in people], note="suggested")


def _rows(suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    """What the templates draw of each suggestion: its candidate, what kind it is, where and
    how far, and its reasons joined as one line."""
    return [
        {
            "candidate": s.candidate,
            "kind": KIND_LABELS.get(s.candidate.kind, s.candidate.kind.capitalize()),
            "miles": s.miles,
            "reasons": " · ".join(s.reasons),
        }
        for s in suggestions
    ]


def _suggestions_page(person: Person) -> str:
    return reverse("matching:person", args=[person.pk])


@login_required
@require_GET
def person_suggestions(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Every suggestion for a person, with reasons, and what was dismissed for them."""
    user = _staff(request)
    found = _person(user, pk)
    with refusals_as_http():
        suggestions = selectors.suggestions_for(user, found, limit=ALL)
    _shown(suggestions)
    return render(
        request,
        "matching/person.html",
        {
            "person": found,
            "suggestions": _rows(suggestions),
            "dismissals": list(selectors.dismissals_for(found)),
            "weights_team": found.team,
        },
    )


def suggestions_panel(request: HttpRequest, person: Person) -> str | None:
    """The person page's panel (registered in ``people.registries.person_panels``): the top few."""
    if not permissions.may_see_suggestions(request.user, person):
        return None
    suggestions = selectors.suggestions_for(request.user, person, limit=ON_THE_RECORD)
    _shown(suggestions)
    return render_to_string(
        "matching/_panel.html", {"person": person, "suggestions": _rows(suggestions)}, request=request
    )


def suggested_listing_ids(user: Any, person: Person, limit: int) -> list[UUID]:
    """The introduction picker's listings when no words are typed (``people.registries``)."""
    suggestions = selectors.suggestions_for(user, person, kinds=["listing"], limit=limit)
    return [UUID(s.candidate.key.partition(":")[2]) for s in suggestions if s.candidate.kind == "listing"]


@login_required
@require_POST
def introduce(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Introduce the person to one suggestion, as "Suggested"; then back to their page."""
    user = _staff(request)
    found = _person(user, pk)
    key, title = request.POST.get("key", "")[:100], request.POST.get("title", "")[:255]
    return act(
        request,
        lambda: services.introduce_from_suggestion(user, found, key, title),
        next_url=reverse("people:person", args=[found.pk]),
        refused_url=_suggestions_page(found),
        success=lambda made: (
            f"{found.display_name} is introduced to {made.to_label}: it is down as "
            "suggested, for them to think about."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dismiss(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Say a suggestion is not for them, and why."""
    user = _staff(request)
    found = _person(user, pk)
    source = request.POST if request.method == "POST" else request.GET
    key, title = source.get("key", "")[:100], source.get("title", "")[:255]
    return form_page(
        request,
        bind(request, forms.DismissForm),
        action=lambda data: services.dismiss_suggestion(
            user, found, key, title, data["reason"], data["note"]
        ),
        template="matching/dismiss.html",
        next_url=_suggestions_page(found),
        success=f"“{title}” will not be suggested for {found.display_name} again.",
        context={
            "title": f"Why is “{title}” not for {found.display_name}?",
            "person": found,
            "key": key,
            "suggestion_title": title,
            "submit": "Dismiss the suggestion",
        },
    )


@login_required
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring a dismissed suggestion back."""
    user = _staff(request)
    with refusals_as_http():
        dismissal = selectors.dismissal_for_viewer(user, pk)
    return act(
        request,
        lambda: services.restore_suggestion(user, dismissal, request.POST.get("key", "")),
        next_url=_suggestions_page(dismissal.person),
        success=f"“{dismissal.title}” may be suggested again.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_weights(request: HttpRequest) -> HttpResponse:
    """Each factor, its default and the team's weight, in plain words; changed by the team's leads
    and administrators, read-only for everyone else."""
    user = _staff(request)
    with refusals_as_http():
        team = selectors.team_weights_for_viewer(user, request.GET.get("team"))
    current = selectors.weights_for(team)
    may_change = permissions.may_change_team_weights(user, team)
    if request.method == "POST" and not may_change:
        raise PermissionDenied("Only the team's leads and administrators may change its weights.")
    here = f"{reverse('matching:weights')}?team={team.pk}"
    return form_page(
        request,
        bind(request, forms.WeightsForm, current=current),
        action=lambda data: services.set_team_weights(user, team, data),
        template="matching/weights.html",
        next_url=here,
        success=f"{team.name}'s weights are saved: its suggestions are ranked with them now.",
        context={
            "title": "How suggestions are ranked",
            "team": team,
            "teams": list(selectors.teams_for_weights(user)),
            "may_change": may_change,
            "factors": _factors(current),
            "action_url": here,
            "submit": "Save the weights",
        },
    )


def _factors(current: Weights) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": services.WEIGHT_LABELS[name],
            "hint": forms.WEIGHT_HINTS[name],
            "default": getattr(DEFAULT_WEIGHTS, name),
            "weight": getattr(current, name),
        }
        for name in Weights.names()
    ]
