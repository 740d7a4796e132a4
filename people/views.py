"""Pages for walking alongside people. Thin: check who may, call a selector or service, render.

Someone whose role never reads person records gets 403; someone who may, but not this person
(another team's), gets 404, so a record's existence is not given away."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from common.forms import add_service_errors, error_summary
from directory.selectors import public_listings

from . import ecomap, forms, selectors, services
from .models import NEXT_STEPS, Consent, Conversation, Goal, Introduction, Person
from .selectors import PersonNotVisible


def _staff_only(request) -> None:
    if not selectors.works_with_people(request.user):
        raise PermissionDenied


def _person(request, pk) -> Person:
    _staff_only(request)
    try:
        return selectors.person_for_viewer(request.user, pk)
    except PersonNotVisible:
        raise Http404 from None


def _of_visible_person(request, queryset: QuerySet, pk):
    """A record belonging to someone this user may see, or 404."""
    _staff_only(request)
    found = queryset.filter(person__in=selectors.people_visible_to(request.user), pk=pk).first()
    if found is None:
        raise Http404
    return found


def _form_page(request, template_context: dict):
    context = {"errors": error_summary(*template_context.get("forms", [template_context.get("form")]))}
    return render(request, "people/form.html", template_context | context)


@login_required
def caseload(request):
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
        },
    )


@login_required
def follow_ups(request):
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
def followed_up(request, pk):
    conversation = _of_visible_person(request, Conversation.objects.select_related("person"), pk)
    services.mark_followed_up(request.user, conversation)
    messages.success(request, f"The follow-up with {conversation.person.display_name} is done.")
    if request.POST.get("next") == "person":
        return redirect("people:person", conversation.person_id)
    return redirect("people:follow_ups")


@login_required
@require_http_methods(["GET", "POST"])
def add_person(request):
    _staff_only(request)
    data = request.POST if request.method == "POST" else None
    teams = services.teams_for(request.user)
    form = forms.PersonForm(
        data,
        teams=teams,
        coordinators=selectors.coordinators_for(request.user),
        initial=_new_person_initial(request),
    )
    consent = forms.NewPersonConsentForm(data, prefix="consent")
    if data is not None and all([form.is_valid(), consent.is_valid()]):  # both, to show every error
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
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


def _new_person_initial(request) -> dict:
    teams = list(services.teams_for(request.user)[:2])
    return {
        "team": teams[0].pk if len(teams) == 1 else None,
        "coordinator": request.user.pk,
        "full_name": request.GET.get("full_name", "")[:200],  # from a drop-in: someone not yet on record
    }


@login_required
def person(request, pk):
    """A person's record. Every view of it is written to the audit log."""
    found = _person(request, pk)
    return render(
        request,
        "people/person.html",
        {
            "person": found,
            **selectors.person_details(found),
            "safeguarding": list(selectors.safeguarding_notes(request.user, found)),
            "sees_safeguarding": selectors.sees_safeguarding(request.user, found),
            "may_erase": selectors.may_erase(request.user, found),
            "connections": ecomap.connections(found),
            "centre_label": ecomap.centre_label(found),
            "timeline": ecomap.bars(
                ecomap.active_connections_over_time(found, ecomap.month_ends(timezone.localdate()))
            ),
            "has_consent": selectors.has_consent_to_keep_record(found),
            "next_steps": NEXT_STEPS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_person(request, pk):
    found = _person(request, pk)
    data = request.POST if request.method == "POST" else None
    teams = services.teams_for(request.user)
    form = forms.PersonForm(
        data, instance=found, teams=teams, coordinators=selectors.coordinators_for(request.user)
    )
    if data is not None and form.is_valid():
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.update_person(request.user, Person.objects.get(pk=found.pk), details, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{found.display_name}'s record is saved.")
            return redirect("people:person", found.pk)
    return _form_page(
        request, {"title": f"Change {found.display_name}'s record", "form": form, "person": found}
    )


def _record(request, pk, form_class, save, *, title: str, done: str, **form_kwargs):
    """A page adding one thing to a person's record through ``save(user, person, form)``."""
    found = _person(request, pk)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, **form_kwargs)
    if data is not None and form.is_valid():
        try:
            save(request.user, found, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("people:person", found.pk)
    return _form_page(
        request, {"title": title.format(name=found.display_name), "form": form, "person": found}
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_conversation(request, pk):
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
def add_introduction(request, pk):
    """Introduce a person. Listings to choose from are found by a search on the same page (a plain
    GET form, so it works without JavaScript), or are those near where the person lives."""
    found = _person(request, pk)
    text = request.GET.get("listing_q", "")[:100]
    offered = selectors.listings_to_offer(found, text)
    data = request.POST if request.method == "POST" else None
    form = forms.IntroductionForm(
        data,
        listings=public_listings(),
        offered=offered,
        people=selectors.people_visible_to(request.user).exclude(pk=pk).order_by("full_name"),
    )
    if data is not None and form.is_valid():
        try:
            services.make_introduction(request.user, found, dict(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The introduction is recorded.")
            return redirect("people:person", found.pk)
    search = {
        "name": "listing_q",
        "value": text,
        "label": "Find a listing to introduce them to",
        "hint": "For example: bowls, lunch club, carers. Without words, the list shows listings within "
        "a mile of where they live.",
    }
    return _form_page(
        request,
        {
            "title": f"Make an introduction for {found.display_name}",
            "form": form,
            "person": found,
            "search": search,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_introduction(request, pk):
    introduction = _of_visible_person(
        request, Introduction.objects.select_related("person", "listing", "other_person"), pk
    )
    choices = [
        (s, Introduction.Status(s).label) for s in NEXT_STEPS[Introduction.Status(introduction.status)]
    ]
    data = request.POST if request.method == "POST" else None
    form = forms.IntroductionStepForm(data, choices=choices)
    if data is not None and form.is_valid():
        try:
            services.update_introduction(request.user, introduction, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The introduction to {introduction.to_label} is updated.")
            return redirect("people:person", introduction.person_id)
    return _form_page(
        request,
        {
            "title": f"How is the introduction to {introduction.to_label} going?",
            "form": form,
            "person": introduction.person,
            "ended": not choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_consent(request, pk):
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
def withdraw_consent(request, pk):
    consent = _of_visible_person(request, Consent.objects.select_related("person"), pk)
    data = request.POST if request.method == "POST" else None
    form = forms.WithdrawConsentForm(data, initial={"withdrawn_on": timezone.localdate()})
    if data is not None and form.is_valid():
        try:
            services.withdraw_consent(request.user, consent, form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{consent.get_purpose_display()}” is withdrawn.")
            return redirect("people:person", consent.person_id)
    return _form_page(
        request,
        {
            "title": f"Withdraw consent: {consent.get_purpose_display()}",
            "form": form,
            "person": consent.person,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_goal(request, pk):
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
def finish_goal(request, pk):
    goal = _of_visible_person(request, Goal.objects.select_related("person"), pk)
    try:
        services.finish_goal(request.user, goal, request.POST.get("status", ""), timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The goal is marked “{goal.get_status_display()}”.")
    return redirect("people:person", goal.person_id)


@login_required
@require_http_methods(["GET", "POST"])
def add_referral(request, pk):
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
def link_account(request, pk):
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
def add_safeguarding_note(request, pk):
    return _record(
        request,
        pk,
        forms.SafeguardingNoteForm,
        lambda user, person, data: services.add_safeguarding_note(user, person, data["note"]),
        title="Record a safeguarding concern about {name}",
        done="The concern is recorded. Their coordinator and the team's leads can read it.",
    )
