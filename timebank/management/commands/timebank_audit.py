from django.core.management.base import BaseCommand, CommandError

from timebank.ledger import audit
from timebank.models import Ledger


class Command(BaseCommand):
    help = (
        "Recompute every ledger from its postings: each balance, each entry summing to zero, each "
        "ledger's balances summing to zero. Reports any drift and exits with an error if there is some."
    )

    def handle(self, *args, **options):
        ledgers = Ledger.objects.order_by("pk")
        found = audit(ledgers)
        if found:
            for drift in found:
                self.stderr.write(f"DRIFT ({drift.what}): {drift.detail}")
            raise CommandError(f"{len(found)} problem(s) found in {ledgers.count()} ledger(s).")
        self.stdout.write(
            self.style.SUCCESS(f"No drift: {ledgers.count()} ledger(s) agree with their postings.")
        )
