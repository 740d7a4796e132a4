"""Who may see and do what with funds, rounds and applications, and the reads that follow.

- Anyone, signed in or not, sees a published round and its fund's purpose.
- A fund officer (``FundOfficer``, named per fund in the back office, on the staff of the fund's
  owner organisation) sets up the fund's rounds and their questions, previews them, publishes them
  and reads the applications made to them. They prove a second factor first, as the council's
  finance officers do: applications carry names, addresses and phone numbers.
- An applicant (any signed-in account, a resident's is enough) sees and writes their own
  applications: applying for a directory organisation they edit, or for a named group.
- Nobody else: not another applicant, not a fund officer of another fund, not an administrator
  (who names fund officers but does not read applications).

Predicates never raise and are false for an anonymous or inactive user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import Requester, is_administrator, is_signed_in
from directory.models import Provider

from .models import (
    Answer,
    Application,
    EligibilityQuestion,
    Fund,
    InformationRequest,
    Question,
    Round,
    Section,
)


def funds_of_officer(user: Requester) -> QuerySet[Fund]:
    """The funds ``user`` is an officer of, while still on the staff of the fund's owner."""
    if not isinstance(user, User) or not is_signed_in(user) or user.organisation_id is None:
        return Fund.objects.none()
    return Fund.objects.filter(officers__user=user, owner_id=user.organisation_id)


def is_fund_officer(user: Requester, fund: Fund) -> bool:
    return funds_of_officer(user).filter(pk=fund.pk).exists()


def is_any_fund_officer(user: Requester) -> bool:
    """Whether ``user`` reads other people's applications (and so proves a second factor first)."""
    return funds_of_officer(user).exists()


def may_create_fund(user: Requester) -> bool:
    """Administrators create funds and name their officers (in the back office)."""
    return is_administrator(user)


def may_set_up_round(user: Requester, round_: Round) -> bool:
    return is_fund_officer(user, round_.fund)


def questions_are_fixed(round_: Round) -> bool:
    """Once anyone has applied, a round's questions cannot change: answers are to these questions."""
    return round_.applications.exists()


def published_rounds() -> QuerySet[Round]:
    return Round.objects.filter(published_at__isnull=False).select_related("fund", "fund__owner")


def open_rounds(now: datetime | None = None) -> list[Round]:
    """Published rounds open for applications now, closing soonest first."""
    now = now or timezone.now()
    return sorted((r for r in published_rounds() if r.is_open(now)), key=lambda r: (r.closes_on, r.pk))


def rounds_visible_to(user: Requester) -> QuerySet[Round]:
    """Published rounds, and the unpublished rounds of the funds ``user`` is an officer of."""
    return Round.objects.filter(
        Q(published_at__isnull=False) | Q(fund__in=funds_of_officer(user))
    ).select_related("fund", "fund__owner")


def rounds_of_fund(fund: Fund) -> QuerySet[Round]:
    return fund.rounds.all()


def eligibility_questions_of(round_: Round) -> QuerySet[EligibilityQuestion]:
    return round_.eligibility_questions.all()


def sections_of(round_: Round) -> QuerySet[Section]:
    """The round's sections in order, each with its questions."""
    return round_.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position", "pk"))
    )


def questions_of(round_: Round) -> QuerySet[Question]:
    return (
        Question.objects.filter(section__round=round_)
        .select_related("section")
        .order_by("section__position", "section__pk", "position", "pk")
    )


def amount_question_of(round_: Round) -> Question | None:
    return questions_of(round_).filter(kind=Question.Kind.AMOUNT).first()


def organisations_user_may_apply_for(user: Requester) -> QuerySet[Provider]:
    """The directory organisations ``user`` edits (an organisation editor's own organisation's)."""
    if not isinstance(user, User) or not is_signed_in(user):
        return Provider.objects.none()
    if user.role != Role.ORGANISATION_EDITOR or user.organisation_id is None:
        return Provider.objects.none()
    return Provider.objects.filter(owner_id=user.organisation_id).order_by("name")


