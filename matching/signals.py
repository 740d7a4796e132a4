"""When a listing's text may have changed, its vector is refreshed by the task worker.

The listings changed in one transaction are noted, and one task for all of them is queued when the
transaction commits (the first callback to run queues them all; the rest find nothing left). Nothing is
queued where vectors are not in use (switched off, or the model's package not installed).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from directory.models import Service, TaxonomyTerm

from . import vectors

_noted = threading.local()


def note_listings(ids: Iterable[Any]) -> None:
    """Refresh these listings' vectors once the current transaction commits."""
    if not vectors.embeddings_enabled():
        return
    pending: set[str] | None = getattr(_noted, "ids", None)
    if pending is None:
        pending = _noted.ids = set()
    pending.update(str(i) for i in ids)
    # Every time, not only for the first id: after a rollback, ids noted then are still here (and
    # harmless: refreshing a current listing remakes nothing), but their callback is gone.
    transaction.on_commit(_queue)


def _queue() -> None:
    from .tasks import refresh_listing_vectors_task

    ids: set[str] = getattr(_noted, "ids", None) or set()
    _noted.ids = set()
    if ids:
        refresh_listing_vectors_task.enqueue(sorted(ids))


def listing_saved(sender: type[Service], instance: Service, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        note_listings([instance.pk])


def term_saved(
    sender: type[TaxonomyTerm],
    instance: TaxonomyTerm,
    created: bool = False,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if not raw and not created:  # a renamed category changes the text of every listing under it
        note_listings(instance.services.values_list("pk", flat=True))


def listing_terms_changed(
    sender: type[Any], instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    if not reverse:  # listing.terms.add/remove/clear/set
        if action in {"post_add", "post_remove", "post_clear"}:
            note_listings([instance.pk])
    elif action in {"post_add", "post_remove"} and pk_set:  # term.services.add/remove
        note_listings(pk_set)
    elif action == "pre_clear":  # term.services.clear(): which listings, before they are gone
        note_listings(instance.services.values_list("pk", flat=True))


# A person's data held here: the suggestions dismissed for them -------------------------------------


def forget_person(sender: Any, person: Any, **kwargs: Any) -> None:
    """Erasure: their dismissals go (what was not for them is about them), and so do other people's
    dismissals of them as a suggestion (which name them by first name)."""
    from .models import Dismissal

    Dismissal.objects.filter(person=person).delete()
    Dismissal.objects.filter(key=f"person:{person.pk}").delete()


def what_we_hold(sender: Any, person: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Subject access: the suggestions dismissed for them, why, by whom and when."""
    # Here, not at the top: accounts.privacy imports models, not loaded when this module is.
    from accounts.privacy import section

    from .models import Dismissal

    return [
        section(
            "suggestions_dismissed",
            "Suggestions a coordinator said were not for them",
            [
                {
                    "suggestion": d.title,
                    "reference": d.key,
                    "why": d.get_reason_display(),
                    "note": d.note,
                    "dismissed_by": d.dismissed_by.full_name if d.dismissed_by else "",
                    "dismissed_at": d.dismissed_at.isoformat(),
                }
                for d in Dismissal.objects.filter(person=person).select_related("dismissed_by")
            ],
        )
    ]
