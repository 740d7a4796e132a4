"""Grant actions: funds and their officers, rounds and their questions, publishing; screening,
starting an application, saving a draft, submitting once, and asking for and sending more
information after submission.

Each is one transaction; a refusal is a ``common.errors.Refusal`` naming the field (an answer's
field is ``q<question id>``; a screening answer's ``eligibility_<id>``) and writes nothing;
``NotPermitted`` when the requester may not do it at all. Who may do what is asked of
``grants.selectors``. Where two people may act at once (two submits, an officer asking while the
applicant answers, two officers changing one round) the row is locked first. Every change is
audited against the application or round; emails go after the commit, so a rolled-back action
sends none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal
from common.money import pounds
from directory.models import Provider
from places.models import Postcode
from places.selectors import PostcodeError, find_postcode

from . import selectors
from .models import (
    Answer,
    Application,
    BudgetRow,
    EligibilityAnswer,
    EligibilityQuestion,
    Fund,
    FundOfficer,
    InformationRequest,
    Question,
    Round,
    Section,
)

MOST_PENCE = 100_000_000_00  # £100 million: past any community fund
MOST_WORDS = 5_000
MOST_CHOICES = 20
MOST_BUDGET_ROWS = 20

WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as a person counts them: runs of characters between spaces."""
    return len(WORD.findall(text))


def _text(value: Any, field: str, label: str, *, required: bool = True, most: int = 300) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise Refusal(f"Enter the {label}.", field=field)
    if len(text) > most:
        raise Refusal(f"The {label} must be at most {most} characters.", field=field)
    return text


