"""Assessment actions: a fund officer screens a sent application, sets the round's criteria and
panel and gives applications to its members; a panel member declares any conflict of interest,
scores and discusses; the fund officer records the fund's decision.

Screening passes an application to the panel (``in_assessment``) or finds it not eligible, with
the reason the applicant is told. A decision awards (an amount within the round's limits and what
is left of its budget, conditions, and the planned dates: it makes the ``Grant``), declines with a
reason, or asks for more information (the message, and the questions to re-open). Each decision is
a new ``Decision`` row naming who decided: nothing is overwritten.

Each action is one transaction with the application's row locked first (and the round's, for an
award, so two awards at once cannot together pass its budget); refusals name the field and write
nothing; every change is audited and the applicant is emailed after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal
from common.money import pounds

from . import assessment_selectors
from .models import (
    Application,
    Assignment,
    Criterion,
    Decision,
    DiscussionComment,
    Grant,
    PanelMember,
    Question,
    Review,
    Round,
    Score,
)
from .services import _email, _officer, _text, request_more_information

# An application a decision may be made on: screened in, or back from a request for more.
DECIDABLE = {Application.Status.IN_ASSESSMENT}


def not_their_own(user: Requester, application: Application) -> None:
    """Nobody screens, gives to the panel, decides or pays their own application: a fund officer
    or panel member who applied (any signed-in account may) stands aside from it."""
    if application.applicant_id is not None and getattr(user, "pk", None) == application.applicant_id:
        raise NotPermitted("This is your own application: another of the fund's officers must do this.")


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("round", "round__fund").get(pk=application.pk)
    )


@transaction.atomic
def screen(user: Requester, application: Application, *, eligible: bool, note: str = "") -> Application:
    """A fund officer checks a sent application is eligible: in, it goes to the panel; out, the
    applicant is told why (the note is required then)."""
    officer = _officer(user, application.round.fund)
    not_their_own(user, application)
    locked = _locked(application)
    if locked.status != Application.Status.SUBMITTED or locked.screened_at is not None:
        raise Refusal("Only a sent application not yet screened can be screened.")
    text = _text(note, "note", "reason it is not eligible", required=not eligible, most=2_000)
    locked.status = Application.Status.IN_ASSESSMENT if eligible else Application.Status.SCREENED_OUT
    locked.screened_at = timezone.now()
    locked.screened_by = officer
    locked.screening_note = text
    locked.updated_at = locked.screened_at
    locked.save(update_fields=["status", "screened_at", "screened_by", "screening_note", "updated_at"])
    record_audit_event(
        user, AuditEvent.Action.UPDATE, locked, note="screened in" if eligible else "screened out"
    )
    if not eligible:
        _email(
            locked.contact_email,
            f"Your application to {locked.round.fund}",
            "grants/email/screened_out.txt",
            locked,
        )
    return locked


@dataclass(frozen=True)
class Award:
    """What an award gives: the amount, any conditions, and when the project plans to run."""

    amount_pence: int
    planned_start: date
    planned_end: date
    conditions: str = ""


def awarded_in(round_: Round) -> int:
    """Pence already awarded in ``round_``."""
    return Grant.objects.filter(application__round=round_).aggregate(total=Sum("amount_pence"))["total"] or 0


def _check_award(round_: Round, award: Award) -> Award:
    amount = award.amount_pence
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise Refusal("Enter the amount awarded in pounds and pence.", field="amount")
    if not round_.minimum_award_pence <= amount <= round_.maximum_award_pence:
        raise Refusal(
            f"The amount awarded must be from {pounds(round_.minimum_award_pence)} "
            f"to {pounds(round_.maximum_award_pence)}.",
            field="amount",
        )
    left = round_.budget_pence - awarded_in(round_)
    if amount > left:
        raise Refusal(f"The round has {pounds(left)} left to award.", field="amount")
    if not isinstance(award.planned_start, date):
        raise Refusal("Enter the date the project plans to start.", field="planned_start")
    if not isinstance(award.planned_end, date):
        raise Refusal("Enter the date the project plans to end.", field="planned_end")
    if award.planned_end < award.planned_start:
        raise Refusal("The planned end must be on or after the planned start.", field="planned_end")
    return Award(
        amount_pence=amount,
        planned_start=award.planned_start,
        planned_end=award.planned_end,
        conditions=_text(award.conditions, "conditions", "conditions", required=False, most=5_000),
    )


@transaction.atomic
def decide(
    user: Requester,
    application: Application,
    outcome: str,
    *,
    award: Award | None = None,
    reason: str = "",
    questions: list[Question] | None = None,
) -> Decision:
    """A fund officer records the fund's decision on a screened application, with who decided.

    ``award`` makes the grant (the offer letter is sent from the grant's page); ``decline`` needs
    the reason the applicant is told; ``more_information`` needs the message and the questions to
    re-open (a request for more information, as before assessment)."""
    officer = _officer(user, application.round.fund)
    not_their_own(user, application)
    Round.objects.select_for_update().get(pk=application.round_id)
    locked = _locked(application)
    if locked.status not in DECIDABLE:
        raise Refusal("A decision can be made only on an application being assessed.")
    if outcome not in Decision.Outcome.values:
        raise Refusal("Choose award, decline or ask for more information.", field="outcome")
    name = officer.get_full_name() or officer.email
    if outcome == Decision.Outcome.AWARD:
        if award is None:
            raise Refusal("Enter the amount awarded.", field="amount")
        checked = _check_award(locked.round, award)
        decision = Decision.objects.create(
            application=locked,
            outcome=outcome,
            amount_pence=checked.amount_pence,
            conditions=checked.conditions,
            decided_by=officer,
            decided_by_name=name,
        )
        Grant.objects.create(
            application=locked,
            decision=decision,
            amount_pence=checked.amount_pence,
            conditions=checked.conditions,
            awarded_on=timezone.localdate(),
            planned_start=checked.planned_start,
            planned_end=checked.planned_end,
        )
        locked.status = Application.Status.AWARDED
    elif outcome == Decision.Outcome.DECLINE:
        text = _text(reason, "reason", "reason for declining", most=5_000)
        decision = Decision.objects.create(
            application=locked, outcome=outcome, reason=text, decided_by=officer, decided_by_name=name
        )
        locked.status = Application.Status.DECLINED
    else:
        text = _text(reason, "reason", "message to the applicant", most=2_000)
        decision = Decision.objects.create(
            application=locked, outcome=outcome, reason=text, decided_by=officer, decided_by_name=name
        )
        request_more_information(user, locked, message=text, questions=list(questions or []))
        locked.refresh_from_db()
        record_audit_event(user, AuditEvent.Action.CREATE, decision, note=decision.get_outcome_display())
        return decision
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    record_audit_event(user, AuditEvent.Action.CREATE, decision, note=decision.get_outcome_display())
    if outcome == Decision.Outcome.DECLINE:
        _email(
            locked.contact_email,
            f"Your application to {locked.round.fund}",
            "grants/email/declined.txt",
            locked,
            decision=decision,
        )
    return decision


# --- Setting up the assessment: criteria, the panel, assignments ---------------------------------


def _round_locked(user: Requester, round_: Round) -> Round:
    _officer(user, round_.fund)
    return Round.objects.select_for_update().select_related("fund").get(pk=round_.pk)


def _criteria_open(round_: Round) -> None:
    if assessment_selectors.criteria_are_fixed(round_):
        raise Refusal("A review has been sent, so the criteria cannot change: scores are against them.")


@transaction.atomic
def add_criterion(user: Requester, round_: Round, *, name: str, guidance: str = "") -> Criterion:
    """A fund officer adds something the panel scores every application against, from 0 to 5.
    Fixed once any review of the round is sent."""
    locked = _round_locked(user, round_)
    _criteria_open(locked)
    text = _text(name, "name", "criterion", most=200)
    if locked.criteria.filter(name__iexact=text).exists():
        raise Refusal("The round has a criterion with this name already.", field="name")
    last = locked.criteria.order_by("-position").first()
    criterion = Criterion.objects.create(
        round=locked,
        name=text,
        guidance=_text(guidance, "guidance", "guidance", required=False, most=2_000),
        position=(last.position + 1) if last else 0,
    )
    record_audit_event(user, AuditEvent.Action.CREATE, criterion, note="criterion added")
    return criterion


@transaction.atomic
def remove_criterion(user: Requester, criterion: Criterion) -> None:
    """Removes a criterion, and the draft scores against it, while no review is sent."""
    locked = _round_locked(user, criterion.round)
    _criteria_open(locked)
    Score.objects.filter(criterion=criterion).delete()
    record_audit_event(user, AuditEvent.Action.DELETE, criterion, note="criterion removed")
    criterion.delete()


@transaction.atomic
def add_panel_member(user: Requester, round_: Round, *, email: str) -> PanelMember:
    """A fund officer puts someone with an account (found by its email address) on the round's
    panel. They see nothing until applications are assigned to them and they declare."""
    officer = _officer(user, round_.fund)
    locked = _round_locked(user, round_)
    address = _text(email, "email", "email address", most=254).lower()
    member = User.objects.filter(email__iexact=address, is_active=True).first()
    if member is None:
        raise Refusal(
            "No one has an account with this email address: ask them to create one first.", field="email"
        )
    if PanelMember.objects.filter(round=locked, user=member).exists():
        raise Refusal("They are on this round's panel already.", field="email")
    added = PanelMember.objects.create(round=locked, user=member, added_by=officer)
    record_audit_event(user, AuditEvent.Action.CREATE, added, note="panel member added")
    return added


@transaction.atomic
def remove_panel_member(user: Requester, member: PanelMember) -> None:
    """Takes someone off the panel, while they have declared on nothing (after that, their
    declarations and reviews are the fund's record of how it decided)."""
    _round_locked(user, member.round)
    if member.assignments.exclude(declaration="").exists():
        raise Refusal(
            "They have declared on an application, so they stay on the panel: their declarations "
            "and reviews are part of the record."
        )
    record_audit_event(user, AuditEvent.Action.DELETE, member, note="panel member removed")
    member.delete()


def _assignable(locked: Application) -> None:
    if locked.status != Application.Status.IN_ASSESSMENT:
        raise Refusal("Only an application screened in, and not yet decided, can go to the panel.")


@transaction.atomic
def assign(user: Requester, application: Application, members: list[PanelMember]) -> int:
    """A fund officer gives an application to panel members of its round; returns how many new."""
    officer = _officer(user, application.round.fund)
    locked = _locked(application)
    _assignable(locked)
    if not members:
        raise Refusal("Choose the panel members to assess it.", field="members")
    not_their_own(user, locked)
    if any(m.round_id != locked.round_id for m in members):
        raise Refusal("Choose members of this round's panel.", field="members")
    if any(m.user_id == locked.applicant_id for m in members):
        raise Refusal("A panel member cannot assess their own application.", field="members")
    made = 0
    for member in members:
        _, created = Assignment.objects.get_or_create(
            application=locked, member=member, defaults={"assigned_by": officer}
        )
        made += created
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note=f"assigned to {made} panel members")
    return made


@transaction.atomic
def assign_everything(user: Requester, round_: Round) -> int:
    """Every screened-in application of the round to every member of its panel; returns how many
    assignments are new (those made already stay as they are)."""
    officer = _officer(user, round_.fund)
    locked = _round_locked(user, round_)
    members = list(locked.panel.all())
    if not members:
        raise Refusal("Add the panel first.")
    applications = list(
        Application.objects.select_for_update().filter(round=locked, status=Application.Status.IN_ASSESSMENT)
    )
    if not applications:
        raise Refusal("No application is screened in yet.")
    made = 0
    for application in applications:
        for member in members:
            if member.user_id == application.applicant_id:
                continue  # nobody assesses their own application
            _, created = Assignment.objects.get_or_create(
                application=application, member=member, defaults={"assigned_by": officer}
            )
            made += created
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note=f"{made} assignments made")
    return made


