from django.core.management.base import BaseCommand
from django.utils import timezone

from volunteering.reminders import send_shift_reminders, send_shift_reminders_task


class Command(BaseCommand):
    help = (
        "Queue reminders to volunteers whose shifts start within a day (run hourly, e.g. from cron); "
        "`manage.py db_worker` sends them. With --now, send them straight away."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")
        parser.add_argument("--site-url", default="", help="the site's address for links")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            sent = send_shift_reminders(now, options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder email(s)."))
        else:
            result = send_shift_reminders_task.enqueue(now.isoformat(), options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
