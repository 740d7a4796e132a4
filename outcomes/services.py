"""Recording what changed: instruments loaded, responses scored, outcome events with evidence.
One transaction each; refusals name the field."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import slug_re, validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
from accounts.services import record_audit_event
from common.csvimport import Column, ImportFileError, read_rows, refusals_logged
from common.errors import NotPermitted, NotVisible, Refusal
from people.models import Goal, Person

from .models import (
    Agreement,
    GoalRating,
    Instrument,
    Item,
    OutcomeEvent,
    Response,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    UnitCost,
)
from .permissions import may_record_outcomes, may_record_outcomes_for
from .scoring import check_answers, score

logger = logging.getLogger(__name__)


@transaction.atomic
def load_instrument(definition: Any, *, builtin: bool = False) -> Instrument:
    """Create an instrument version from its definition (the shipped ones, or a licensed
    organisation's own file). A version that already has responses is never changed."""
    if not isinstance(definition, dict):
        raise Refusal("The instrument definition must be an object with code, scoring and items.")
    try:
        code, version = definition["code"], int(definition.get("version", 1))
        items = definition["items"]
        scoring = definition["scoring"]
    except (KeyError, TypeError, ValueError) as error:
        raise Refusal(f"The instrument definition is missing {error}.") from None
    _check_code(code, "The instrument's code")
    if not 1 <= version <= 32767:
        raise Refusal("The version must be a whole number from 1.")
    if len(str(definition.get("name", ""))) > 200:
        raise Refusal("The instrument's name must be 200 characters or fewer.")
    if scoring not in Instrument.Scoring.values:
        raise Refusal(f"Unknown scoring “{scoring}”: use one of {', '.join(Instrument.Scoring.values)}.")
    if not items or not isinstance(items, list):
        raise Refusal("An instrument needs a list of at least one item.")
    items = [_checked_item(position, item) for position, item in enumerate(items, start=1)]
    codes = [item["code"] for item in items]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise Refusal(f"Item code “{repeated[0]}” is used more than once.")
    if scoring == Instrument.Scoring.SUM_CONVERTED:
        lowest = sum(item["min_value"] for item in items)
        highest = sum(item["max_value"] for item in items)
        missing = [t for t in range(lowest, highest + 1) if str(t) not in definition.get("conversion", {})]
        if missing:
            raise Refusal(f"The conversion table has no entry for raw scores {missing[:5]}.")
    existing = Instrument.objects.filter(code=code, version=version).first()
    if existing is not None:
        if existing.responses.exists():
            raise Refusal(f"{existing} already has responses: load the new wording as a new version.")
        existing.delete()
    instrument = Instrument.objects.create(
        code=code,
        version=version,
        name=str(definition.get("name") or code),
        description=definition.get("description", ""),
        scoring=scoring,
        bands=definition.get("bands", []),
        conversion=definition.get("conversion", {}),
        higher_is_better=definition.get("higher_is_better", True),
        source=definition.get("source", ""),
        is_builtin=builtin,
    )
    Item.objects.bulk_create(
        Item(instrument=instrument, position=n, **item) for n, item in enumerate(items, 1)
    )
    return instrument


def _check_code(code: object, what: str) -> None:
    """Codes name answers and scores (reports read ``scores.items.<code>``): letters, digits,
    hyphens and single underscores, up to 40 characters."""
    text = str(code)
    if not text or len(text) > 40 or "__" in text or not slug_re.fullmatch(text):
        raise Refusal(f"{what} “{text}” must be 1 to 40 letters, digits, hyphens or single underscores.")


def _checked_item(position: int, item: Any) -> dict[str, Any]:
    """One item of a definition as Item's fields, or a refusal naming the item and the problem."""
    if not isinstance(item, dict):
        raise Refusal(f"Item {position} must be an object with code, min_value and max_value.")
    try:
        code, lowest, highest = str(item["code"]), int(item["min_value"]), int(item["max_value"])
    except KeyError as error:
        raise Refusal(f"Item {position} is missing {error}.") from None
    except (TypeError, ValueError):
        raise Refusal(f"Item {position}: min_value and max_value must be whole numbers.") from None
    _check_code(code, f"Item {position}'s code")
    if lowest > highest:
        raise Refusal(f"Item {position}: min_value is more than max_value.")
    return {
        "code": code,
        "min_value": lowest,
        "max_value": highest,
        "text": item.get("text", ""),
        "label": str(item.get("label", ""))[:60],
        "options": item.get("options", []),
        "bands": item.get("bands", []),
        "higher_is_better": item.get("higher_is_better", True),
    }


def _changed(user: User, person: Person, note: str) -> None:
    """What is held about a person changed: the audit log names them (``note``: no personal data)."""
    record_audit_event(user, AuditEvent.Action.UPDATE, person, note=note)


def _may_record_for(user: User, person: Person) -> None:
    """Refuse anyone whose work is not with people, and answer for a person out of the user's
    reach exactly as for no such person."""
    if not may_record_outcomes(user):
        raise NotPermitted("Only staff who work with people record their outcomes.")
    if not may_record_outcomes_for(user, person):
        raise NotVisible()


@transaction.atomic
def record_response(
    user: User, person: Person, instrument: Instrument, on: date, answers: dict[str, Any]
) -> Response:
    """A person's answers, checked and scored as they are recorded."""
    _may_record_for(user, person)
    if on > timezone.localdate():
        raise Refusal("The date cannot be in the future.", field="on")
    checked = check_answers(instrument, answers)  # a ScoringError names the item
    scores = score(instrument, checked)
    response = Response.objects.create(
        person=person, instrument=instrument, on=on, answers=checked, scores=scores, recorded_by=user
    )
    _changed(user, person, f"response {response.pk} recorded")
    return response


@transaction.atomic
def record_outcome(user: User, person: Person, kind: str, on: date, evidence: str) -> OutcomeEvent:
    """Something that changed for a person (a crisis avoided, say), with what shows it happened."""
    _may_record_for(user, person)
    if kind not in OutcomeEvent.Kind.values:
        raise Refusal("Choose what changed.", field="kind")
    if on > timezone.localdate():
        raise Refusal("The date cannot be in the future.", field="on")
    if not (evidence or "").strip():
        raise Refusal("Say what shows it happened.", field="evidence")
    event = OutcomeEvent.objects.create(
        person=person, kind=kind, on=on, evidence=evidence.strip(), recorded_by=user
    )
    _changed(user, person, f"outcome {event.pk} recorded")
    return event


UNIT_COST_COLUMNS = [
    Column("name", ("name",)),
    Column("outcome", ("outcome", "outcome_type")),
    Column("value", ("value", "unit_cost", "cost")),
    Column("year", ("year", "price_year")),
    Column("source", ("source",)),
    Column("example", ("example", "is_example"), required=False),
]


@refusals_logged(logger, "unit cost")
@transaction.atomic
def import_unit_costs(path: Path | str) -> int:
    """Replace the unit cost table with a CSV's rows (by header name). All or nothing."""
    started = time.monotonic()
    costs = []
    for row in read_rows(path, UNIT_COST_COLUMNS):
        outcome = row.required_text("outcome")
        if outcome not in OutcomeEvent.Kind.values:
            raise row.fail("outcome", f"{outcome!r} is not one of {', '.join(OutcomeEvent.Kind.values)}")
        value = row.number("value", minimum=0)
        if value is None:
            raise row.fail("value", "is empty but a value is needed")
        year = row.whole_number("year", minimum=1990, maximum=2100)
        if year is None:
            raise row.fail("year", "is empty but a value is needed")
        costs.append(
            UnitCost(
                name=row.required_text("name"),
                outcome=outcome,
                value=Decimal(row.text("value").replace(",", "")).quantize(Decimal("0.01")),
                year=year,
                source=row.required_text("source"),
                is_example=row.text("example").casefold() in {"yes", "true", "1"},
            )
        )
    if not costs:
        raise ImportFileError(path, "has no rows")
    UnitCost.objects.all().delete()
    UnitCost.objects.bulk_create(costs)
    logger.info("Imported %d unit costs in %.1f s", len(costs), time.monotonic() - started)
    return len(costs)


@transaction.atomic
def invite_to_survey(survey: Survey, organisation: Organisation, email: str) -> SurveyInvitation:
    """Invite someone at a partner organisation; their link is theirs alone."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Refusal("Enter an email address, like name@example.org.", field="email") from None
    if SurveyInvitation.objects.filter(survey=survey, email=email).exists():
        raise Refusal(f"{email} is already invited.", field="email")
    return SurveyInvitation.objects.create(
        survey=survey, organisation=organisation, email=email, token=secrets.token_urlsafe(24)
    )


@transaction.atomic
def answer_survey(invitation: SurveyInvitation, answers: dict[int, int]) -> SurveyInvitation:
    """Record an invitation's answers, once: every statement answered on the agreement scale."""
    invitation = SurveyInvitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if invitation.answered_at is not None:
        raise Refusal("This survey has already been answered from this link. Thank you.")
    if invitation.survey.closes_on < timezone.localdate():
        raise Refusal("This survey has closed.")
    statements = list(invitation.survey.statements.all())
    for statement in statements:
        if answers.get(statement.pk) not in Agreement.values:
            raise Refusal(f"Say how far you agree: “{statement.text}”.", field=f"statement_{statement.pk}")
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(invitation=invitation, statement=s, agreement=answers[s.pk]) for s in statements
    )
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answered_at"])
    return invitation


@transaction.atomic
def rate_goal(user: User, goal: Goal, on: date, rating: int) -> GoalRating:
    """The person rates how far they have come with one of their goals (1 to 10)."""
    _may_record_for(user, goal.person)
    if on > timezone.localdate():
        raise Refusal("The date cannot be in the future.", field="on")
    if on < goal.set_on:
        raise Refusal("The date cannot be before the goal was set.", field="on")
    if not isinstance(rating, int) or not 1 <= rating <= 10:
        raise Refusal("Give a rating from 1 to 10.", field="rating")
    rated = GoalRating.objects.create(goal=goal, on=on, rating=rating, recorded_by=user)
    _changed(user, goal.person, f"goal {goal.pk} rated")
    return rated
