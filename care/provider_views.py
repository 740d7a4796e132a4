"""Micro-provider pages.

- ``find_support``: staff who work with people find providers covering a person's postcode (from
  the person's page, the person's postcode is filled in; the read is audited);
- ``provider_page``: a listed provider's page for residents: what, where, when, price, languages,
  "checked on" badges. Public; no worker's name, no one's personal data;
- ``contact_request``: anyone signed in asks a provider to get in touch; it reaches the provider's
  editors only (``contact_requests``: theirs to read, audited);
- ``pipeline`` and ``enquiry``: the micro-enterprise coordinator's pipeline of people becoming
  providers (enquiry, support sessions, checks, listed).
"""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.middleware import require_second_factor
from accounts.models import AuditEvent
from accounts.services import record_audit_event, record_audit_events
from common.errors import refusals_as_http
from common.forms import error_summary
from common.pages import act, bind, form_page, posted_id
from people.models import Person
from people.selectors import person_for_viewer, teams_for

from . import provider_selectors as selectors
from . import provider_services as services
from .models import ProviderEnquiry
from .provider_forms import (
    CheckForm,
    ContactRequestForm,
    EnquiryForm,
    FindSupportForm,
    ProviderDetailsForm,
    RegisterProviderForm,
    StageForm,
    SupportSessionForm,
    TimeSlotForm,
    WorkerForm,
    WorkerLeftForm,
)