# --- The panel: declaring, scoring, discussing ---------------------------------------------------


def _own_assignment(user: Requester, assignment: Assignment) -> Assignment:
    """The assignment, locked, when it is ``user``'s; anyone else is told it does not exist."""
    if not isinstance(user, User) or assignment.member.user_id != user.pk:
        raise NotVisible("No such application.")
    return (
        Assignment.objects.select_for_update().select_related("application", "member").get(pk=assignment.pk)
    )


@transaction.atomic
def declare(user: Requester, assignment: Assignment, *, conflict: bool, note: str = "") -> Assignment:
    """A panel member declares, once, whether they have a conflict of interest in an application
    given to them, before they see it. With a conflict (and a note of what it is, for the fund
    officer) they never see it, and their view does not count."""
    locked = _own_assignment(user, assignment)
    if locked.declaration:
        raise Refusal("You have declared on this application already: a declaration cannot change.")
    locked.declaration = Assignment.Declaration.CONFLICT if conflict else Assignment.Declaration.NONE
    locked.conflict_note = _text(note, "conflict_note", "conflict", required=conflict, most=2_000)
    locked.declared_at = timezone.now()
    locked.save(update_fields=["declaration", "conflict_note", "declared_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, locked, note=f"declared {locked.declaration}")
    return locked


@dataclass(frozen=True)
class Marks:
    """A review as the panel member writes it: a score (0 to 5, or None not yet) and a comment per
    criterion by its id, the recommendation and an overall comment."""

    scores: dict[int, tuple[int | None, str]]
    recommendation: str = ""
    comment: str = ""


def _assessable(user: Requester, assignment: Assignment) -> Assignment:
    locked = _own_assignment(user, assignment)
    if locked.declaration != Assignment.Declaration.NONE:
        # Undeclared: declare first. Conflicted: the application is not theirs to see at all.
        raise NotVisible("No such application.")
    if locked.application.status != Application.Status.IN_ASSESSMENT:
        raise Refusal("The fund has decided on this application: reviews are closed.")
    return locked


@transaction.atomic
def save_review(user: Requester, assignment: Assignment, marks: Marks, *, send: bool) -> Review:
    """A panel member saves their review as a draft (anything may be blank) or sends it (every
    criterion scored, and a recommendation). Once sent it is read-only and counts."""
    # The round's row first, as changing the criteria and deciding do: a review is sent against
    # the criteria as they stand, and never beside a decision being made.
    Round.objects.select_for_update().get(pk=assignment.application.round_id)
    Application.objects.select_for_update().get(pk=assignment.application_id)
    locked = _assessable(user, assignment)
    review, _ = Review.objects.select_for_update().get_or_create(assignment=locked)
    if review.submitted_at is not None:
        raise Refusal("You have sent this review already: it cannot change.")
    criteria = {c.pk: c for c in assessment_selectors.criteria_of(locked.application.round)}
    if not criteria:
        raise Refusal("The fund officer has not set the criteria yet: there is nothing to score.")
    if any(pk not in criteria for pk in marks.scores):
        raise Refusal("Score only this round's criteria.", field="scores")
    problems: dict[str, str] = {}
    kept: dict[int, tuple[int | None, str]] = {}
    for pk in criteria:
        score, comment = marks.scores.get(pk, (None, ""))
        name = f"score_{pk}"
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 5
        ):
            problems[name] = f"Score “{criteria[pk].name}” from 0 to 5."
        elif score is None and send:
            problems[name] = f"Score “{criteria[pk].name}” before you send the review."
        text = comment.strip() if isinstance(comment, str) else ""
        if len(text) > 2_000:
            problems[f"comment_{pk}"] = "A comment must be at most 2,000 characters."
        kept[pk] = (score, text)
    if marks.recommendation and marks.recommendation not in Review.Recommendation.values:
        problems["recommendation"] = "Choose fund, fund with conditions, or do not fund."
    elif send and not marks.recommendation:
        problems["recommendation"] = "Choose your recommendation before you send the review."
    if problems:
        raise Refusal(problems)
    review.recommendation = marks.recommendation
    review.comment = _text(marks.comment, "comment", "overall comment", required=False, most=5_000)
    review.updated_at = timezone.now()
    if send:
        review.submitted_at = review.updated_at
    review.save()
    for pk, (score, text) in kept.items():
        if score is None:
            Score.objects.filter(review=review, criterion_id=pk).delete()
        else:
            Score.objects.update_or_create(
                review=review, criterion_id=pk, defaults={"score": score, "comment": text}
            )
    record_audit_event(user, AuditEvent.Action.UPDATE, review, note="review sent" if send else "review saved")
    return review


@transaction.atomic
def add_comment(user: Requester, application: Application, *, text: str) -> DiscussionComment:
    """A remark in the application's panel discussion, by one of its fund officers or a panel
    member assigned to it without a conflict."""
    current = Application.objects.select_related("round", "round__fund").get(pk=application.pk)
    if not assessment_selectors.may_see_assessment(user, current):
        raise NotVisible("No such application.")
    assert isinstance(user, User)
    comment = DiscussionComment.objects.create(
        application=current, author=user, text=_text(text, "text", "comment", most=5_000)
    )
    record_audit_event(user, AuditEvent.Action.CREATE, comment, note="discussion comment")
    return comment
