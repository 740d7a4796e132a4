"""Measures of what changed for people: questionnaires (instruments) with versioned items and
scoring, each person's responses, and outcome events recorded with evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Instrument(models.Model):
    """A questionnaire, one version of it. Its items and scoring never change once responses use
    it: a new wording is a new version."""

    class Scoring(models.TextChoices):
        PER_ITEM = "per_item", "Each item scored and banded on its own (ONS4)"
        SUM = "sum", "Items added up, the total banded (UCLA 3-item)"
        CATEGORY = "category", "A single answer, reported as its category"
        SUM_CONVERTED = "sum_converted", "Items added up, then converted by a table (SWEMWBS metric)"

    code = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    scoring = models.CharField(max_length=14, choices=Scoring.choices)
    # [{"min": 3, "max": 5, "label": "Not lonely"}, ...] for totals (SUM, SUM_CONVERTED).
    bands = models.JSONField(default=list, blank=True)
    # {"7": 7.0, "8": 9.51, ...}: raw total to reported score (SUM_CONVERTED).
    conversion = models.JSONField(default=dict, blank=True)
    higher_is_better = models.BooleanField(default=True)
    source = models.TextField(blank=True, help_text="Where it comes from, and its licence.")
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_instrument_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="Empty for licensed instruments whose wording is not shipped.")
    label = models.CharField(
        max_length=60, blank=True, help_text="A short name for reports and charts, such as “Anxiety”."
    )
    # [[value, label], ...]; for a 0–10 scale, the two ends' labels only.
    options = models.JSONField(default=list)
    min_value = models.SmallIntegerField()
    max_value = models.SmallIntegerField()
    # [{"min": 0, "max": 4, "label": "Low"}, ...] for PER_ITEM scoring.
    bands = models.JSONField(default=list, blank=True)
    higher_is_better = models.BooleanField(default=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_once_per_instrument")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code}.{self.code}"

    @property
    def short_label(self) -> str:
        return self.label or self.text or self.code


class Response(models.Model):
    """One person's answers to an instrument on a day, with the scores worked out when recorded."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    on = models.DateField()
    answers = models.JSONField(help_text="Item code to the value chosen.")
    scores = models.JSONField(help_text="What scoring made of the answers: totals and bands.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["person", "instrument", "on"], name="response_person_instrument")]

    def __str__(self) -> str:
        return f"{self.instrument.code} on {self.on}"


class OutcomeEvent(models.Model):
    """Something that changed for a person, recorded with the evidence for it."""

    class Kind(models.TextChoices):
        TENANCY_SUSTAINED = "tenancy_sustained", "Tenancy sustained or eviction avoided"
        CRISIS_AVOIDED = "crisis_avoided", "Crisis avoided"
        INTO_WORK = "into_work", "Back into work or volunteering"
        CARE_AVOIDED = "care_avoided", "Care package avoided or reduced"
        NEW_CONNECTIONS = "new_connections", "New connections made"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="outcome_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    evidence = models.TextField(help_text="What shows it happened: who said so, what changed.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class UnitCost(models.Model):
    """A published cost attached to an outcome, for estimating social value: loaded from a CSV the
    deploying council provides (with its source), never typed into reports."""

    name = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20, choices=OutcomeEvent.Kind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2, help_text="Pounds per occurrence.")
    year = models.PositiveSmallIntegerField(help_text="The year the value is priced in.")
    source = models.CharField(max_length=300)
    is_example = models.BooleanField(
        default=False, help_text="Invented, for trying Closeknit out: not a real cost."
    )

    class Meta:
        ordering = ["outcome", "-year", "name"]

    def __str__(self) -> str:
        return f"{self.name}: £{self.value} ({self.year})"


class Survey(models.Model):
    """A short survey of partner organisations (introducers), e.g. whether Local Area Coordination
    is a valuable resource in their communities. Each invitation has its own link."""

    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    closes_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyStatement(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="statements")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Agreement(models.IntegerChoices):
    STRONGLY_AGREE = 5, "Strongly agree"
    AGREE = 4, "Agree"
    NEITHER = 3, "Neither agree nor disagree"
    DISAGREE = 2, "Disagree"
    STRONGLY_DISAGREE = 1, "Strongly disagree"


class SurveyInvitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "email"], name="invited_once_per_survey")]

    def __str__(self) -> str:
        return f"{self.survey} to {self.organisation}"


class SurveyAnswer(models.Model):
    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(SurveyStatement, on_delete=models.CASCADE, related_name="answers")
    agreement = models.PositiveSmallIntegerField(choices=Agreement.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "statement"], name="one_answer_per_statement")
        ]

    def __str__(self) -> str:
        return f"{self.get_agreement_display()}: {self.statement}"


class GoalRating(models.Model):
    """How far the person feels they have come with one of their own goals, 1 (not started) to 10
    (achieved), rated from time to time: the goal in their words, the progress in their view."""

    goal = models.ForeignKey("people.Goal", on_delete=models.CASCADE, related_name="ratings")
    on = models.DateField()
    rating = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["goal", "on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=10), name="goal_rating_1_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/10 on {self.on}"
