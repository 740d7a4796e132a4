from common.commands import ImportCommand
from places.services import import_neighbourhoods


class Command(ImportCommand):
    help = (
        "Define neighbourhoods from a CSV with a neighbourhood name and a ward (E05…) or "
        "LSOA (E01…) code on each row. Each neighbourhood's areas are replaced by the file's."
    )
    unit = "rows"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--name-column",
            default="neighbourhood",
            help="header of the neighbourhood name column (default: neighbourhood)",
        )
        parser.add_argument(
            "--area-column",
            default="area_code",
            help="header of the ward or LSOA code column (default: area_code)",
        )

    def run_import(self, options, progress):
        return import_neighbourhoods(
            options["file"],
            name_column=options["name_column"],
            area_column=options["area_column"],
        )
