from django.core.management.base import BaseCommand
from django.utils import timezone

from care.budget_surpluses import warn_of_surpluses, warn_of_surpluses_task


class Command(BaseCommand):
    help = (
        "Check every personal budget against its council's surplus ceiling and email the council's "
        "finance officers once about each budget that has passed it (run daily); --now does it at "
        "once instead of queuing a task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="check and send now instead of queuing a task")
        parser.add_argument("--site-url", default="", help="the site's address for links in emails")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            sent = warn_of_surpluses(today, options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} surplus warning email(s)."))
        else:
            result = warn_of_surpluses_task.enqueue(today.isoformat(), options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued the surplus check as task {result.id}."))
