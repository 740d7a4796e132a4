from django.core.management.base import BaseCommand, CommandError

from common.csvimport import ImportFileError
from outcomes.services import import_unit_costs


class Command(BaseCommand):
    help = (
        "Replace the unit costs used for social value estimates with a CSV's (see data/unit_costs/README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            count = import_unit_costs(options["file"])
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} unit costs."))
