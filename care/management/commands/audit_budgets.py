from django.core.management.base import BaseCommand, CommandError

from care.ledger import audit
from care.models import PersonalBudget


class Command(BaseCommand):
    help = (
        "Recompute every personal budget's balance and each line's spending from the ledger's "
        "entries, and check every correction undoes its entry. Reports any drift and exits with an "
        "error if there is some."
    )

    def handle(self, *args, **options):
        budgets = PersonalBudget.objects.order_by("pk")
        found = audit(budgets)
        if found:
            for drift in found:
                self.stderr.write(f"DRIFT ({drift.what}): {drift.detail}")
            raise CommandError(f"{len(found)} problem(s) found in {budgets.count()} budget(s).")
        self.stdout.write(
            self.style.SUCCESS(f"No drift: {budgets.count()} budget(s) agree with their entries.")
        )
