"""Grants pages. Applicants: open rounds, a round, screening, starting, a section's answers, the
preview and submitting, answering a request for more information. Fund officers: their funds, a
round's set-up (details, screening questions, sections and questions), its preview as applicants
see it, publishing, its applications and asking for more information.

Every application is found through ``selectors.applications_visible_to`` (anyone else gets 404, as
for an application that does not exist); fund officers prove a second factor before any page
that shows applications or changes a round."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import require_second_factor
from common.errors import refusals_as_http
from common.forms import add_service_errors, error_summary
from common.pages import act, bind, form_page

from . import assessment_selectors, award_selectors, selectors, services
from .forms import (
    AnswersForm,
    ApplicantForm,
    EligibilityForm,
    EligibilityQuestionForm,
    InformationRequestForm,
    QuestionForm,
    RoundForm,
    SectionForm,
)
from .models import Application, EligibilityQuestion, Question, Round, Section

ELIGIBLE_KEY = "grants_eligible_{}"


def _officer_round(request: HttpRequest, pk: int) -> Round:
    """A round of a fund ``request.user`` is an officer of, after their second factor."""
    if selectors.is_any_fund_officer(request.user):
        require_second_factor(request)
    round_ = get_object_or_404(Round.objects.select_related("fund", "fund__owner"), pk=pk)
    if not selectors.may_set_up_round(request.user, round_):
        raise Http404("No such round.")
    return round_


def _application(request: HttpRequest, pk: int) -> Application:
    """An application ``request.user`` may see; fund officers prove a second factor first."""
    if selectors.is_any_fund_officer(request.user):
        require_second_factor(request)
    return get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)


def _own_application(request: HttpRequest, pk: int) -> Application:
    application = _application(request, pk)
    if not selectors.is_applicant(request.user, application):
        raise Http404("No such application.")
    return application


# Applicants


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Open rounds, for anyone; the signed-in person's own applications; a fund officer's funds."""
    return render(
        request,
        "grants/home.html",
        {
            "rounds": selectors.open_rounds(),
            "applications": list(selectors.own_applications(request.user)),
            "officer": selectors.is_any_fund_officer(request.user),
            "panel": assessment_selectors.is_panel_member(request.user),
        },
    )


@require_http_methods(["GET"])
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    return render(
        request,
        "grants/round.html",
        {
            "round": round_,
            "screening": list(selectors.eligibility_questions_of(round_)),
            "sections": list(selectors.sections_of(round_)),
            "officer": selectors.may_set_up_round(request.user, round_),
        },
    )


def _open_round(pk: int) -> Round:
    round_ = get_object_or_404(selectors.published_rounds(), pk=pk)
    if not round_.is_open():
        raise Http404("This round is not open for applications.")
    return round_


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The screening questions: answered the wrong way, the applicant is stopped with the reason
    before writing anything; answered right, they go on to say who they apply for."""
    round_ = _open_round(pk)
    questions = list(selectors.eligibility_questions_of(round_))
    form = bind(request, EligibilityForm, questions=questions)
    stopped: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            request.session[ELIGIBLE_KEY.format(round_.pk)] = {
                str(k): v for k, v in services.check_eligibility(round_, form.answers()).items()
            }
        except ValidationError as error:
            add_service_errors(form, error)
            stopped = [str(m) for m in error.messages]
        else:
            return redirect("grants:start", pk=round_.pk)
    return render(
        request,
        "grants/eligibility.html",
        {"round": round_, "form": form, "errors": error_summary(form), "stopped": stopped},
        status=200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Who applies, and the project's title: the draft is made here."""
    round_ = _open_round(pk)
    screened = request.session.get(ELIGIBLE_KEY.format(round_.pk))
    if screened is None:
        return redirect("grants:eligibility", pk=round_.pk)
    eligibility = {int(k): v for k, v in screened.items()}
    organisations = selectors.organisations_user_may_apply_for(request.user)
    initial = {"contact_name": getattr(request.user, "full_name", "")}
    form = bind(request, ApplicantForm, organisations=organisations, initial=initial)
    return form_page(
        request,
        form,
        action=lambda data: _started(request, round_, eligibility, form),
        template="grants/start.html",
        next_url=lambda application: reverse("grants:application", args=[application.pk]),
        success="Your draft is saved. Answer the questions in any order, until the round closes.",
        context={"round": round_, "title": "About you and your project", "submit": "Start the application"},
    )


def _started(
    request: HttpRequest, round_: Round, eligibility: dict[int, Any], form: ApplicantForm
) -> Application:
    """Start the draft; the screening answers are then on it, and the next application screens again."""
    application = services.start_application(request.user, round_, eligibility, form.applicant())
    request.session.pop(ELIGIBLE_KEY.format(round_.pk), None)
    return application


@login_required
@require_http_methods(["GET"])
def applications(request: HttpRequest) -> HttpResponse:
    return render(
        request, "grants/applications.html", {"applications": list(selectors.own_applications(request.user))}
    )


