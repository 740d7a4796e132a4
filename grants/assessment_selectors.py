"""Who may see what of an application under assessment, and the panel's numbers.

- An application is seen by its applicant, by its fund's officers (once sent), and by a panel
  member assigned to it who has declared **no** conflict of interest. Before declaring, a member
  sees only its title (to judge whether they have a conflict); with a conflict, nothing of it ever
  again: its pages answer 404, as for an application that does not exist.
- Scores, reviews and the discussion are seen by the fund's officers and by the assigned members
  without a conflict (who have declared), never by the applicant.
- ``moderation_of`` (and ``average_of``) count only sent reviews of members without a conflict:
  a conflicted member's view must not weigh in the decision, and a draft may still change.

Predicates never raise and are false for an anonymous or inactive user.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.permissions import Requester, is_signed_in
from common.pages import LARGEST_ID

from .models import (
    Application,
    Assignment,
    Criterion,
    Decision,
    DiscussionComment,
    PanelMember,
    Review,
    Round,
    Score,
)
from .selectors import is_applicant, is_fund_officer

# A panel that disagrees by this much on a criterion (0 against 3, say) should talk before deciding.
DISAGREEMENT = 3
ONE_PLACE = Decimal("0.1")


def _user(user: Requester) -> User | None:
    return user if isinstance(user, User) and is_signed_in(user) else None


# The panel


def panel_of(round_: Round) -> QuerySet[PanelMember]:
    """The round's panel, each with ``declared``: how many applications they have declared on
    (a member who has declared stays on the panel, as part of the record)."""
    return (
        round_.panel.select_related("user")
        .annotate(declared=Count("assignments", filter=~Q(assignments__declaration="")))
        .order_by("user__full_name", "pk")
    )


def criteria_of(round_: Round) -> QuerySet[Criterion]:
    return round_.criteria.all()


def criteria_are_fixed(round_: Round) -> bool:
    """Once any review is sent, the criteria stay: sent scores are against these criteria."""
    return Review.objects.filter(assignment__application__round=round_, submitted_at__isnull=False).exists()


def is_panel_member(user: Requester) -> bool:
    """Whether ``user`` sits on any round's panel (and so proves a second factor on its pages)."""
    found = _user(user)
    return found is not None and PanelMember.objects.filter(user=found).exists()


def assignments_of(user: Requester) -> QuerySet[Assignment]:
    """The applications given to ``user`` to assess, newest round first, each with its review.

    A conflicted assignment is listed (as declared) but opens nothing."""
    found = _user(user)
    if found is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(member__user=found)
        .exclude(application__status=Application.Status.DRAFT)
        .select_related("application", "application__round", "application__round__fund", "member")
        .prefetch_related(Prefetch("review", queryset=Review.objects.all()))
        .order_by("-application__round__closes_on", "application__pk")
    )


def assignment_for(user: Requester, application_pk: int) -> Assignment | None:
    """``user``'s assignment on the application, or None (not assigned, or no such application:
    an id past any the database can hold too, which SQLite would refuse with an overflow)."""
    if int(application_pk) > LARGEST_ID:
        return None
    return assignments_of(user).filter(application_id=application_pk).first()


def may_assess(user: Requester, application: Application) -> bool:
    """An assigned panel member who declared no conflict: reads, scores and discusses it."""
    found = _user(user)
    return (
        found is not None
        and Assignment.objects.filter(
            application=application, member__user=found, declaration=Assignment.Declaration.NONE
        ).exists()
    )


def may_see_application(user: Requester, application: Application) -> bool:
    """Its applicant; its fund's officers once it is sent; an assigned member without a conflict."""
    if is_applicant(user, application):
        return True
    if application.status == Application.Status.DRAFT:
        return False
    return is_fund_officer(user, application.round.fund) or may_assess(user, application)


