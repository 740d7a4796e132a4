"""How near each candidate is to each of a person's phrases, in meaning (the model) or in words.

Candidates whose vector a source already has (a listing's stored vector) are not embedded again;
the rest are embedded now (people, opportunities, offers: few, and their texts change often). With
no model, keyword similarity (``matching.vectors.keyword_similarity``) is used for every candidate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import vectors
from .ranking import Candidate


def phrase_similarities(
    phrases: Sequence[str], candidates: Sequence[Candidate], known: Mapping[str, np.ndarray] | None = None
) -> dict[str, list[float]]:
    """For each candidate's key, its similarity with each phrase (same order as ``phrases``)."""
    if not phrases or not candidates:
        return {candidate.key: [0.0] * len(phrases) for candidate in candidates}
    if vectors.get_embedder() is None:
        columns = [vectors.keyword_similarity(phrase, [c.text for c in candidates]) for phrase in phrases]
        matrix = np.vstack(columns).T if columns else np.zeros((len(candidates), 0), dtype=np.float32)
    else:
        known = known or {}
        missing = [c for c in candidates if c.key not in known]
        embedded = dict(zip([c.key for c in missing], vectors.embed([c.text for c in missing]), strict=True))
        rows = np.vstack([known[c.key] if c.key in known else embedded[c.key] for c in candidates])
        matrix = rows @ vectors.embed(list(phrases)).T
    return {candidate.key: [float(v) for v in row] for candidate, row in zip(candidates, matrix, strict=True)}
