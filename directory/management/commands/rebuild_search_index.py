from django.core.management.base import BaseCommand
from django.db import transaction

from directory.fulltext import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the directory's full-text search index from the listings (safe to run at any time)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} listings."))