def _pence(value: Any, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refusal(f"The {label} must be a whole number of pence.", field=field)
    if value <= 0:
        raise Refusal(f"The {label} must be more than £0.", field=field)
    if value > MOST_PENCE:
        raise Refusal(f"The {label} must be at most {pounds(MOST_PENCE)}.", field=field)
    return value


def _officer(user: Requester, fund: Fund) -> User:
    if not selectors.is_fund_officer(user, fund):
        raise NotPermitted(f"Only {fund}'s fund officers can do this.")
    assert isinstance(user, User)
    return user


# Funds and rounds


@transaction.atomic
def create_fund(
    user: Requester, *, owner: Organisation, name: str, purpose: str, total_pence: int, prefix: str = ""
) -> Fund:
    """An administrator creates a fund for an organisation (usually done in the back office)."""
    if not selectors.may_create_fund(user):
        raise NotPermitted("Only an administrator can create a fund.")
    name = _text(name, "name", "fund's name", most=200)
    if Fund.objects.filter(name__iexact=name).exists():
        raise Refusal("A fund with this name already exists.", field="name")
    fund = Fund.objects.create(
        owner=owner,
        name=name,
        purpose=_text(purpose, "purpose", "fund's purpose", most=5_000),
        total_pence=_pence(total_pence, "total_pence", "fund's total"),
        prefix=_text(prefix, "prefix", "360Giving prefix", required=False, most=40),
    )
    record_audit_event(user, AuditEvent.Action.CREATE, fund, note="fund created")
    return fund


@transaction.atomic
def name_fund_officer(user: Requester, fund: Fund, officer: User) -> FundOfficer:
    """An administrator names someone on the owner organisation's staff as the fund's officer."""
    if not selectors.may_create_fund(user):
        raise NotPermitted("Only an administrator can name fund officers.")
    if officer.organisation_id != fund.owner_id:
        raise Refusal(f"Choose someone on the staff of {fund.owner}.", field="user")
    named, _ = FundOfficer.objects.get_or_create(fund=fund, user=officer)
    record_audit_event(user, AuditEvent.Action.UPDATE, fund, note="fund officer named")
    return named


@dataclass(frozen=True)
class RoundDetails:
    name: str
    opens_on: date
    closes_on: date
    budget_pence: int
    minimum_award_pence: int
    maximum_award_pence: int
    guidance: str = ""


def _check_round(fund: Fund, details: RoundDetails, *, other_than: Round | None = None) -> RoundDetails:
    name = _text(details.name, "name", "round's name", most=200)
    clash = fund.rounds.filter(name__iexact=name)
    if other_than is not None:
        clash = clash.exclude(pk=other_than.pk)
    if clash.exists():
        raise Refusal("This fund already has a round with this name.", field="name")
    if not isinstance(details.opens_on, date) or not isinstance(details.closes_on, date):
        raise Refusal("Enter the dates the round opens and closes.", field="opens_on")
    if details.closes_on < details.opens_on:
        raise Refusal("The closing date must be on or after the opening date.", field="closes_on")
    budget = _pence(details.budget_pence, "budget_pence", "round's budget")
    smallest = _pence(details.minimum_award_pence, "minimum_award_pence", "smallest award")
    largest = _pence(details.maximum_award_pence, "maximum_award_pence", "largest award")
    if largest < smallest:
        raise Refusal("The largest award must be at least the smallest.", field="maximum_award_pence")
    if largest > budget:
        raise Refusal(
            "The largest award cannot be more than the round's budget.", field="maximum_award_pence"
        )
    others = fund.rounds.all() if other_than is None else fund.rounds.exclude(pk=other_than.pk)
    given = others.aggregate(total=Sum("budget_pence"))["total"] or 0
    if given + budget > fund.total_pence:
        raise Refusal(
            "The fund's rounds would be given more than its total: "
            f"{pounds(fund.total_pence - given)} is left.",
            field="budget_pence",
        )
    return RoundDetails(
        name=name,
        opens_on=details.opens_on,
        closes_on=details.closes_on,
        budget_pence=budget,
        minimum_award_pence=smallest,
        maximum_award_pence=largest,
        guidance=_text(details.guidance, "guidance", "guidance", required=False, most=5_000),
    )


@transaction.atomic
def create_round(user: Requester, fund: Fund, details: RoundDetails) -> Round:
    """A fund officer adds a round (unpublished: applicants see it once it is published)."""
    _officer(user, fund)
    Fund.objects.select_for_update().get(pk=fund.pk)  # two officers adding rounds keep within the total
    checked = _check_round(fund, details)
    round_ = Round.objects.create(fund=fund, **checked.__dict__)
    record_audit_event(user, AuditEvent.Action.CREATE, round_, note="round created")
    return round_


@transaction.atomic
def update_round(user: Requester, round_: Round, details: RoundDetails) -> Round:
    """A fund officer changes a round's name, dates, budget, limits or guidance. Once anyone has
    applied the award limits are fixed (answers were checked against them); dates may move."""
    _officer(user, round_.fund)
    Fund.objects.select_for_update().get(pk=round_.fund_id)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    checked = _check_round(locked.fund, details, other_than=locked)
    if selectors.questions_are_fixed(locked) and (
        checked.minimum_award_pence != locked.minimum_award_pence
        or checked.maximum_award_pence != locked.maximum_award_pence
    ):
        raise Refusal(
            "People have applied already: the smallest and largest award cannot change.",
            field="minimum_award_pence",
        )
    for name, value in checked.__dict__.items():
        setattr(locked, name, value)
    locked.save()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="round changed")
    return locked


def _round_for_question_change(user: Requester, round_: Round) -> Round:
    """Lock the round for a change to its questions: refused once anyone has applied."""
    _officer(user, round_.fund)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if selectors.questions_are_fixed(locked):
        raise Refusal("People have applied already, so this round's questions cannot change.")
    return locked


def _next_position(rows: Any) -> int:
    last = rows.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def add_eligibility_question(
    user: Requester, round_: Round, *, text: str, eligible_answer: bool, reason: str
) -> EligibilityQuestion:
    """A yes-or-no screening question, the answer that lets applicants go on, and what anyone
    answering the other way is told."""
    locked = _round_for_question_change(user, round_)
    if not isinstance(eligible_answer, bool):
        raise Refusal("Choose the answer that lets an applicant go on.", field="eligible_answer")
    question = EligibilityQuestion.objects.create(
        round=locked,
        position=_next_position(locked.eligibility_questions),
        text=_text(text, "text", "question", most=300),
        eligible_answer=eligible_answer,
        reason=_text(reason, "reason", "reason given to applicants who cannot apply", most=500),
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="screening question added")
    return question


@transaction.atomic
def remove_eligibility_question(user: Requester, question: EligibilityQuestion) -> None:
    locked = _round_for_question_change(user, question.round)
    question.delete()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="screening question removed")


