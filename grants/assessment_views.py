"""Assessment pages. Fund officers: a round's assessment (criteria, panel, screening, giving
applications to the panel), screening one application, giving it to members, moderation and the
decision. Panel members: their applications; for each, first the declaration of interest, then
(with no conflict) the application, its discussion and their review.

Fund officers and panel members prove a second factor before anything is read: applications hold
people's contact details. An application a panel member may not see (not given to them, declared
a conflict on, or not there at all) answers 404, the same in every case; a panel member trying an
officer's page is answered 404 too, as a round or application of a fund they are not an officer of.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import require_second_factor
from accounts.models import AuditEvent
from accounts.services import record_audit_event
from common.pages import act, bind, form_page

from . import assessment_selectors as assessing
from . import assessment_services as services
from . import selectors
from .assessment_forms import (
    AssignForm,
    CommentForm,
    CriterionForm,
    DecisionForm,
    DeclarationForm,
    PanelMemberForm,
    ReviewForm,
    ScreeningForm,
)
from .models import Application, Assignment, Criterion, Decision, PanelMember, Round
from .views import _officer_round


def _officer_application(request: HttpRequest, pk: int) -> Application:
    """A sent application of a fund ``request.user`` is an officer of, after their second factor."""
    if selectors.is_any_fund_officer(request.user):
        require_second_factor(request)
    found = get_object_or_404(
        Application.objects.exclude(status=Application.Status.DRAFT).select_related("round", "round__fund"),
        pk=pk,
    )
    if not selectors.is_fund_officer(request.user, found.round.fund):
        raise Http404("No such application.")
    return found


def _back(round_: Round) -> str:
    return reverse("grants:assess_round", args=[round_.pk])


# Fund officers: the round's assessment


@login_required
@require_http_methods(["GET"])
def assess_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the officer sets up for the panel: criteria, members, screening, assignments."""
    round_ = _officer_round(request, pk)
    return render(
        request,
        "grants/assessment/round.html",
        {
            "round": round_,
            "criteria": list(assessing.criteria_of(round_)),
            "fixed": assessing.criteria_are_fixed(round_),
            "panel": list(assessing.panel_of(round_)),
            "to_screen": list(assessing.awaiting_screening(round_)),
            "screened_in": list(assessing.screened_in(round_).prefetch_related("assignments__member__user")),
        },
    )


