"""Every public listing's vector and venues in memory, once per process, for the first pass of
suggestions over the whole directory.

Reading 100,000 stored vectors from the database takes a third of a second on SQLite and two
thirds on PostgreSQL (docs/matching.md); scoring them once they are a numpy matrix takes a few
milliseconds. So each process keeps, for the public listings (published, not closed for good):

- their ids, in a fixed order (row ``i`` of everything below is listing ``id_at(i)``), kept as the
  ids' 128-bit integers: 100,000 ``UUID`` objects would be 100,000 more objects for Python's cycle
  collector to walk, and its full collections, every few dozen requests, took 200 ms at that size;
  integers are not walked;
- the current model's vectors as one float32 matrix (a listing with no current vector, new or not
  yet refreshed, is embedded in memory as the index loads, up to :data:`EMBED_ON_LOAD` of them: reads
  never write, the task worker stores vectors);
- each physical venue's latitude and longitude (float32), by listing, and whether a listing is
  online only (a virtual location and no physical one).

It is loaded on first use and loaded again when it may be out of date:

- at once, when this process, or any process sharing the cache (Redis), changed the directory
  (``directory.kept``'s generation moves on every change of a listing, venue or session) or stored
  new vectors (:func:`vectors_changed`, called by ``refresh_listing_vectors`` when it commits). The
  index's own token is random, not a counter, so an emptied or evicted cache also reloads it;
- and, for changes another process made when each process has its own memory cache, or writes
  straight to the tables, within :data:`RECHECK_SECONDS` (``settings.MATCHING_INDEX_RECHECK_SECONDS``):
  at most that often a process compares counts and latest change times in the database (a few tens
  of milliseconds at 100,000 listings) with those it loaded.

What the index says is only used to choose which listings to look at; what a suggestion shows is
read from the database afresh (``matching.sources.listings``), so an index a few seconds old may
miss a brand-new listing for that long, but never shows an unpublished one or a wrong distance.
Memory: 1 KB a listing (256 float32s), so 100 MB a process at 100,000 listings, 10 MB at 10,000.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

from directory import kept
from directory.models import Location, Service, ServiceAtLocation
from directory.selectors import public_listings

from . import vectors
from .models import ListingVector

TOKEN_KEY = "matching:index:token"  # noqa: S105 - a cache key, not a secret
RECHECK_SECONDS = 30.0  # at most this long before another process's change is seen, without Redis
EMBED_ON_LOAD = 2000  # listings without a current vector embedded as the index loads (about 0.2 s)
CHUNK = 2000  # rows read at a time
EARTH_MILES = 3958.8

_lock = threading.Lock()
_loaded: ListingIndex | None = None


@dataclass
class ListingIndex:
    keys: list[int]  # per row, the listing's id as an integer (``UUID.int``)
    by_key: dict[int, int]  # the row of each key
    online: np.ndarray  # bool, per listing: a virtual location and no physical one
    venue_rows: np.ndarray  # int32, ascending: the listing row of each venue below
    venue_latitudes: np.ndarray  # float32, degrees
    venue_longitudes: np.ndarray  # float32, degrees
    model_name: str | None  # the model whose vectors are in ``matrix``; None: no model here
    matrix: np.ndarray | None  # float32 (listings, dimensions), unit rows; None without a model
    embedded: np.ndarray  # bool, per listing: has a row in ``matrix`` (stored, or embedded on load)
    digests: list[str | None]  # per listing: SHA-256 (hex) of the text its row in ``matrix`` is of
    stamp: tuple[Any, ...]  # what the cache said when loaded
    database_stamp: tuple[Any, ...]  # what the database said when loaded
    checked_at: float  # time.monotonic() of the last comparison with the database

    def __post_init__(self) -> None:
        # Worked out once per load, not once a request: the venues' coordinates in radians, the
        # cosine of their latitudes, and where each listing's run of venues starts.
        self._latitudes = np.radians(self.venue_latitudes)
        self._longitudes = np.radians(self.venue_longitudes)
        self._cos_latitudes = np.cos(self._latitudes)
        rows = self.venue_rows
        self._starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows

    def __len__(self) -> int:
        return len(self.keys)

    def id_at(self, row: int) -> UUID:
        """The id of the listing in ``row``."""
        return UUID(int=self.keys[row])

    def row_of(self, listing_id: UUID) -> int | None:
        """The row of a listing (``None``: not in the index)."""
        return self.by_key.get(listing_id.int)

    @property
    def unembedded(self) -> int:
        """Public listings with no vector in the matrix (more were missing than are embedded on load)."""
        return 0 if self.matrix is None else int((~self.embedded).sum())

    def vector_for(self, listing_id: UUID, text_digest: str) -> np.ndarray | None:
        """The listing's row of ``matrix`` when it is of this text (the listing not edited since the
        index loaded); otherwise ``None``."""
        row = self.row_of(listing_id)
        if self.matrix is None or row is None or self.digests[row] != text_digest:
            return None
        return self.matrix[row]

    def best_similarity(self, phrase_vectors: np.ndarray) -> np.ndarray:
        """Per listing, its best cosine similarity with any of the phrases' unit vectors (0 for a
        listing with no vector, and when there are no phrases)."""
        if self.matrix is None or not len(phrase_vectors) or not len(self):
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray((self.matrix @ phrase_vectors.T).max(axis=1), dtype=np.float32)

    def nearest_miles(self, home: tuple[float, float]) -> np.ndarray:
        """Per listing, the miles (great circle) from ``home`` to its nearest physical venue; infinity
        for a listing with no venue placed on the map."""
        miles = np.full(len(self), np.inf, dtype=np.float32)
        if not len(self.venue_rows):
            return miles
        lat1, lon1 = np.radians(np.float32(home[0])), np.radians(np.float32(home[1]))
        h = (
            np.sin((self._latitudes - lat1) / 2) ** 2
            + np.cos(lat1) * self._cos_latitudes * np.sin((self._longitudes - lon1) / 2) ** 2
        )
        each = np.float32(2 * EARTH_MILES) * np.arcsin(np.sqrt(np.minimum(h, 1)))
        miles[self.venue_rows[self._starts]] = np.minimum.reduceat(each, self._starts)
        return miles


def vectors_changed() -> None:
    """Stored vectors changed: every process sharing the cache loads its index again, now and once
    the change commits (what was loaded meanwhile came from before the change)."""
    _new_token()
    transaction.on_commit(_new_token)


def _new_token() -> None:
    cache.set(TOKEN_KEY, uuid.uuid4().hex, None)


def forget() -> None:
    """Drop this process's index (the next use loads it)."""
    global _loaded
    with _lock:
        _loaded = None