def may_see_assessment(user: Requester, application: Application) -> bool:
    """Scores, reviews and the discussion: the fund's officers and the assigned members without a
    conflict. Never the applicant, not even one who is also the fund's officer or on its panel."""
    if application.status == Application.Status.DRAFT or is_applicant(user, application):
        return False
    return is_fund_officer(user, application.round.fund) or may_assess(user, application)


def discussion_of(user: Requester, application: Application) -> list[DiscussionComment]:
    if not may_see_assessment(user, application):
        return []
    return list(application.discussion.select_related("author"))


def review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).prefetch_related("scores").first()


def screened_in(round_: Round) -> QuerySet[Application]:
    """The round's applications with the panel now (screened in, not yet decided)."""
    return round_.applications.filter(status=Application.Status.IN_ASSESSMENT).order_by("pk")


def awaiting_screening(round_: Round) -> QuerySet[Application]:
    return round_.applications.filter(status=Application.Status.SUBMITTED, screened_at__isnull=True).order_by(
        "submitted_at", "pk"
    )


def decisions_of(application: Application) -> list[Decision]:
    """Every decision on the application, newest first, with who made it (for its officers)."""
    return list(application.decisions.select_related("decided_by"))


# Moderation


def counted_reviews(application: Application) -> QuerySet[Review]:
    """The reviews that count: sent, by members who declared no conflict."""
    return Review.objects.filter(
        assignment__application=application,
        assignment__declaration=Assignment.Declaration.NONE,
        submitted_at__isnull=False,
    )


def _mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass
class CriterionSpread:
    criterion: Criterion
    scores: list[int]

    @property
    def mean(self) -> Decimal | None:
        return _mean(self.scores)

    @property
    def lowest(self) -> int | None:
        return min(self.scores) if self.scores else None

    @property
    def highest(self) -> int | None:
        return max(self.scores) if self.scores else None

    @property
    def disagree(self) -> bool:
        return bool(self.scores) and max(self.scores) - min(self.scores) >= DISAGREEMENT


@dataclass
class Moderation:
    """One application's sent, counted scores: per criterion and overall, with the spread, the
    recommendations, and the conflicts declared on it."""

    application: Application
    criteria: list[CriterionSpread]
    reviews: int
    recommendations: list[tuple[str, int]]
    conflicts: list[Assignment]
    waiting: int  # assigned members without a conflict who have not sent a review yet
    overall_scores: list[int] = field(default_factory=list)

    @property
    def overall(self) -> Decimal | None:
        return _mean(self.overall_scores)

    @property
    def disagree(self) -> bool:
        return any(c.disagree for c in self.criteria)


def moderation_of(application: Application) -> Moderation:
    """What the panel made of ``application``, from counted reviews only (``counted_reviews``)."""
    criteria = list(criteria_of(application.round))
    reviews = list(counted_reviews(application).prefetch_related("scores"))
    scores: dict[int, list[int]] = {c.pk: [] for c in criteria}
    for review in reviews:
        for score in review.scores.all():
            if score.criterion_id in scores:
                scores[score.criterion_id].append(score.score)
    said = Counter(r.recommendation for r in reviews if r.recommendation)
    assignments = list(application.assignments.select_related("member__user", "review"))
    return Moderation(
        application=application,
        criteria=[CriterionSpread(c, scores[c.pk]) for c in criteria],
        reviews=len(reviews),
        recommendations=[(label, said[value]) for value, label in Review.Recommendation.choices],
        conflicts=[a for a in assignments if a.is_conflicted],
        waiting=sum(
            1
            for a in assignments
            if not a.is_conflicted and (not hasattr(a, "review") or a.review.submitted_at is None)
        ),
        overall_scores=[s for values in scores.values() for s in values],
    )


def average_of(application: Application) -> Decimal | None:
    """The mean of every counted score on ``application`` (sent, by members without a conflict),
    to one decimal place; None before any review counts."""
    return _mean(
        list(Score.objects.filter(review__in=counted_reviews(application)).values_list("score", flat=True))
    )
