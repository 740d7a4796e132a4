"""Background work of the matching app, run by the task worker (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from .services import refresh_listing_vectors


@task()
def refresh_listing_vectors_task(ids: list[str]) -> dict[str, int | bool]:
    """Bring the vectors of these listings up to date (only those whose text changed are remade)."""
    return refresh_listing_vectors(ids).as_dict()
