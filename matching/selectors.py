"""Reads of the matching app: how near listings are to what someone said, in meaning or words."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import numpy as np

from directory.models import Service

from . import vectors
from .models import ListingVector
from .ranking import DEFAULT_WEIGHTS, Candidate, Profile, Suggestion, Weights, rank
from .similarity import phrase_similarities
from .sources import Context, Source
from .sources import timebank as timebank_source
from .sources import volunteering as volunteering_source


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


# Suggestions ------------------------------------------------------------------------------------

# Each kind of candidate and the function that finds them (matching/sources/). The helpers of each
# kind add their line here.
SOURCES: dict[str, Source] = {
    "opportunity": volunteering_source.find,
    "offer": timebank_source.find_offers,
    "member": timebank_source.find_members,
}


def suggest(
    profile: Profile,
    context: Context,
    weights: Weights = DEFAULT_WEIGHTS,
    kinds: Sequence[str] | None = None,
    limit: int | None = 10,
) -> list[Suggestion]:
    """The best candidates of ``kinds`` (every kind when ``None``) for ``profile``, with reasons.
    Visibility is the sources' business (each asks the selectors of its own app what the viewer
    may see); this only merges, scores and ranks."""
    candidates: list[Candidate] = []
    known: dict[str, np.ndarray] = {}
    for kind, source in SOURCES.items():
        if kinds is not None and kind not in kinds:
            continue
        found = source(profile, context)
        candidates += found.candidates
        known.update(found.vectors)
    similarities = phrase_similarities(profile.phrases, candidates, known)
    return rank(profile, candidates, similarities, weights, limit)
