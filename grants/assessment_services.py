"""Assessment actions: a fund officer screens a sent application and records the fund's decision.

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

from accounts.models import AuditEvent
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import Refusal
from common.money import pounds

from .models import Application, Decision, Grant, Question, Round
from .services import _email, _officer, _text, request_more_information

# An application a decision may be made on: screened in, or back from a request for more.
DECIDABLE = {Application.Status.IN_ASSESSMENT}


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("round", "round__fund").get(pk=application.pk)
    )


@transaction.atomic
def screen(user: Requester, application: Application, *, eligible: bool, note: str = "") -> Application:
    """A fund officer checks a sent application is eligible: in, it goes to the panel; out, the
    applicant is told why (the note is required then)."""
    officer = _officer(user, application.round.fund)
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
