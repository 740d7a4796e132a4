"""Make the stored vector of every directory listing whose text changed (or that has none)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from matching.services import refresh_listing_vectors


class Command(BaseCommand):
    help = (
        "Bring every directory listing's stored vector up to date: listings whose text (name, "
        "description, categories, how to join) changed, or that have none, are embedded again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = refresh_listing_vectors()
        if counts.off:
            self.stdout.write(
                "Embeddings are off here (MATCHING_EMBEDDINGS is false, or the wordllama package is "
                "not installed): no vectors were made. Suggestions use keyword similarity."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Made {counts.made} listing vectors; {counts.current} were already current.")
        )
