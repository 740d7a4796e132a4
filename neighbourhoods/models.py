"""Neighbourhood teams: people from several organisations working one area, their top priorities
with measures of success and readings over time, and a survey repeated after 12 months."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NeighbourhoodTeam(models.Model):
    neighbourhood = models.OneToOneField(
        "places.Neighbourhood", on_delete=models.PROTECT, related_name="team"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="neighbourhood_teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """Someone on the team, from whichever organisation (GP practice, council, NHS, VCSE…)."""

    team = models.ForeignKey(NeighbourhoodTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=120, blank=True, help_text="For example: practice manager, PCSO.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="on_a_neighbourhood_team_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.team}"


class Priority(models.Model):
    team = models.ForeignKey(NeighbourhoodTeam, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(
        max_length=200, help_text="For example: fuel poverty, falls, getting to know each other."
    )
    why = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(default=1, help_text="1 is the top priority.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team", "-is_active", "rank", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """A measure of success for a priority, with where it started and where the team aims."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200, help_text="For example: homes helped with energy bills.")
    unit = models.CharField(max_length=40, blank=True, help_text="For example: homes, %, people.")
    baseline = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    target_by = models.DateField()

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.target >= self.baseline


class Reading(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} on {self.on}"


class SurveyRound(models.Model):
    """The neighbourhood survey, asked at a baseline and again after 12 months, its results
    entered by the team (door-knocking and paper forms are the norm)."""

    team = models.ForeignKey(NeighbourhoodTeam, on_delete=models.CASCADE, related_name="survey_rounds")
    label = models.CharField(max_length=60, help_text="For example: Baseline, After 12 months.")
    held_on = models.DateField()
    respondents = models.PositiveIntegerField()

    class Meta:
        ordering = ["team", "held_on"]
        constraints = [
            models.CheckConstraint(condition=Q(respondents__gte=0), name="respondents_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.label}"


class SurveyResult(models.Model):
    """How many of a round's respondents agreed with a question ("I know my neighbours")."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="results")
    question = models.CharField(max_length=300)
    agreed = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey_round", "question"], name="one_result_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.agreed}"
