"""Reads of the matching app: how near listings are to what someone said, in meaning or words."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import numpy as np

from directory.models import Service

from . import vectors
from .models import ListingVector


def listing_similarities(query: str, listing_ids: Sequence[UUID]) -> dict[UUID, float]:
    """How near each listing is to ``query``: cosine similarity of stored vectors with the query's
    when the model is here (a listing whose vector is missing or out of date is embedded now and not
    stored: reads do not write), keyword similarity of the listings' texts when it is not."""
    listings = list(
        Service.objects.filter(pk__in=list(listing_ids))
        .only("pk", "name", "description", "how_to_join")
        .prefetch_related("terms")
    )
    if not listings:
        return {}
    texts = {listing.pk: vectors.listing_text(listing) for listing in listings}
    embedder = vectors.get_embedder()
    if embedder is None:
        scores = vectors.keyword_similarity(query, list(texts.values()))
        return {pk: float(score) for pk, score in zip(texts, scores, strict=True)}
    stored = {
        row.service_id: row
        for row in ListingVector.objects.filter(service_id__in=list(texts), model_name=embedder.name)
    }
    current = [
        pk
        for pk, text in texts.items()
        if pk in stored and stored[pk].text_sha256 == vectors.text_digest(text)
    ]
    stale = [pk for pk in texts if pk not in set(current)]
    rows = [bytes(stored[pk].vector) for pk in current]
    matrix = vectors.matrix_from(rows, embedder.dimensions)
    if stale:
        matrix = np.vstack([matrix, vectors.embed([texts[pk] for pk in stale])])
    scores = vectors.similarity(vectors.embed([query])[0], matrix)
    return {pk: float(score) for pk, score in zip([*current, *stale], scores, strict=True)}
