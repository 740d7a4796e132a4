from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from directory.models import ListingStatus
from directory.oruk.importer import FeedError, import_records, records_from_file, records_from_url
from directory.oruk.ownership import source_name


class Command(BaseCommand):
    help = (
        "Import services from an Open Referral UK feed (its API address) or a JSON file. Every record "
        "is checked against the official schema first; if any is rejected, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a feed address (https://…/) or a JSON file")
        parser.add_argument(
            "--owner",
            help=(
                "the source: name of the Closeknit organisation whose editors keep these listings up to "
                "date. The import creates and updates this source's records only; without --owner, the "
                "district's own records (those with no owner)"
            ),
        )
        parser.add_argument(
            "--status",
            choices=ListingStatus.values,
            default=ListingStatus.PUBLISHED,
            help="listing status for imported services (default: published)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every record but write nothing")
        parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for each page")

    def handle(self, *args, **options):
        owner = None
        if options["owner"]:
            owner = Organisation.objects.filter(name=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No organisation is called {options['owner']!r}. Nothing was imported.")
        source = options["source"]
        try:
            if source.startswith(("http://", "https://")):
                records = records_from_url(source, timeout=options["timeout"])
            else:
                records = records_from_file(source)
        except FeedError as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        result = import_records(records, owner=owner, status=options["status"], dry_run=options["dry_run"])
        for rejected in result.rejected:
            self.stderr.write(
                f"Record {rejected.position} ({rejected.record_id}"
                f"{', ' + repr(rejected.name) if rejected.name else ''}) was rejected:"
            )
            for problem in rejected.problems:
                self.stderr.write(f"  - {problem}")
        if result.rejected:
            raise CommandError(
                f"{len(result.rejected)} of {result.read} records were rejected. Nothing was imported."
            )
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"All {result.read} records are fine for {source_name(owner)}. "
                    "Nothing was written (dry run)."
                )
            )
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(warning))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.read} services for {source_name(owner)}: {result.created} new, "
                f"{result.updated} updated."
            )
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