def _officer_form(
    request: HttpRequest,
    round_: Round,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    title: str,
    submit: str,
    success: str,
) -> HttpResponse:
    return form_page(
        request,
        form,
        action=action,
        template="grants/officer_form.html",
        next_url=_back(round_),
        success=success,
        context={"title": title, "submit": submit, "back": _back(round_), "caption": round_.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_criterion(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    form = bind(request, CriterionForm)
    return _officer_form(
        request,
        round_,
        form,
        lambda data: services.add_criterion(request.user, round_, **data),
        "Add a criterion",
        "Add the criterion",
        "The criterion is added.",
    )


@login_required
@require_POST
def remove_criterion(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    criterion = get_object_or_404(Criterion.objects.filter(round=round_), pk=criterion_pk)
    return act(
        request,
        lambda: services.remove_criterion(request.user, criterion),
        next_url=_back(round_),
        success="The criterion is removed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_panel_member(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    form = bind(request, PanelMemberForm)
    return _officer_form(
        request,
        round_,
        form,
        lambda data: services.add_panel_member(request.user, round_, email=data["email"]),
        "Add someone to the panel",
        "Add them",
        "They are on the panel: give them applications to assess.",
    )


@login_required
@require_POST
def remove_panel_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    member = get_object_or_404(PanelMember.objects.filter(round=round_), pk=member_pk)
    return act(
        request,
        lambda: services.remove_panel_member(request.user, member),
        next_url=_back(round_),
        success="They are off the panel.",
    )


@login_required
@require_POST
def assign_everything(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    return act(
        request,
        lambda: services.assign_everything(request.user, round_),
        next_url=_back(round_),
        success=lambda made: f"Every screened application is with every panel member ({made} new).",
    )


@login_required
@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    found = _officer_application(request, pk)
    form = bind(request, ScreeningForm)
    return form_page(
        request,
        form,
        action=lambda data: services.screen(
            request.user, found, eligible=data["eligible"] == "yes", note=data["note"]
        ),
        template="grants/officer_form.html",
        next_url=reverse("grants:application", args=[found.pk]),
        success=lambda a: (
            "It is with the panel now."
            if a.status == Application.Status.IN_ASSESSMENT
            else "It is not eligible: the applicant is emailed why."
        ),
        context={
            "title": "Screen the application",
            "submit": "Save",
            "back": reverse("grants:application", args=[found.pk]),
            "caption": found.title,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _officer_application(request, pk)
    form = bind(request, AssignForm, members=assessing.panel_of(found.round))
    return form_page(
        request,
        form,
        action=lambda data: services.assign(request.user, found, list(data["members"])),
        template="grants/officer_form.html",
        next_url=_back(found.round),
        success="The application is with those panel members.",
        context={
            "title": "Give it to panel members",
            "submit": "Give it to them",
            "back": _back(found.round),
            "caption": found.title,
        },
    )


@login_required
@require_http_methods(["GET"])
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    """Per application: the counted scores' means and spread, recommendations, conflicts."""
    round_ = _officer_round(request, pk)
    applications = sorted(
        round_.applications.filter(
            status__in=[
                Application.Status.IN_ASSESSMENT,
                Application.Status.AWARDED,
                Application.Status.DECLINED,
                Application.Status.MORE_INFORMATION,
            ],
            screened_at__isnull=False,
        ).order_by("pk"),
        # Those still with the panel first: they are what the officer has to decide.
        key=lambda a: a.status != Application.Status.IN_ASSESSMENT,
    )
    return render(
        request,
        "grants/assessment/moderation.html",
        {
            "round": round_,
            "rows": [assessing.moderation_of(a) for a in applications],
            "left": round_.budget_pence - services.awarded_in(round_),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _officer_application(request, pk)
    form = bind(request, DecisionForm, questions=selectors.questions_of(found.round))

    def record(data: dict) -> Decision:
        outcome = data["outcome"]
        return services.decide(
            request.user,
            found,
            outcome,
            award=form.award() if outcome == Decision.Outcome.AWARD else None,
            reason=data.get("reason", ""),
            questions=list(data.get("questions") or []),
        )

    return form_page(
        request,
        form,
        action=record,
        template="grants/assessment/decide.html",
        next_url=reverse("grants:moderation", args=[found.round_id]),
        success=lambda d: f"Recorded: {d.get_outcome_display().lower()} for “{found.title}”.",
        context=lambda: {
            "title": "Record the decision",
            "submit": "Record the decision",
            "back": reverse("grants:moderation", args=[found.round_id]),
            "caption": found.title,
            "application": found,
            "summary": assessing.moderation_of(found),
            "left": found.round.budget_pence - services.awarded_in(found.round),
        },
    )


# The discussion: fund officers and the panel members without a conflict


@login_required
@require_http_methods(["GET", "POST"])
def discussion(request: HttpRequest, pk: int) -> HttpResponse:
    found = _assessed_application(request, pk)
    form = bind(request, CommentForm)
    return form_page(
        request,
        form,
        action=lambda data: services.add_comment(request.user, found, text=data["text"]),
        template="grants/assessment/discussion.html",
        next_url=reverse("grants:assess_discussion", args=[found.pk]),
        success="Your comment is added.",
        context=lambda: {
            "application": found,
            "comments": assessing.discussion_of(request.user, found),
            "officer": selectors.is_fund_officer(request.user, found.round.fund),
        },
    )


def _assessed_application(request: HttpRequest, pk: int) -> Application:
    """An application whose assessment ``request.user`` may see, after their second factor."""
    if selectors.is_any_fund_officer(request.user) or assessing.is_panel_member(request.user):
        require_second_factor(request)
    found = get_object_or_404(Application.objects.select_related("round", "round__fund"), pk=pk)
    if not assessing.may_see_assessment(request.user, found):
        raise Http404("No such application.")
    return found


# Panel members


def _panel_member(request: HttpRequest) -> None:
    if not assessing.is_panel_member(request.user):
        raise Http404("You are not on a panel.")
    require_second_factor(request)


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    """``request.user``'s assignment on application ``pk``; 404 when they have none, or declared a
    conflict (they see nothing of it again)."""
    _panel_member(request)
    found = assessing.assignment_for(request.user, pk)
    if found is None or found.is_conflicted:
        raise Http404("No such application.")
    return found


@login_required
@require_http_methods(["GET"])
def panel(request: HttpRequest) -> HttpResponse:
    _panel_member(request)
    return render(
        request, "grants/assessment/panel.html", {"assignments": list(assessing.assignments_of(request.user))}
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    if assignment.declaration:
        return redirect("grants:panel_application", pk=pk)
    form = bind(request, DeclarationForm)
    return form_page(
        request,
        form,
        action=lambda data: services.declare(
            request.user,
            assignment,
            conflict=data["declaration"] == "conflict",
            note=data["conflict_note"],
        ),
        template="grants/assessment/declare.html",
        next_url=lambda a: (
            reverse("grants:panel") if a.is_conflicted else reverse("grants:panel_application", args=[pk])
        ),
        success=lambda a: (
            "Thank you: you will not see this application, and your view is not counted."
            if a.is_conflicted
            else "Thank you: here is the application."
        ),
        context={
            "title": "Declare any conflict of interest",
            "submit": "Continue",
            "back": reverse("grants:panel"),
            "caption": assignment.application.title,
            "assignment": assignment,
        },
    )


@login_required
@require_http_methods(["GET"])
def panel_application(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    if not assignment.declaration:
        return redirect("grants:panel_declare", pk=pk)
    found = get_object_or_404(
        Application.objects.select_related("round", "round__fund", "organisation", "postcode"), pk=pk
    )
    record_audit_event(request.user, AuditEvent.Action.VIEW, found, request=request, note="panel member read")
    review = assessing.review_of(assignment)
    return render(
        request,
        "grants/assessment/panel_application.html",
        {
            "application": found,
            "assignment": assignment,
            "review": review,
            "progress": selectors.progress_of(found, set()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    if not assignment.declaration:
        return redirect("grants:panel_declare", pk=pk)
    found = assignment.application
    criteria = list(assessing.criteria_of(found.round))
    current = assessing.review_of(assignment)
    sent = current is not None and current.submitted_at is not None
    form = bind(request, ReviewForm, criteria=criteria, review=current)
    send = request.POST.get("send") == "yes"
    return form_page(
        request,
        form,
        action=lambda data: services.save_review(request.user, assignment, form.marks(), send=send),
        template="grants/assessment/review.html",
        next_url=lambda r: reverse("grants:panel_application", args=[pk]),
        success=lambda r: "Your review is sent. Thank you." if r.submitted_at else "Your draft is saved.",
        context=lambda: {
            "title": "Your review",
            "caption": found.title,
            "application": found,
            "review": current,
            "sent": sent,
            "scores": {s.criterion_id: s for s in current.scores.all()} if current else {},
            "criteria": criteria,
            "may_score": found.status == Application.Status.IN_ASSESSMENT and bool(criteria),
        },
    )