@transaction.atomic
def add_section(user: Requester, round_: Round, *, title: str, intro: str = "") -> Section:
    locked = _round_for_question_change(user, round_)
    section = Section.objects.create(
        round=locked,
        position=_next_position(locked.sections),
        title=_text(title, "title", "section's title", most=200),
        intro=_text(intro, "intro", "introduction", required=False, most=2_000),
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="section added")
    return section


@transaction.atomic
def remove_section(user: Requester, section: Section) -> None:
    locked = _round_for_question_change(user, section.round)
    section.delete()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="section removed")


def _choices(value: Any) -> list[str]:
    options = [line.strip() for line in (value or []) if isinstance(line, str) and line.strip()]
    if len(options) < 2:
        raise Refusal("Give at least two options, one a line.", field="choices")
    if len(options) > MOST_CHOICES:
        raise Refusal(f"Give at most {MOST_CHOICES} options.", field="choices")
    if len({o.lower() for o in options}) != len(options):
        raise Refusal("Give each option once.", field="choices")
    if any(len(o) > 200 for o in options):
        raise Refusal("Each option must be at most 200 characters.", field="choices")
    return options


@transaction.atomic
def add_question(
    user: Requester,
    section: Section,
    *,
    kind: str,
    text: str,
    hint: str = "",
    required: bool = True,
    word_limit: int | None = None,
    choices: list[str] | None = None,
) -> Question:
    """A typed question: text with a word limit, the amount asked for (one a round), a date, a
    choice of one, or a budget table."""
    locked = _round_for_question_change(user, section.round)
    if kind not in Question.Kind.values:
        raise Refusal("Choose the kind of question.", field="kind")
    limit = None
    if kind == Question.Kind.TEXT:
        if (
            isinstance(word_limit, bool)
            or not isinstance(word_limit, int)
            or not 1 <= word_limit <= MOST_WORDS
        ):
            raise Refusal(f"Give a word limit from 1 to {MOST_WORDS:,}.", field="word_limit")
        limit = word_limit
    options = _choices(choices) if kind == Question.Kind.CHOICE else []
    if kind == Question.Kind.AMOUNT and selectors.amount_question_of(locked) is not None:
        raise Refusal("This round already asks for the amount: a round asks it once.", field="kind")
    question = Question.objects.create(
        section=section,
        position=_next_position(section.questions),
        kind=kind,
        text=_text(text, "text", "question", most=300),
        hint=_text(hint, "hint", "hint", required=False, most=500),
        required=bool(required) or kind == Question.Kind.AMOUNT,
        word_limit=limit,
        choices=options,
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="question added")
    return question


@transaction.atomic
def remove_question(user: Requester, question: Question) -> None:
    locked = _round_for_question_change(user, question.section.round)
    question.delete()
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="question removed")


@transaction.atomic
def publish_round(user: Requester, round_: Round) -> Round:
    """Publish a round its officer has previewed: it needs a section with questions, and a question
    asking for the amount. Applicants can apply from its opening date."""
    _officer(user, round_.fund)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.is_published:
        raise Refusal("This round is published already.")
    if not selectors.questions_of(locked).exists():
        raise Refusal("Add a section with at least one question before publishing.")
    if selectors.amount_question_of(locked) is None:
        raise Refusal("Add a question asking for the amount before publishing.")
    if locked.has_closed():
        raise Refusal("The round's closing date has passed: move it before publishing.", field="closes_on")
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="round published")
    return locked


# Applying


def check_eligibility(round_: Round, answers: dict[int, Any]) -> dict[int, bool]:
    """The applicant's screening answers, if every one is the eligible answer. Otherwise a refusal
    naming each question answered the other way (``eligibility_<id>``) with its reason, or not
    answered at all."""
    problems: dict[str, str] = {}
    checked: dict[int, bool] = {}
    for question in selectors.eligibility_questions_of(round_):
        answer = answers.get(question.pk)
        if not isinstance(answer, bool):
            problems[f"eligibility_{question.pk}"] = f"Answer yes or no: {question.text}"
        elif answer != question.eligible_answer:
            problems[f"eligibility_{question.pk}"] = question.reason
        else:
            checked[question.pk] = answer
    if problems:
        raise Refusal(problems)
    return checked


