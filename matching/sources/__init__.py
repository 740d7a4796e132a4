"""Where suggestions come from: one module per kind of candidate, each a function that finds the
candidates worth ranking for a profile.

A source is called with the profile and a :class:`Context` and answers a :class:`Found`: the
candidates (``matching.ranking.Candidate``), and the stored vector of any of them it already has
(listings keep theirs in ``ListingVector``). ``matching.similarity`` embeds the rest, or falls back
to keywords when there is no model. Sources never decide visibility on their own terms: the people
source asks ``people.selectors`` who the viewer may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from matching.ranking import Candidate, Profile

if TYPE_CHECKING:
    from people.models import Person


@dataclass(frozen=True)
class Context:
    """Who asks and for whom. ``viewer`` is ``None`` for a resident on the public form (who then
    sees only public things); ``person`` is ``None`` there too."""

    viewer: Any = None
    person: Person | None = None
    limit: int = 300  # at most this many candidates from one source


@dataclass
class Found:
    candidates: list[Candidate] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # key -> unit-length float32 vector


Source = Callable[[Profile, Context], Found]