@login_required
@require_http_methods(["GET"])
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """The application's overview: for its applicant, each section with how much is answered; for
    a fund officer, the whole application with its requests for more information."""
    found = _application(request, pk)
    if not selectors.is_applicant(request.user, found):
        return _officer_view(request, found)
    editable = selectors.editable_question_ids(request.user, found)
    return render(
        request,
        "grants/application.html",
        {
            "application": found,
            "progress": selectors.progress_of(found, editable),
            "editable": bool(editable),
            "request": selectors.open_information_request(found),
            "may_submit": selectors.may_submit(request.user, found),
        },
    )


def _officer_view(request: HttpRequest, found: Application) -> HttpResponse:
    return render(
        request,
        "grants/officer_application.html",
        {
            "application": found,
            "progress": selectors.progress_of(found, set()),
            "screening": list(found.eligibility_answers.select_related("question")),
            "requests": list(found.information_requests.prefetch_related("questions")),
            "may_request": selectors.may_request_information(request.user, found),
            "decisions": assessment_selectors.decisions_of(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """One section's questions: saving keeps a draft, partial or not; each answer is checked for
    its kind (words counted here, amounts within the round's limits)."""
    found = _own_application(request, pk)
    section = get_object_or_404(Section.objects.filter(round=found.round), pk=section_pk)
    editable = selectors.editable_question_ids(request.user, found)
    questions = list(section.questions.all())
    if not editable & {q.pk for q in questions}:
        return redirect("grants:application", pk=found.pk)
    form = bind(
        request, AnswersForm, questions=questions, answers=selectors.answers_of(found), editable=editable
    )
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                services.save_answers(request.user, found, form.values())
        except ValidationError as error:
            _put_refusal(form, error)
        else:
            messages.success(request, f"Saved: {section.title}.")
            return redirect("grants:application", pk=found.pk)
    shown = [q for q in questions if q.pk not in editable]
    return render(
        request,
        "grants/section.html",
        {
            "application": found,
            "section": section,
            "form": form,
            "errors": error_summary(form),
            "items": [
                (q, form[f"q{q.pk}"] if q.kind != Question.Kind.BUDGET else None) for q in form.questions
            ],
            "shown": shown,
            "answers": selectors.answers_of(found),
        },
    )


def _put_refusal(form: AnswersForm, error: ValidationError) -> None:
    """A service's refusal on the answer's field (a budget table's on its first item)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, problems)
        elif f"{name}_item_0" in form.fields:
            form.add_error(f"{name}_item_0", problems)
        else:
            form.add_error(None, problems)


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Every answer as the fund will read it, and the button to send it. A refusal lists every
    problem, each linking to the section holding the question."""
    found = _own_application(request, pk)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            with refusals_as_http():
                services.submit_application(request.user, found)
        except ValidationError as error:
            problems = _problem_links(found, error)
        else:
            messages.success(request, "Your application is sent. We have emailed you a receipt.")
            return redirect("grants:application", pk=found.pk)
    return render(
        request,
        "grants/preview.html",
        {
            "application": found,
            "progress": selectors.progress_of(found, set()),
            "problems": problems,
            "may_submit": selectors.may_submit(request.user, found),
        },
    )


def _problem_links(application: Application, error: ValidationError) -> list[tuple[str, str]]:
    """Each problem with the address of the section page holding its question."""
    sections = {
        f"q{pk}": section
        for pk, section in selectors.questions_of(application.round).values_list("pk", "section_id")
    }
    found: list[tuple[str, str]] = []
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            section = sections.get(name)
            url = (
                reverse("grants:answer_section", args=[application.pk, section]) + f"#id_{name}"
                if section
                else reverse("grants:application", args=[application.pk])
            )
            found.extend((url, str(m)) for m in messages)
    else:
        found = [(reverse("grants:application", args=[application.pk]), str(m)) for m in error.messages]
    return found


@login_required
@require_POST
def send_information(request: HttpRequest, pk: int) -> HttpResponse:
    found = _own_application(request, pk)
    return act(
        request,
        lambda: services.send_requested_information(request.user, found),
        next_url=reverse("grants:application", args=[found.pk]),
        success="Thank you: your answers are sent to the fund.",
    )


# Fund officers


@login_required
@require_http_methods(["GET"])
def funds(request: HttpRequest) -> HttpResponse:
    if not selectors.is_any_fund_officer(request.user):
        raise Http404("No funds.")
    require_second_factor(request)
    found = list(selectors.funds_of_officer(request.user).prefetch_related("rounds"))
    return render(
        request,
        "grants/funds.html",
        {"funds": found, "grants": list(award_selectors.grants_of_officer(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_round(request: HttpRequest, pk: int) -> HttpResponse:
    if selectors.is_any_fund_officer(request.user):
        require_second_factor(request)
    fund = get_object_or_404(selectors.funds_of_officer(request.user), pk=pk)
    form = bind(request, RoundForm)
    return form_page(
        request,
        form,
        action=lambda data: services.create_round(request.user, fund, form.details()),
        template="grants/officer_form.html",
        next_url=lambda round_: reverse("grants:manage_round", args=[round_.pk]),
        success="The round is added. Add its screening questions and sections, preview it, then publish it.",
        context={
            "title": f"Add a round to {fund}",
            "submit": "Add the round",
            "back": reverse("grants:funds"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_round(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    form = bind(request, RoundForm, initial=RoundForm.initial_of(round_))
    return form_page(
        request,
        form,
        action=lambda data: services.update_round(request.user, round_, form.details()),
        template="grants/officer_form.html",
        next_url=reverse("grants:manage_round", args=[round_.pk]),
        success="The round is changed.",
        context={
            "title": f"Change {round_.name}",
            "submit": "Save",
            "back": reverse("grants:manage_round", args=[round_.pk]),
        },
    )


@login_required
@require_http_methods(["GET"])
def manage_round(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    return render(
        request,
        "grants/manage_round.html",
        {
            "round": round_,
            "screening": list(selectors.eligibility_questions_of(round_)),
            "sections": list(selectors.sections_of(round_)),
            "fixed": selectors.questions_are_fixed(round_),
            "applications": list(selectors.applications_to(round_)),
            "drafts": selectors.drafts_in(round_),
        },
    )


def _round_form(
    request: HttpRequest, round_: Round, form: Any, action: Any, title: str, success: str
) -> HttpResponse:
    return form_page(
        request,
        form,
        action=action,
        template="grants/officer_form.html",
        next_url=reverse("grants:manage_round", args=[round_.pk]),
        success=success,
        context={"title": title, "submit": "Add", "back": reverse("grants:manage_round", args=[round_.pk])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_eligibility_question(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    form = bind(request, EligibilityQuestionForm)
    return _round_form(
        request,
        round_,
        form,
        lambda data: services.add_eligibility_question(request.user, round_, **form.question()),
        "Add a screening question",
        "The screening question is added.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_section(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    form = bind(request, SectionForm)
    return _round_form(
        request,
        round_,
        form,
        lambda data: services.add_section(request.user, round_, **data),
        "Add a section",
        "The section is added: now add its questions.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_question(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    section = get_object_or_404(round_.sections, pk=section_pk)
    form = bind(request, QuestionForm)
    return _round_form(
        request,
        round_,
        form,
        lambda data: services.add_question(request.user, section, **form.question()),
        f"Add a question to {section.title}",
        "The question is added.",
    )


@login_required
@require_POST
def remove_question(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    question = get_object_or_404(Question.objects.filter(section__round=round_), pk=question_pk)
    return act(
        request,
        lambda: services.remove_question(request.user, question),
        next_url=reverse("grants:manage_round", args=[round_.pk]),
        success="The question is removed.",
    )


@login_required
@require_POST
def remove_eligibility_question(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    question = get_object_or_404(EligibilityQuestion.objects.filter(round=round_), pk=question_pk)
    return act(
        request,
        lambda: services.remove_eligibility_question(request.user, question),
        next_url=reverse("grants:manage_round", args=[round_.pk]),
        success="The screening question is removed.",
    )


@login_required
@require_http_methods(["GET"])
def preview_round(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's screening questions and form exactly as applicants will see them; nothing
    typed here is saved (the form has no button that sends)."""
    round_ = _officer_round(request, pk)
    pages = []
    for section in selectors.sections_of(round_):
        questions = list(section.questions.all())
        form = AnswersForm(questions=questions, answers={}, editable={q.pk for q in questions})
        items = [(q, form[f"q{q.pk}"] if q.kind != Question.Kind.BUDGET else None) for q in questions]
        pages.append((section, form, items))
    screening = EligibilityForm(questions=list(selectors.eligibility_questions_of(round_)))
    return render(
        request, "grants/preview_round.html", {"round": round_, "pages": pages, "screening": screening}
    )


@login_required
@require_POST
def publish_round(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _officer_round(request, pk)
    return act(
        request,
        lambda: services.publish_round(request.user, round_),
        next_url=reverse("grants:manage_round", args=[round_.pk]),
        success="The round is published: applicants can apply from its opening date.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_information(request: HttpRequest, pk: int) -> HttpResponse:
    found = _application(request, pk)
    if not selectors.is_fund_officer(request.user, found.round.fund):
        raise Http404("No such application.")
    form = bind(request, InformationRequestForm, questions=selectors.questions_of(found.round))
    return form_page(
        request,
        form,
        action=lambda data: services.request_more_information(
            request.user, found, message=data["message"], questions=list(data["questions"])
        ),
        template="grants/officer_form.html",
        next_url=reverse("grants:application", args=[found.pk]),
        success="The applicant is asked by email: the questions you chose are open until they answer.",
        context={
            "title": "Ask for more information",
            "submit": "Send the request",
            "back": reverse("grants:application", args=[found.pk]),
            "caption": found.title,
        },
    )