@dataclass(frozen=True)
class Applicant:
    """Who applies: a directory organisation the account edits, or a named unconstituted group."""

    applies_as: str
    title: str
    contact_name: str
    contact_phone: str = ""
    organisation: Provider | None = None
    group_name: str = ""
    postcode: str = ""


def _identifiers(provider: Provider) -> tuple[str, str]:
    """The organisation's charity and company numbers, as the directory holds them."""
    charity = company = ""
    for found in provider.organization_identifiers.all():
        scheme = found.identifier_scheme.upper()
        kind = found.identifier_type.lower()
        if not charity and (scheme.startswith("GB-CHC") or "charity" in kind):
            charity = found.identifier[:20]
        if not company and (scheme == "GB-COH" or "company" in kind):
            company = found.identifier[:20]
    return charity, company


def _postcode(text: str, *, required: bool) -> Postcode | None:
    if not text.strip():
        if required:
            raise Refusal("Enter the group's postcode.", field="postcode")
        return None
    try:
        return find_postcode(text)
    except PostcodeError as error:
        raise Refusal(" ".join(error.messages), field="postcode") from None


@transaction.atomic
def start_application(
    user: Requester, round_: Round, eligibility: dict[int, Any], who: Applicant
) -> Application:
    """A signed-in account that passed the round's screening starts a draft, for an organisation it
    edits or a group it names."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotPermitted("Sign in to apply.")
    if not round_.is_open():
        raise Refusal("This round is not open for applications.")
    checked = check_eligibility(round_, eligibility)
    if who.applies_as not in Application.AppliesAs.values:
        raise Refusal("Choose whether you apply for an organisation or a group.", field="applies_as")
    organisation = None
    charity = company = group = ""
    if who.applies_as == Application.AppliesAs.ORGANISATION:
        allowed = selectors.organisations_user_may_apply_for(user)
        if who.organisation is None or not allowed.filter(pk=who.organisation.pk).exists():
            raise Refusal("Choose an organisation you edit in the directory.", field="organisation")
        organisation = who.organisation
        charity, company = _identifiers(organisation)
    else:
        group = _text(who.group_name, "group_name", "group's name", most=200)
    postcode = _postcode(who.postcode, required=who.applies_as == Application.AppliesAs.GROUP)
    application = Application.objects.create(
        round=round_,
        applicant=user,
        applies_as=who.applies_as,
        organisation=organisation,
        charity_number=charity,
        company_number=company,
        group_name=group,
        contact_name=_text(who.contact_name, "contact_name", "contact's name", most=200),
        contact_email=user.email,
        contact_phone=_text(who.contact_phone, "contact_phone", "phone number", required=False, most=30),
        postcode=postcode,
        title=_text(who.title, "title", "project's title", most=200),
    )
    EligibilityAnswer.objects.bulk_create(
        EligibilityAnswer(application=application, question_id=pk, answer=answer)
        for pk, answer in checked.items()
    )
    record_audit_event(user, AuditEvent.Action.CREATE, application, note="application started")
    return application


@dataclass(frozen=True)
class Budget:
    """A budget table as typed: (item, pence) rows."""

    rows: tuple[tuple[str, int], ...]

    @property
    def total_pence(self) -> int:
        return sum(amount for _, amount in self.rows)


def _check_answer(question: Question, value: Any, round_: Round) -> Any:
    """An answer's value checked for its question's kind (None: left empty), or a refusal naming
    the question's field with the question in the message."""
    field = f"q{question.pk}"
    said = f"“{question.text}”"
    if value in (None, "") or (isinstance(value, Budget) and not value.rows):
        return None
    kind = question.kind
    if kind == Question.Kind.TEXT:
        if not isinstance(value, str):
            raise Refusal(f"{said}: enter text.", field=field)
        words = count_words(value)
        if question.word_limit is not None and words > question.word_limit:
            raise Refusal(
                f"{said}: use {question.word_limit:,} words or fewer (you have {words:,}).", field=field
            )
        return value.strip()
    if kind == Question.Kind.AMOUNT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Refusal(f"{said}: enter an amount in pounds, like 1500.", field=field)
        if not round_.minimum_award_pence <= value <= round_.maximum_award_pence:
            raise Refusal(
                f"{said}: ask for between {pounds(round_.minimum_award_pence)} and "
                f"{pounds(round_.maximum_award_pence)}.",
                field=field,
            )
        return value
    if kind == Question.Kind.DATE:
        if not isinstance(value, date):
            raise Refusal(f"{said}: enter a real date, like 24/11/2026.", field=field)
        return value
    if kind == Question.Kind.CHOICE:
        if value not in question.choices:
            raise Refusal(f"{said}: choose one of the options.", field=field)
        return value
    if not isinstance(value, Budget):
        raise Refusal(f"{said}: enter each item and its amount.", field=field)
    if len(value.rows) > MOST_BUDGET_ROWS:
        raise Refusal(f"{said}: use at most {MOST_BUDGET_ROWS} lines.", field=field)
    for item, amount in value.rows:
        if not item.strip() or len(item) > 200:
            raise Refusal(f"{said}: describe each item in up to 200 characters.", field=field)
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MOST_PENCE:
            raise Refusal(f"{said}: give each item an amount above £0.", field=field)
    return value


