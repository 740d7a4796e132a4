import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.oruk.export import published_services, write_tables_zip


class Command(BaseCommand):
    help = (
        "Export every published listing as Open Referral UK JSON (a list of fully nested services) "
        "or as HSDS tables in CSV, zipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="file to write: .json for JSON, .zip for the CSV tables")

    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.suffix not in (".json", ".zip"):
            raise CommandError("The output file must end .json (Open Referral UK JSON) or .zip (CSV tables).")
        if not output.parent.is_dir():
            raise CommandError(f"There is no folder {output.parent} to write {output.name} into.")
        if output.suffix == ".json":
            services = list(published_services())
            output.write_text(json.dumps(services, indent=1, ensure_ascii=False), encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(services)} services to {output}."))
        else:
            counts = write_tables_zip(published_services(), output)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {counts['services']} services to {output}: "
                    + ", ".join(f"{name} {count}" for name, count in counts.items() if name != "services")
                    + "."
                )
            )