@login_required
@require_http_methods(["GET"])
def find_support(request: HttpRequest) -> HttpResponse:
    """Find micro-providers near a person: by what they need, where they live, when and language."""
    if not selectors.may_search_providers(request.user):
        raise PermissionDenied("Only staff who work with people can search for support near a person.")
    person = None
    query: dict[str, str] = request.GET.dict()
    if "person" in request.GET:
        with refusals_as_http():
            person = person_for_viewer(request.user, request.GET["person"])
        record_audit_event(
            request.user, AuditEvent.Action.VIEW, person, request=request, note="Postcode used to find care."
        )
        if "postcode" not in query and person.postcode_id:
            # From the person's page: search near where they live straight away.
            query["postcode"] = person.postcode_id
    asked = "postcode" in query
    form = FindSupportForm(query if asked else None)
    matches = None
    if asked and form.is_valid():
        data = form.cleaned_data
        search = selectors.ProviderSearch(
            postcode=data["postcode"],
            need=data["need"] or "",
            day=data["day"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            language=data["language"] or "",
        )
        matches = selectors.search_providers(search, timezone.localdate())
    return render(
        request,
        "care/providers/find.html",
        {"form": form, "errors": error_summary(form), "matches": matches, "person": person},
    )


@require_http_methods(["GET"])
def provider_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A listed provider's page for residents (anyone may read it)."""
    today = timezone.localdate()
    with refusals_as_http():
        micro_provider = selectors.listed_provider(pk, today)
    return render(
        request,
        "care/providers/provider.html",
        {
            "mp": micro_provider,
            "provider": micro_provider.provider,
            "badges": selectors.check_badges(micro_provider, today),
            "availability": micro_provider.availability.all(),
            "listings": selectors.provider_listings(micro_provider),
            "radius": micro_provider.covers_radius_miles.normalize()
            if micro_provider.covers_radius_miles is not None
            else None,
            "price": selectors.pounds(micro_provider.price_per_hour_pence),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_request(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    with refusals_as_http():
        micro_provider = selectors.listed_provider(pk, today)
    return form_page(
        request,
        bind(request, ContactRequestForm),
        action=lambda data: services.send_contact_request(
            request.user,
            micro_provider,
            name=data["name"],
            contact=data["contact"],
            message=data["message"],
            today=today,
            site_url=request.build_absolute_uri("/"),
        ),
        template="care/providers/contact.html",
        next_url=reverse("care:provider", args=[micro_provider.pk]),
        success=f"Your request has been sent to {micro_provider.provider.name}. They will contact you.",
        context={
            "mp": micro_provider,
            "title": f"Ask {micro_provider.provider.name} to contact you",
            "submit": "Send the request",
        },
    )


@login_required
@require_http_methods(["GET"])
def contact_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """The requests sent to a provider: for its editors only; every read is audited."""
    with refusals_as_http():
        micro_provider = selectors.provider_for_editor(request.user, pk)
        # Residents' names and how to reach them: a provider's editor proves a second factor first.
        require_second_factor(request)
        requests: list[Model] = list(selectors.contact_requests_for(request.user, micro_provider))
    record_audit_events(
        request.user, AuditEvent.Action.VIEW, requests, request=request, note="Contact requests read."
    )
    return render(request, "care/providers/requests.html", {"mp": micro_provider, "requests": requests})


def _pipeline_context(request: HttpRequest) -> dict:
    enquiries = sorted(
        selectors.enquiries_for(request.user),
        key=lambda e: (list(ProviderEnquiry.Stage.values).index(e.stage), e.name),
    )
    return {
        "title": "Becoming a micro-provider: the pipeline",
        "submit": "Add the enquiry",
        "stages": [
            (ProviderEnquiry.Stage(stage).label, list(items))
            for stage, items in groupby(enquiries, key=lambda e: e.stage)
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def pipeline(request: HttpRequest) -> HttpResponse:
    """The micro-enterprise coordinator's pipeline, and a form to add an enquiry to it."""
    teams = teams_for(request.user)
    if not teams.exists():
        raise PermissionDenied("Only micro-enterprise coordinators can see the pipeline.")
    return form_page(
        request,
        bind(request, EnquiryForm, teams=teams),
        action=lambda data: services.record_enquiry(
            request.user, data["team"], name=data["name"], contact=data["contact"], idea=data["idea"]
        ),
        template="care/providers/pipeline.html",
        next_url=lambda enquiry: reverse("care:provider_enquiry", args=[enquiry.pk]),
        success="The enquiry is added.",
        context=lambda: _pipeline_context(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """One enquiry: its support sessions, a session to add, and its stage."""
    with refusals_as_http():
        found = selectors.enquiry_to_coordinate(request.user, pk)
    here = reverse("care:provider_enquiry", args=[found.pk])
    providers = selectors.providers_coordinated_by(request.user).filter(team_id=found.team_id)
    session_form = SupportSessionForm(prefix="session")
    stage_form = StageForm(prefix="stage", providers=providers, initial={"stage": found.stage})
    record_audit_event(request.user, AuditEvent.Action.VIEW, found, request=request, note="Enquiry read.")
    context = {
        "enquiry": found,
        "sessions": found.sessions.all(),
        "session_form": session_form,
        "stage_form": stage_form,
        "title": f"Enquiry: {found.name}",
    }
    if request.method == "POST" and "stage-stage" in request.POST:
        return form_page(
            request,
            StageForm(request.POST, prefix="stage", providers=providers),
            action=lambda data: services.move_enquiry(
                request.user,
                found,
                data["stage"],
                providers.filter(pk=data["micro_provider"]).first() if data["micro_provider"] else None,
            ),
            template="care/providers/enquiry.html",
            next_url=here,
            success="The stage is saved.",
            context=context | {"which": "stage"},
        )
    return form_page(
        request,
        bind(request, SupportSessionForm, prefix="session"),
        action=lambda data: services.record_support_session(
            request.user, found, held_on=data["held_on"], notes=data["notes"]
        ),
        template="care/providers/enquiry.html",
        next_url=here,
        success="The support session is recorded.",
        context=context | {"which": "session"},
    )


@login_required
@require_http_methods(["GET"])
def providers(request: HttpRequest) -> HttpResponse:
    """The micro-providers of the coordinator's teams: listed or hidden, and checks running out."""
    if not selectors.may_search_providers(request.user):
        raise PermissionDenied("Only micro-enterprise coordinators can see the providers' register.")
    today = timezone.localdate()
    rows = [
        (mp, selectors.lapsed_required_checks(mp, today), selectors.checks_running_out(mp, today))
        for mp in selectors.providers_coordinated_by(request.user).prefetch_related("checks__worker")
    ]
    return render(request, "care/providers/register.html", {"rows": rows, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def provider_checks(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's checks, with their evidence and who verified them, and a check to record."""
    with refusals_as_http():
        mp = selectors.provider_to_coordinate(request.user, pk)
    workers = list(mp.workers.all())
    today = timezone.localdate()

    def context() -> dict:
        record_audit_event(
            request.user,
            AuditEvent.Action.VIEW,
            mp,
            request=request,
            note="Provider's checks and workers read.",
        )
        return {
            "mp": mp,
            "checks": selectors.latest_checks(mp),
            "lapsed": selectors.lapsed_required_checks(mp, today),
            "today": today,
            "title": f"Checks: {mp.provider.name}",
            "submit": "Record the check",
        }

    return form_page(
        request,
        bind(request, CheckForm, workers=workers),
        action=lambda data: services.record_check(
            request.user,
            mp,
            kind=data["kind"],
            worker=next((w for w in workers if w.pk == data["worker"]), None),
            evidence_reference=data["evidence_reference"],
            amount_pence=data["cover_pounds"] * 100 if data["cover_pounds"] else None,
            verified_on=data["verified_on"],
            expires_on=data["expires_on"],
            required=data["required"],
            today=today,
        ),
        template="care/providers/checks.html",
        next_url=reverse("care:provider_checks", args=[mp.pk]),
        success="The check is recorded.",
        context=context,
    )


def find_support_panel(request: HttpRequest, person: Person) -> str | None:
    """The person page's panel (``people.registries.person_panels``): a link to find care and
    support near them, for staff who may search."""
    if not selectors.may_search_providers(request.user) or not person.postcode_id:
        return None
    return render_to_string("care/providers/_person_panel.html", {"person": person}, request=request)


# ---------------------------------------------------------------------------------------------
# Registering and changing a provider


@login_required
@require_http_methods(["GET", "POST"])
def register_provider(request: HttpRequest) -> HttpResponse:
    """Register a new micro-provider (the micro-enterprise team), from the register or from an
    enquiry at the checks stage (``?enquiry=<id>``), which is then linked to it."""
    teams = teams_for(request.user)
    if not selectors.may_search_providers(request.user) or not teams.exists():
        raise PermissionDenied("Only micro-enterprise coordinators can register providers.")
    from_enquiry = None
    initial: dict = {}
    enquiry_id = request.GET.get("enquiry") or request.POST.get("enquiry")
    if enquiry_id:
        with refusals_as_http():
            from_enquiry = selectors.enquiry_to_coordinate(request.user, enquiry_id)
        teams = teams.filter(pk=from_enquiry.team_id)
        initial = {"name": from_enquiry.name, "description": from_enquiry.idea, "team": from_enquiry.team_id}
    form = RegisterProviderForm(request.POST or None, teams=teams, initial=initial)
    return form_page(
        request,
        form,
        action=lambda data: services.register_new_micro_provider(
            request.user,
            data["team"],
            name=data["name"],
            description=data["description"],
            email=data["email"],
            details={name: data[name] for name in services.DETAIL_FIELDS},
            enquiry=from_enquiry,
        ),
        template="care/providers/new.html",
        next_url=lambda mp: reverse("care:provider_checks", args=[mp.pk]),
        success=lambda mp: f"{mp.provider.name} is registered. Record its checks next.",
        context={
            "title": "Register a micro-provider",
            "submit": "Register the provider",
            "enquiry": from_enquiry,
        },
    )


def _change_context(request: HttpRequest, mp, forms_: dict) -> dict:  # type: ignore[no-untyped-def]
    workers = list(mp.workers.all())
    record_audit_event(
        request.user, AuditEvent.Action.VIEW, mp, request=request, note="Provider's details and workers read."
    )
    return {
        "mp": mp,
        "title": f"Change {mp.provider.name}",
        "workers": workers,
        "availability": list(mp.availability.all()),
        "today": timezone.localdate(),
        "is_coordinator": selectors.may_edit_micro_provider(request.user, mp),
        "details_form": forms_["details"],
        "worker_form": forms_["worker"],
        "left_form": forms_["left"],
        "time_form": forms_["time"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def change_provider(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a provider's details, workers and weekly times: its coordinators and its own editors
    (one form posted at a time, named by ``which``; removing a time is a button)."""
    with refusals_as_http():
        mp = selectors.provider_to_change(request.user, pk)
    here = reverse("care:change_provider", args=[mp.pk])
    if request.method == "POST" and request.POST.get("which") == "remove":
        slot_id = posted_id(request, "slot")
        return act(
            request,
            lambda: services.remove_provider_time(
                request.user, get_object_or_404(mp.availability, pk=slot_id)
            ),
            next_url=here,
            success="The time is removed.",
        )
    current_workers = [w for w in mp.workers.all() if w.left_on is None]
    which = request.POST.get("which", "details") if request.method == "POST" else "details"

    def posted(name: str) -> dict | None:
        return request.POST if request.method == "POST" and which == name else None

    forms_: dict[str, forms.Form] = {
        "details": ProviderDetailsForm(posted("details"), initial=ProviderDetailsForm.initial_for(mp)),
        "worker": WorkerForm(posted("worker"), prefix="worker"),
        "left": WorkerLeftForm(posted("left"), prefix="left", workers=current_workers),
        "time": TimeSlotForm(posted("time"), prefix="time"),
    }
    if which not in forms_:
        which = "details"
    actions = {
        "details": lambda data: services.change_micro_provider(
            request.user, mp, {name: data[name] for name in services.DETAIL_FIELDS}
        ),
        "worker": lambda data: services.add_provider_worker(
            request.user, mp, name=data["name"], role=data["role"]
        ),
        "left": lambda data: services.mark_worker_left(
            request.user, get_object_or_404(mp.workers, pk=data["worker"]), left_on=data["left_on"]
        ),
        "time": lambda data: services.add_provider_time(
            request.user, mp, weekday=data["weekday"], starts_at=data["starts_at"], ends_at=data["ends_at"]
        ),
    }
    said = {
        "details": "The details are saved.",
        "worker": "The worker is added. Their coordinator records their checks.",
        "left": "The worker is marked as left.",
        "time": "The time is added.",
    }
    return form_page(
        request,
        forms_[which],
        action=actions[which],
        template="care/providers/change.html",
        next_url=here,
        success=said[which],
        context=lambda: _change_context(request, mp, forms_) | {"which": which},
    )


@login_required
@require_http_methods(["GET"])
def your_providers(request: HttpRequest) -> HttpResponse:
    """A provider's editors' page: their providers, when each check runs out, and the contact
    requests residents sent (after a second factor; every request read is audited)."""
    if not selectors.may_edit_any_micro_provider(request.user):
        raise PermissionDenied("Only a micro-provider's own editors have this page.")
    with refusals_as_http():
        require_second_factor(request)
    today = timezone.localdate()
    providers = list(selectors.providers_edited_by(request.user))
    rows = [
        (
            mp,
            selectors.latest_checks(mp, today),
            selectors.checks_running_out(mp, today),
            list(mp.contact_requests.all()),
        )
        for mp in providers
    ]
    record_audit_events(
        request.user,
        AuditEvent.Action.VIEW,
        [request for _mp, _checks, _soon, requests in rows for request in requests],
        request=request,
        note="Contact requests read.",
    )
    return render(request, "care/providers/yours.html", {"rows": rows, "today": today})
