"""Stored vectors: what the embedding model made of each listing's text; what coordinators said
was not for someone (``Dismissal``); how much each factor counts for a team (``TeamWeights``).

The vector is kept as float32 bytes (little-endian), so the same column works on SQLite and
PostgreSQL and numpy reads it back without copying (``numpy.frombuffer``). The text's digest says
whether the vector is still current: a listing whose text has not changed is not embedded again.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from directory.models import Service


class ListingVector(models.Model):
    """One directory listing's vector, made by ``model_name`` from the text whose SHA-256 is stored."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="matching_vector"
    )
    model_name = models.CharField(max_length=100, help_text="The embedding model that made the vector.")
    text_sha256 = models.CharField(max_length=64, help_text="SHA-256 (hex) of the listing text embedded.")
    dimensions = models.PositiveSmallIntegerField()
    vector = models.BinaryField(help_text="float32 little-endian, `dimensions` values, unit length.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(dimensions__gte=1), name="listingvector_dimensions_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} ({self.model_name}, {self.dimensions})"


class Dismissal(models.Model):
    """A coordinator said a suggestion is not for this person, and why: it is not suggested to them
    again until the dismissal is removed. ``key`` is the candidate's (``matching.ranking.Candidate``),
    ``title`` what the suggestion was called when dismissed (a listing's name, a person's first
    name), so the list of what was dismissed reads without the candidate."""

    class Reason(models.TextChoices):
        TRIED = "tried", "Tried it already"
        NOT_WANTED = "not_wanted", "Not what they want"
        CANT_GET_THERE = "cant_get_there", "Can't get there"
        BAD_TIME = "bad_time", "Not at a good time"
        OTHER = "other", "Other"

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="suggestion_dismissals"
    )
    key = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dismissed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="dismissal_once_per_person_and_key"),
        ]

    def __str__(self) -> str:
        return f"Dismissal {self.pk}"


WEIGHT_LIMITS = (Decimal(0), Decimal(10))


def _weight(help_text: str) -> models.DecimalField:
    return models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(WEIGHT_LIMITS[0]), MaxValueValidator(WEIGHT_LIMITS[1])],
        help_text=help_text,
    )


class TeamWeights(models.Model):
    """How much each factor of the ranking counts for one team's suggestions (0 to 10 each), in
    place of ``matching.ranking.DEFAULT_WEIGHTS``. One field per ``ranking.Weights`` name."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="suggestion_weights")
    interest = _weight("How well it fits what they said.")
    distance = _weight("How near it is.")
    time = _weight("Whether it runs when they are free.")
    cost = _weight("Whether it is free.")
    access = _weight("Whether the venue has what they need.")
    tried = _weight("Whether they tried it before and it did not work out.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "team weights"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 0}) & Q(**{f"{name}__lte": 10}),
                name=f"teamweights_{name}_0_to_10",
            )
            for name in ("interest", "distance", "time", "cost", "access", "tried")
        ]

    def __str__(self) -> str:
        return f"Suggestion weights of team {self.team_id}"
