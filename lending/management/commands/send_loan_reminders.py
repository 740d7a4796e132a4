from django.core.management.base import BaseCommand
from django.utils import timezone

from lending.reminders import send_overdue_reminders, send_overdue_reminders_task


class Command(BaseCommand):
    help = "Queue reminders to borrowers whose loans are overdue (run daily); --now sends them at once."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            self.stdout.write(self.style.SUCCESS(f"Sent {send_overdue_reminders(today)} reminder email(s)."))
        else:
            result = send_overdue_reminders_task.enqueue(today.isoformat())
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