def current() -> ListingIndex:
    """This process's index, loaded or loaded again if it may be out of date."""
    global _loaded
    embedder = vectors.get_embedder()
    stamp = (
        cache.get_or_set(TOKEN_KEY, lambda: uuid.uuid4().hex, None),
        kept.generation(),
        embedder.name if embedder else None,
    )
    with _lock:
        loaded = _loaded
        if loaded is not None and loaded.stamp == stamp:
            recheck = float(getattr(settings, "MATCHING_INDEX_RECHECK_SECONDS", RECHECK_SECONDS))
            if time.monotonic() - loaded.checked_at < recheck:
                return loaded
            if _database_stamp() == loaded.database_stamp:
                loaded.checked_at = time.monotonic()
                return loaded
        _loaded = load(stamp)
        return _loaded


def _database_stamp() -> tuple[Any, ...]:
    """Counts and latest change times of what the index is made from: any change to them (a
    listing added, deleted, published or edited; a venue linked or unlinked; a vector made) moves
    one of them. (A venue moved without its listing being saved is not seen here: it is seen by the
    directory's generation at once where the cache is shared, and never shows a wrong distance.)"""
    listings = Service.objects.aggregate(n=Count("pk"), latest=Max("last_modified"))
    vector_rows = ListingVector.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    venues = ServiceAtLocation.objects.count()
    return (listings["n"], listings["latest"], venues, vector_rows["n"], vector_rows["latest"])


