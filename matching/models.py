"""Stored vectors: what the embedding model made of each listing's text.

The vector is kept as float32 bytes (little-endian), so the same column works on SQLite and
PostgreSQL and numpy reads it back without copying (``numpy.frombuffer``). The text's digest says
whether the vector is still current: a listing whose text has not changed is not embedded again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

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
