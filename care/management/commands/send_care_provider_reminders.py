from django.core.management.base import BaseCommand
from django.utils import timezone

from care.provider_reminders import send_check_reminders, send_check_reminders_task


class Command(BaseCommand):
    help = (
        "Hide the listings of micro-providers whose required checks have run out (and show renewed "
        "ones), then remind providers' editors and micro-enterprise coordinators about checks running "
        "out within 30 days (run daily); --now does it at once instead of queuing a task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            sent = send_check_reminders(today)
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder email(s)."))
        else:
            result = send_check_reminders_task.enqueue(today.isoformat())
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