def load(stamp: tuple[Any, ...] = ()) -> ListingIndex:
    """Read the index from the database (a handful of queries, whatever the number of listings)."""
    database_stamp = _database_stamp()
    keys = [pk.int for pk in public_listings().order_by("pk").values_list("pk", flat=True).iterator(CHUNK)]
    rows = {key: row for row, key in enumerate(keys)}
    online = np.zeros(len(keys), dtype=bool)
    physical = np.zeros(len(keys), dtype=bool)
    placed: list[tuple[int, float, float]] = []
    links = ServiceAtLocation.objects.filter(service__in=public_listings()).values_list(
        "service_id", "location__location_type", "location__latitude", "location__longitude"
    )
    for service_id, kind, latitude, longitude in links.iterator(chunk_size=CHUNK):
        row = rows.get(service_id.int)
        if row is None:
            continue
        if kind == Location.Type.VIRTUAL:
            online[row] = True
        elif kind == Location.Type.PHYSICAL:
            physical[row] = True
            if latitude is not None and longitude is not None:
                placed.append((row, latitude, longitude))
    online &= ~physical
    placed.sort()
    venues = np.array(placed, dtype=np.float64).reshape(-1, 3)
    embedder = vectors.get_embedder()
    matrix: np.ndarray | None = None
    embedded = np.zeros(len(keys), dtype=bool)
    digests: list[str | None] = [None] * len(keys)
    if embedder is not None:
        matrix, embedded = _vectors(keys, rows, embedder.name, embedder.dimensions, digests)
    return ListingIndex(
        keys=keys,
        by_key=rows,
        online=online,
        venue_rows=venues[:, 0].astype(np.int32),
        venue_latitudes=venues[:, 1].astype(np.float32),
        venue_longitudes=venues[:, 2].astype(np.float32),
        model_name=embedder.name if embedder else None,
        matrix=matrix,
        embedded=embedded,
        digests=digests,
        stamp=stamp,
        database_stamp=database_stamp,
        checked_at=time.monotonic(),
    )


def _vectors(
    keys: Sequence[int], rows: dict[int, int], model_name: str, dimensions: int, digests: list[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """The public listings' stored vectors of this model as one matrix, and which rows have one.
    Listings without one are embedded now (up to :data:`EMBED_ON_LOAD`), in memory only. Each row's
    text digest goes in ``digests``."""
    matrix = np.zeros((len(keys), dimensions), dtype=np.float32)
    embedded = np.zeros(len(keys), dtype=bool)
    stored = ListingVector.objects.filter(model_name=model_name, dimensions=dimensions).values_list(
        "service_id", "text_sha256", "vector"
    )
    found: list[int] = []
    data: list[bytes] = []
    for service_id, digest, vector in stored.iterator(chunk_size=CHUNK):
        row = rows.get(service_id.int)
        if row is not None:
            found.append(row)
            data.append(bytes(vector))
            digests[row] = digest
    if found:
        matrix[found] = vectors.matrix_from(data, dimensions)
        embedded[found] = True
    missing = [UUID(int=keys[row]) for row in np.flatnonzero(~embedded)[:EMBED_ON_LOAD]]
    for start in range(0, len(missing), CHUNK):
        batch = list(
            Service.objects.filter(pk__in=missing[start : start + CHUNK])
            .only("pk", "name", "description", "how_to_join")
            .prefetch_related("terms")
        )
        if batch:
            at = [rows[listing.pk.int] for listing in batch]
            texts = [vectors.listing_text(listing) for listing in batch]
            matrix[at] = vectors.embed(texts)
            embedded[at] = True
            for row, text in zip(at, texts, strict=True):
                digests[row] = vectors.text_digest(text)
    return matrix, embedded
