from django.core.management.base import BaseCommand
from django.utils import timezone

from directory.reminders import send_review_reminders, send_review_reminders_task


class Command(BaseCommand):
    help = (
        "Queue today's reminders about listings past their review date (run daily, e.g. from cron); "
        "`manage.py db_worker` sends them. With --now, send them straight away."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now instead of queuing a task")
        parser.add_argument(
            "--site-url", default="", help="the site's address for links, e.g. https://closeknit.example"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["now"]:
            sent = send_review_reminders(today, options["site_url"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sent {sent['owner']} reminder email(s) to editors "
                    f"and {sent['manager']} to administrators."
                )
            )
        else:
            result = send_review_reminders_task.enqueue(today.isoformat(), options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued the reminders as task {result.id}."))
