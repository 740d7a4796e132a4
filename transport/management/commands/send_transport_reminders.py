from django.core.management.base import BaseCommand
from django.utils import timezone

from transport.reminders import send_expiry_reminders, send_expiry_reminders_task


class Command(BaseCommand):
    help = (
        "Queue reminders to schemes' coordinators about drivers' checks and vehicles' MOT, permit and "
        "service dates running out within 30 days (run daily); --now sends them at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")
        parser.add_argument(
            "--site-url", default="", help="the site's address for links, e.g. https://closeknit.example"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            sent = send_expiry_reminders(today, options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder email(s)."))
        else:
            result = send_expiry_reminders_task.enqueue(today.isoformat(), options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