def _store(application: Application, question: Question, value: Any) -> None:
    answer, _ = Answer.objects.get_or_create(application=application, question=question)
    answer.text = value if question.kind == Question.Kind.TEXT and value else ""
    answer.amount_pence = value if question.kind == Question.Kind.AMOUNT else None
    answer.day = value if question.kind == Question.Kind.DATE else None
    answer.choice = value if question.kind == Question.Kind.CHOICE and value else ""
    answer.updated_at = timezone.now()
    answer.save()
    if question.kind == Question.Kind.BUDGET:
        answer.budget_rows.all().delete()
        if value is not None:
            BudgetRow.objects.bulk_create(
                BudgetRow(answer=answer, position=n, item=item.strip(), amount_pence=amount)
                for n, (item, amount) in enumerate(value.rows)
            )
    if question.kind == Question.Kind.AMOUNT:
        application.amount_requested_pence = value


@transaction.atomic
def save_answers(user: Requester, application: Application, values: dict[int, Any]) -> Application:
    """Save what the applicant typed (a draft may be partial) to the questions they may answer now:
    every question of a draft while the round is open, or after submission only the questions an
    open information request names. Each answer is checked for its kind; the first problem found
    on each question refuses the lot, naming every question at fault."""
    if not selectors.is_applicant(user, application):
        raise _not_visible()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    editable = selectors.editable_question_ids(user, locked)
    if not editable:
        raise Refusal("This application cannot be changed now.")
    questions = {q.pk: q for q in selectors.questions_of(locked.round).filter(pk__in=values.keys())}
    refused = [pk for pk in values if pk not in questions or pk not in editable]
    if refused:
        raise Refusal("Some of these questions cannot be changed now.")
    checked: dict[int, Any] = {}
    problems: dict[str, list[str]] = {}
    for pk, value in values.items():
        try:
            checked[pk] = _check_answer(questions[pk], value, locked.round)
        except Refusal as error:
            for name, messages in error.message_dict.items():
                problems.setdefault(name, []).extend(messages)
    if problems:
        raise Refusal(problems)
    for pk, value in checked.items():
        _store(locked, questions[pk], value)
    locked.updated_at = timezone.now()
    locked.save(update_fields=["updated_at", "amount_requested_pence"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="answers saved")
    return locked


def _not_visible() -> Refusal:
    return NotVisible("No such application.")


def problems_with(application: Application, only: set[int] | None = None) -> dict[str, str]:
    """Everything that stops the application being sent, by question field: required questions
    left empty, answers no longer within the round's rules, and a budget adding up to more than
    the amount asked for. ``only`` limits it to some questions (an information request's)."""
    answers = selectors.answers_of(application)
    problems: dict[str, str] = {}
    round_ = application.round
    for question in selectors.questions_of(round_):
        if only is not None and question.pk not in only:
            continue
        answer = answers.get(question.pk)
        field = f"q{question.pk}"
        if not selectors.answered(question, answer):
            if question.required:
                problems[field] = f"“{question.text}”: answer this question."
            continue
        assert answer is not None
        typed: dict[str, Any] = {
            Question.Kind.TEXT: answer.text,
            Question.Kind.AMOUNT: answer.amount_pence,
            Question.Kind.DATE: answer.day,
            Question.Kind.CHOICE: answer.choice,
        }
        value: Any = typed.get(question.kind)
        if question.kind == Question.Kind.BUDGET:
            value = Budget(tuple((r.item, r.amount_pence) for r in answer.budget_rows.all()))
        try:
            _check_answer(question, value, round_)
        except Refusal as error:
            problems[field] = " ".join(error.messages)
            continue
        asked = application.amount_requested_pence
        if question.kind == Question.Kind.BUDGET and asked is not None and value.total_pence > asked:
            problems[field] = (
                f"“{question.text}”: the budget adds up to {pounds(value.total_pence)}, more than the "
                f"{pounds(asked)} you ask for."
            )
    return problems


@transaction.atomic
def submit_application(user: Requester, application: Application) -> Application:
    """Send a draft, once: every question checked (each problem named by its question), the
    application locked so two submits at once make one submission, and a receipt emailed."""
    if not selectors.is_applicant(user, application):
        raise _not_visible()
    locked = (
        Application.objects.select_for_update().select_related("round", "round__fund").get(pk=application.pk)
    )
    if locked.status != Application.Status.DRAFT:
        raise Refusal("This application has been sent already.")
    if not locked.round.is_open():
        raise Refusal("The round has closed: applications can no longer be sent.")
    problems = problems_with(locked)
    if problems:
        raise Refusal(problems)
    locked.status = Application.Status.SUBMITTED
    locked.submitted_at = locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="application submitted")
    _email(
        locked.contact_email,
        f"We have your application to {locked.round.fund}",
        "grants/email/receipt.txt",
        locked,
    )
    return locked


