from django.core.management.base import BaseCommand
from django.utils import timezone

from care.return_reminders import send_return_reminders, send_return_reminders_task


class Command(BaseCommand):
    help = (
        "Open the quarterly returns of ended quarters, suspend budgets whose return is long overdue, "
        "and remind whoever must return each one a week before it is due, on the day and when overdue "
        "(the council's finance officers too, then). Run daily; --now does it at once instead of "
        "queuing a task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")
        parser.add_argument("--site-url", default="", help="the site's address for links in emails")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            sent = send_return_reminders(today, options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder email(s)."))
        else:
            result = send_return_reminders_task.enqueue(today.isoformat(), options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
