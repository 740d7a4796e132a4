import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from common.errors import message_of
from outcomes.services import load_instrument


class Command(BaseCommand):
    help = (
        "Load a questionnaire from a JSON file: code, version, name, scoring (per_item, sum, category, "
        "sum_converted), bands, conversion (raw total to score) and items (code, text, options, min_value, "
        "max_value). For licensed instruments such as SWEMWBS, from the licence holder's own file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}, line {error.lineno}: not valid JSON ({error.msg}).") from None
        try:
            instrument = load_instrument(definition)
        except ValidationError as error:
            raise CommandError(f"{path}: {message_of(error)}") from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {instrument} with {instrument.items.count()} items."))