def _email(address: str, subject: str, template: str, application: Application, **extra: Any) -> None:
    body = render_to_string(
        template,
        {"application": application, "site": settings.CLOSEKNIT_SITE_NAME, **extra},
    )
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


@transaction.atomic
def request_more_information(
    user: Requester, application: Application, *, message: str, questions: list[Question]
) -> InformationRequest:
    """A fund officer asks the applicant for more, with a message, re-opening only the named
    questions until the applicant sends their answers. Logged (the request is kept) and emailed."""
    officer = _officer(user, application.round.fund)
    locked = (
        Application.objects.select_for_update().select_related("round", "round__fund").get(pk=application.pk)
    )
    if locked.status not in (Application.Status.SUBMITTED, Application.Status.IN_ASSESSMENT):
        raise Refusal(
            "More information can be asked for only on a submitted application with nothing asked already."
        )
    text = _text(message, "message", "message to the applicant", most=2_000)
    own = set(selectors.questions_of(locked.round).values_list("pk", flat=True))
    if not questions:
        raise Refusal("Choose the questions the applicant may answer again.", field="questions")
    if any(q.pk not in own for q in questions):
        raise Refusal("Choose questions of this application's round.", field="questions")
    request = InformationRequest.objects.create(application=locked, requested_by=officer, message=text)
    request.questions.set(questions)
    locked.status = Application.Status.MORE_INFORMATION
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="more information asked for")
    _email(
        locked.contact_email,
        f"{locked.round.fund} asks for more about your application",
        "grants/email/more_information.txt",
        locked,
        request=request,
        questions=questions,
    )
    return request


@transaction.atomic
def send_requested_information(user: Requester, application: Application) -> Application:
    """The applicant sends the answers an information request asked for: the named questions are
    checked, closed again, and the application is back with the fund."""
    if not selectors.is_applicant(user, application):
        raise _not_visible()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    request = selectors.open_information_request(locked)
    if locked.status != Application.Status.MORE_INFORMATION or request is None:
        raise Refusal("Nothing has been asked for on this application.")
    problems = problems_with(locked, only=set(request.questions.values_list("pk", flat=True)))
    if problems:
        raise Refusal(problems)
    request.answered_at = timezone.now()
    request.save(update_fields=["answered_at"])
    # Back where it was: with the panel if it had been screened in, else waiting to be screened.
    screened = locked.screened_at is not None
    locked.status = Application.Status.IN_ASSESSMENT if screened else Application.Status.SUBMITTED
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note="more information sent")
    return locked
