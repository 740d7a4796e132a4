from django.core.management.base import BaseCommand
from django.utils import timezone

from grants.reminders import send_monitoring_reminders, send_monitoring_reminders_task


class Command(BaseCommand):
    help = (
        "Remind funded groups of their grants' monitoring returns: 14 days before each is due, and "
        "once when it is overdue (each reminder once). Run daily; --now sends at once instead of "
        "queuing a task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")
        parser.add_argument("--site-url", default="", help="the site's address for links in emails")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            sent = send_monitoring_reminders(today, options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder email(s)."))
        else:
            result = send_monitoring_reminders_task.enqueue(today.isoformat(), options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