def applications_visible_to(user: Requester) -> QuerySet[Application]:
    """The applications ``user`` wrote, and those sent to the rounds of funds they are an officer of
    (a draft is its applicant's alone until it is sent)."""
    if not isinstance(user, User) or not is_signed_in(user):
        return Application.objects.none()
    sent_to_their_fund = Q(round__fund__in=funds_of_officer(user)) & ~Q(status=Application.Status.DRAFT)
    return Application.objects.filter(Q(applicant=user) | sent_to_their_fund).select_related(
        "round", "round__fund", "organisation", "postcode", "applicant"
    )


def own_applications(user: Requester) -> QuerySet[Application]:
    if not isinstance(user, User) or not is_signed_in(user):
        return Application.objects.none()
    return Application.objects.filter(applicant=user).select_related("round", "round__fund", "organisation")


def applications_to(round_: Round) -> QuerySet[Application]:
    """A round's sent applications, for its fund officers (the view checks who asks)."""
    return (
        round_.applications.exclude(status=Application.Status.DRAFT)
        .select_related("organisation", "postcode")
        .order_by("status", "-submitted_at", "pk")
    )


def drafts_in(round_: Round) -> int:
    """How many drafts a round has (officers see the number, not the drafts)."""
    return round_.applications.filter(status=Application.Status.DRAFT).count()


def is_applicant(user: Requester, application: Application) -> bool:
    return isinstance(user, User) and is_signed_in(user) and application.applicant_id == user.pk


def open_information_request(application: Application) -> InformationRequest | None:
    return application.information_requests.filter(answered_at__isnull=True).first()


def editable_question_ids(user: Requester, application: Application, now: datetime | None = None) -> set[int]:
    """The questions ``user`` may answer now: every question of a draft while its round is open;
    after submission only the questions an open information request names; otherwise none."""
    if not is_applicant(user, application):
        return set()
    if application.status == Application.Status.DRAFT:
        if not application.round.is_open(now):
            return set()
        return set(questions_of(application.round).values_list("pk", flat=True))
    if application.status == Application.Status.MORE_INFORMATION:
        request = open_information_request(application)
        if request is not None:
            return set(request.questions.values_list("pk", flat=True))
    return set()


def may_submit(user: Requester, application: Application, now: datetime | None = None) -> bool:
    return (
        is_applicant(user, application)
        and application.status == Application.Status.DRAFT
        and application.round.is_open(now)
    )


def may_request_information(user: Requester, application: Application) -> bool:
    """A fund officer of the application's fund, once it is submitted and nothing is asked already."""
    return application.status == Application.Status.SUBMITTED and is_fund_officer(
        user, application.round.fund
    )


def answers_of(application: Application) -> dict[int, Answer]:
    """The application's answers by question id, each with its budget rows."""
    return {a.question_id: a for a in application.answers.prefetch_related("budget_rows")}


@dataclass
class SectionProgress:
    section: Section
    answered: int
    questions: int
    editable: bool
    rows: list[tuple[Question, Answer | None]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.answered == self.questions


def answered(question: Question, answer: Answer | None) -> bool:
    """Whether ``answer`` holds something for ``question`` (a draft's empty answer does not)."""
    if answer is None:
        return False
    kind = question.kind
    if kind == Question.Kind.TEXT:
        return bool(answer.text.strip())
    if kind == Question.Kind.AMOUNT:
        return answer.amount_pence is not None
    if kind == Question.Kind.DATE:
        return answer.day is not None
    if kind == Question.Kind.CHOICE:
        return bool(answer.choice)
    return bool(list(answer.budget_rows.all()))


def progress_of(application: Application, editable: set[int]) -> list[SectionProgress]:
    """Each section of the application's round, with its questions and answers and how many are
    answered, for the overview and the preview."""
    answers = answers_of(application)
    found = []
    for section in sections_of(application.round):
        questions = list(section.questions.all())
        # An answer saved empty (a draft's section saved with a question left blank) is no answer.
        rows = [(q, answers.get(q.pk)) for q in questions]
        rows = [(q, a if answered(q, a) else None) for q, a in rows]
        found.append(
            SectionProgress(
                section=section,
                answered=sum(a is not None for _, a in rows),
                questions=len(questions),
                editable=any(q.pk in editable for q in questions),
                rows=rows,
            )
        )
    return found
