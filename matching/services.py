"""Writes of the matching app: keeping each listing's stored vector current."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from directory.models import Service

from . import index, vectors
from .models import ListingVector

BATCH = 1000  # listings read, embedded and written at a time


@dataclass(frozen=True)
class RefreshCounts:
    made: int = 0  # vectors made or remade (new listing, changed text, another model)
    current: int = 0  # listings whose vector was already current
    off: bool = False  # no model here: nothing was done

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


def refresh_listing_vectors(ids: Iterable[UUID | str] | None = None) -> RefreshCounts:
    """Make the vector of each listing in ``ids`` (every listing when ``None``) whose text, or the
    model, changed since its vector was made. Ids of listings that no longer exist are passed over
    (their vectors went with them). One transaction: on failure nothing is saved."""
    embedder = vectors.get_embedder()
    if embedder is None:
        return RefreshCounts(off=True)
    if ids is None:
        wanted = list(Service.objects.order_by("pk").values_list("pk", flat=True))
    else:
        wanted = sorted({UUID(str(i)) for i in ids})
    made = current = 0
    with transaction.atomic():
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            listings = (
                Service.objects.filter(pk__in=batch)
                .only("pk", "name", "description", "how_to_join")
                .prefetch_related("terms")
            )
            stored = {
                service_id: (model_name, digest)
                for service_id, model_name, digest in ListingVector.objects.filter(
                    service_id__in=batch
                ).values_list("service_id", "model_name", "text_sha256")
            }
            changed: list[tuple[Service, str, str]] = []
            for listing in listings:
                text = vectors.listing_text(listing)
                digest = vectors.text_digest(text)
                if stored.get(listing.pk) == (embedder.name, digest):
                    current += 1
                else:
                    changed.append((listing, text, digest))
            if not changed:
                continue
            matrix = vectors.embed([text for _, text, _ in changed])
            now = timezone.now()
            ListingVector.objects.bulk_create(
                [
                    ListingVector(
                        service=listing,
                        model_name=embedder.name,
                        text_sha256=digest,
                        dimensions=embedder.dimensions,
                        vector=vectors.to_bytes(row),
                        updated_at=now,
                    )
                    for (listing, _, digest), row in zip(changed, matrix, strict=True)
                ],
                update_conflicts=True,
                unique_fields=["service"],
                update_fields=["model_name", "text_sha256", "dimensions", "vector", "updated_at"],
            )
            made += len(changed)
        if made:
            index.vectors_changed()  # every process's index of listings loads the new vectors
    return RefreshCounts(made=made, current=current)
