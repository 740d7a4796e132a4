from django.core.management.base import BaseCommand, CommandError

from outcomes.models import Survey
from outcomes.surveys import send_invitations, send_invitations_task


class Command(BaseCommand):
    help = "Email a survey's invitations not yet sent (each with its own link); --now sends at once."

    def add_arguments(self, parser):
        parser.add_argument("survey", type=int, help="the survey's number (shown in the back office)")
        parser.add_argument("--site-url", default="", help="the site's address for links")
        parser.add_argument("--now", action="store_true")

    def handle(self, *args, **options):
        if not Survey.objects.filter(pk=options["survey"]).exists():
            raise CommandError(f"There is no survey {options['survey']}.")
        if options["now"]:
            self.stdout.write(
                self.style.SUCCESS(f"Sent {send_invitations(options['survey'], options['site_url'])}.")
            )
        else:
            result = send_invitations_task.enqueue(options["survey"], options["site_url"])
            self.stdout.write(self.style.SUCCESS(f"Queued as task {result.id}."))
