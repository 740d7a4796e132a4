from common.commands import ImportCommand
from places.services import import_postcodes


class Command(ImportCommand):
    help = (
        "Import postcodes from the ONS Postcode Directory or NSPL CSV (or a column subset "
        "of it), reading columns by header name. Safe to run again with a newer file."
    )
    unit = "postcodes"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--local-authority",
            metavar="CODE",
            help="keep only postcodes in this local authority (e.g. E08000009 for Trafford)",
        )

    def run_import(self, options, progress):
        return import_postcodes(
            options["file"], local_authority=options["local_authority"], progress=progress
        )
