from common.commands import ImportCommand
from places.services import import_imd


class Command(ImportCommand):
    help = (
        "Import Index of Multiple Deprivation 2019 rank and decile per LSOA from "
        "IoD2019 File 1 or File 7 as CSV (optionally gzipped)."
    )
    unit = "LSOAs"

    def run_import(self, options, progress):
        return import_imd(options["file"], progress=progress)
